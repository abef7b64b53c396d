import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobName } from '../../../internal/entity/job-entity.js';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { waitFor } from '../../helpers/wait-for.js';

const scaleOut = backends.find((b) => b.db === 'postgres')!;

describe.skipIf(scaleOut.skipReason)(`answers a crashed node left running, on ${backendTitle(scaleOut)}`, () => {
  let server: TestServer;
  let upstream: FakeOpenAiServer;
  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    server = await startTestServer(scaleOut, { chatInterruptedAfterSeconds: 60 });
  });
  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  it('the sweep marks those older than the bound interrupted and leaves younger ones (maybe live on another node) alone', async () => {
    const { token } = await registerAccount(server);
    await connectFakeModel(server, token, upstream);
    const appId = await createChatApp(server, token);
    await debugChat(server, token, appId, 'left by a crashed node');
    await debugChat(server, token, appId, 'still streaming elsewhere');
    const { db } = server.module.database;
    // As a crash leaves them: rows still running, one started long ago, one just now.
    await db.execute(sql`UPDATE messages SET status = 'running', answer = '', created_at = now() - interval '5 minutes'
      WHERE query = 'left by a crashed node'`);
    await db.execute(sql`UPDATE messages SET status = 'running', answer = '' WHERE query = 'still streaming elsewhere'`);

    await server.module.queue.enqueue(JobName.ChatInterruptedSweep, {});
    const list = await waitFor(
      async () => {
        const page = await server.get(`/apps/${appId}/conversations/messages`, { token });
        const rows = page.body.data.list as Array<{ query: string; status: string; error: string }>;
        return rows.some((m) => m.status === 'interrupted') && rows;
      },
      { message: 'the sweep', timeoutMs: 30_000 },
    );
    const byQuery = Object.fromEntries(list.map((m) => [m.query, m]));
    expect(byQuery['left by a crashed node']).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/interrupted/) });
    expect(byQuery['still streaming elsewhere']!.status).toBe('running');
  });
});
