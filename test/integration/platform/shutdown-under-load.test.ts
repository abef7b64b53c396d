import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { HttpClient } from '../../helpers/http-client.js';
import { connectFakeModels, EMBEDDING_MODEL, uploadDocument, waitForBatch } from '../../helpers/knowledge-setup.js';
import { signalAndTime } from '../../helpers/process-timing.js';
import { spawnServer } from '../../helpers/server-process.js';
import { postStream } from '../../helpers/sse-client.js';
import { waitFor } from '../../helpers/wait-for.js';

const SECRET_KEY = 'shutdown-load-secret-key-0123456789abcdef';
const SHUTDOWN_TIMEOUT_MS = 1_500;
/** The promise: gone within SHUTDOWN_TIMEOUT_MS + 5 s whatever hangs. */
const EXIT_BOUND_MS = SHUTDOWN_TIMEOUT_MS + 5_000;

describe('SIGTERM under load, on the real server process', () => {
  let upstream: FakeOpenAiServer;
  const dirs: string[] = [];
  const storage = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'llmops-shutdown-load-'));
    dirs.push(dir);
    return { STORAGE_DIR: dir, SECRET_KEY, SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };
  };
  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
  });
  afterAll(async () => {
    await upstream?.close();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('50 open chat streams and a prompt rewrite whose upstream stops answering: each gets a final error event, chats are stored as interrupted, and the process exits in time', async () => {
    const env = await storage();
    const server = await spawnServer(env);
    const client = new HttpClient(server.baseUrl);
    const { token } = await registerAccount(client);
    await connectFakeModel(client, token, upstream);
    const appId = await createChatApp(client, token);

    // The debug conversation exists first: fifty first messages at once would each start one of their own.
    await debugChat(client, token, appId, 'before the load');
    const before = upstream.chatRequests().length;
    // The first chunk arrives, then the upstream goes silent for ten minutes.
    const streams = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, { query: `[[chunk_delay:600000]] question ${i}` }),
      ),
    );
    for (const stream of streams) {
      expect(stream.status).toBe(200);
      expect((await stream.next())?.event).toBe('message');
    }
    // A stream that is not a chat: a prompt rewrite whose upstream went silent too.
    const rewrite = await postStream(`${server.baseUrl}/ai/optimize-prompt`, token, {
      prompt: '[[chunk_delay:600000]] You answer questions about shipping.',
      model_config: { provider: 'openai_compatible', model: 'fake-chat' },
    });
    expect((await rewrite.next())?.event).toBe('optimize_prompt');

    const { code, ms } = await signalAndTime(server);
    expect(code, server.output()).toBe(0);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    expect(server.output()).toContain('in-flight work outlived the shutdown timeout');
    for (const stream of streams) {
      const events = await stream.all();
      const last = events.at(-1)!;
      expect(last.event).toBe('error');
      expect(last.data).toMatchObject({ status: 503, code: 'server_shutting_down' });
    }
    expect((await rewrite.all()).at(-1)).toMatchObject({ event: 'error', data: { code: 'server_shutting_down' } });
    // Every chat's upstream call was cut, not left hanging.
    const calls = upstream
      .chatRequests()
      .slice(before)
      .filter((c) => JSON.stringify(c.body.messages.at(-1)).includes('[[chunk_delay:600000]] question'));
    expect(calls).toHaveLength(50);
    await waitFor(() => calls.every((c) => c.aborted), { message: 'upstream calls to be aborted', timeoutMs: 5_000 });

    const again = await spawnServer(env);
    try {
      const restarted = new HttpClient(again.baseUrl);
      const page = await restarted.get(`/apps/${appId}/conversations/messages?limit=100`, { token });
      const list = (page.body.data.list as Array<{ query: string; status: string; error: string; answer: string }>).filter(
        (m) => m.query !== 'before the load',
      );
      expect(list).toHaveLength(50);
      for (const message of list) {
        expect(message.status).toBe('interrupted');
        expect(message.error).toMatch(/interrupted/);
        expect(message.answer).toBe('Echo: ');
      }
      // The conversation goes on.
      const events = await debugChat(restarted, token, appId, 'after the restart');
      expect(events.at(-1)?.event).toBe('message_end');
    } finally {
      await again.stop();
    }
  });

  it('a document being embedded against an upstream that answers 500s: retries stop, the document is left to resume, and a restart finishes it once', async () => {
    const env = { ...(await storage()), EMBEDDING_INDEX_RETRIES: '20', LLM_RETRY_BASE_MS: '100' };
    const server = await spawnServer(env);
    const client = new HttpClient(server.baseUrl);
    const { token } = await registerAccount(client);
    await connectFakeModels(client, token, upstream);
    const dataset = await client.post('/datasets', {
      token,
      body: { name: 'Retrying', indexing_technique: 'high_quality', embedding_model: EMBEDDING_MODEL },
    });
    const datasetId = dataset.body.data.id;
    const fileId = await uploadDocument(client, token, 'faq.md');

    upstream.embeddingFailures = { status: 500, count: 1_000_000 };
    const embeddingCalls = () => upstream.requests.filter((r) => r.path.endsWith('/embeddings')).length;
    const callsBefore = embeddingCalls();
    const queued = await client.post(`/datasets/${datasetId}/documents`, { token, body: { upload_file_ids: [fileId] } });
    const documentId = queued.body.data.documents[0].id;
    // Retries are under way: the upstream has refused at least three calls.
    await waitFor(() => embeddingCalls() - callsBefore >= 3, { message: 'embedding retries', timeoutMs: 30_000 });

    const { code, ms } = await signalAndTime(server);
    expect(code, server.output()).toBe(0);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    expect(server.output()).toContain('job interrupted by shutdown');
    const callsAtExit = embeddingCalls();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(embeddingCalls()).toBe(callsAtExit); // no retry outlived the process

    upstream.embeddingFailures = { status: 0, count: 0 };
    const again = await spawnServer(env);
    try {
      const restarted = new HttpClient(again.baseUrl);
      const [doc] = await waitForBatch(restarted, token, datasetId, queued.body.data.batch, 30_000);
      expect(doc.id).toBe(documentId);
      expect(doc.status, JSON.stringify(doc)).toBe('completed');
      const segments = await restarted.get(`/datasets/${datasetId}/documents/${documentId}/segments?page_size=100`, { token });
      const list = segments.body.data.list as Array<{ position: number }>;
      expect(list.length).toBe(doc.segment_count);
      expect(list.map((s) => s.position).sort((a, b) => a - b)).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
    } finally {
      await again.stop();
    }
  });
});
