import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer, isTitleRequest } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle, TEST_REDIS_URL } from '../../helpers/environment.js';
import { HttpClient } from '../../helpers/http-client.js';
import { connectFakeModel, createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { connectFakeModels, EMBEDDING_MODEL, uploadDocument, waitForBatch } from '../../helpers/knowledge-setup.js';
import { purgeRedisPrefix } from '../../helpers/redis-cleanup.js';
import { spawnServer, spawnWorker } from '../../helpers/server-process.js';
import { createTestDatabase } from '../../helpers/test-database.js';
import { waitFor } from '../../helpers/wait-for.js';

const SECRET_KEY = 'recovery-test-secret-key-0123456789abcdef';
const longText = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} explains shipping rule number ${i} in detail.`).join('\n\n');

async function segmentsOf(client: HttpClient, token: string, datasetId: string, documentId: string) {
  const res = await client.get(`/datasets/${datasetId}/documents/${documentId}/segments?page_size=100`, { token });
  return res.body.data.list as Array<{ position: number; content: string }>;
}

describe('indexing survives a killed process (embedded database, in-process queue)', () => {
  let storageDir: string;
  let upstream: FakeOpenAiServer;
  beforeAll(async () => {
    storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-recovery-'));
    upstream = await new FakeOpenAiServer().start();
  });
  afterAll(async () => {
    await upstream?.close();
    await rm(storageDir, { recursive: true, force: true });
  });

  it('a document half-indexed when the process dies is invisible, and is finished once on restart', async () => {
    const env = { STORAGE_DIR: storageDir, SECRET_KEY };
    const first = await spawnServer(env);
    const client = new HttpClient(first.baseUrl);
    const { token } = await registerAccount(client);
    await connectFakeModels(client, token, upstream);
    const dataset = await client.post('/datasets', {
      token,
      body: { name: 'Crash', indexing_technique: 'high_quality', embedding_model: EMBEDDING_MODEL },
    });
    const datasetId = dataset.body.data.id;
    const fileId = await uploadDocument(client, token, 'rules.txt', Buffer.from(longText));
    const rule = { pre_process_rules: [], segment: { separators: ['\n\n'], chunk_size: 60, chunk_overlap: 0 } };

    upstream.embeddingDelayMs = 60_000; // the upstream hangs: indexing stops at the embedding step
    const queued = await client.post(`/datasets/${datasetId}/documents`, {
      token,
      body: { upload_file_ids: [fileId], process_type: 'custom', rule },
    });
    const documentId = queued.body.data.documents[0].id;
    let doc: { status?: string } = {};
    await waitFor(
      async () => {
        doc = (await client.get(`/datasets/${datasetId}/documents/${documentId}`, { token })).body.data;
        return doc.status === 'indexing';
      },
      { message: () => `the document to reach indexing: ${JSON.stringify(doc)}`, timeoutMs: 30_000 },
    );
    // Segments are written but the document is not complete: nothing is retrievable yet.
    expect(
      (await client.post(`/datasets/${datasetId}/hit`, { token, body: { query: 'shipping rule', retrieval_strategy: 'full_text' } })).body
        .data.records,
    ).toEqual([]);
    first.child.kill('SIGKILL');
    await first.exited;

    upstream.embeddingDelayMs = 0;
    const second = await spawnServer(env);
    try {
      const again = new HttpClient(second.baseUrl);
      const [doc] = await waitForBatch(again, token, datasetId, queued.body.data.batch);
      expect(doc.status, JSON.stringify(doc)).toBe('completed');
      const segments = await segmentsOf(again, token, datasetId, documentId);
      // Indexed once: as many segments as the document counts, numbered 1..n, none repeated.
      expect(segments.length).toBeGreaterThan(5);
      expect(segments).toHaveLength(doc.segment_count);
      expect(segments.map((s) => s.position)).toEqual(Array.from({ length: segments.length }, (_, i) => i + 1));
      expect(new Set(segments.map((s) => s.content)).size).toBe(segments.length);
      expect(segments.map((s) => s.content).join('\n\n')).toBe(longText);
      const third = segments[2]!.content;
      const found = await again.post(`/datasets/${datasetId}/hit`, { token, body: { query: third, retrieval_strategy: 'semantic', k: 1 } });
      expect(found.body.data.records[0].content).toBe(third);
    } finally {
      await second.stop();
    }
  });
});

const scaleOut = backends.find((b) => b.redis)!;

describe.skipIf(scaleOut.skipReason)(`indexing by a separate worker process on ${backendTitle(scaleOut)}`, () => {
  let upstream: FakeOpenAiServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let storageDir: string;
  const prefix = `llmops-test-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    database = await createTestDatabase();
    storageDir = await mkdtemp(path.join(tmpdir(), 'llmops-worker-'));
  });
  afterAll(async () => {
    await upstream?.close();
    await database?.drop();
    await purgeRedisPrefix(prefix);
    await rm(storageDir, { recursive: true, force: true });
  });

  it('jobs queued while no worker runs wait in Redis, and `npm run worker` indexes them', async () => {
    const env = { STORAGE_DIR: storageDir, SECRET_KEY, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix };
    const api = await spawnServer({ ...env, RUN_WORKER: 'false' });
    try {
      const client = new HttpClient(api.baseUrl);
      const { token } = await registerAccount(client);
      const dataset = await client.post('/datasets', { token, body: { name: 'Worker', indexing_technique: 'economy' } });
      const datasetId = dataset.body.data.id;
      const fileId = await uploadDocument(client, token, 'faq.md');
      const queued = await client.post(`/datasets/${datasetId}/documents`, { token, body: { upload_file_ids: [fileId] } });
      await sleep(500);
      expect(
        (await client.get(`/datasets/${datasetId}/documents/batch/${queued.body.data.batch}`, { token })).body.data.documents[0].status,
      ).toBe('waiting');

      const worker = await spawnWorker(env);
      try {
        const [doc] = await waitForBatch(client, token, datasetId, queued.body.data.batch);
        expect(doc.status).toBe('completed');
        const found = await client.post(`/datasets/${datasetId}/hit`, {
          token,
          body: { query: 'opening hours', retrieval_strategy: 'full_text' },
        });
        expect(found.body.data.records).toHaveLength(1);
        // The job ran once even though the worker's start also re-queued the waiting document.
        expect((await segmentsOf(client, token, datasetId, doc.id)).length).toBe(1);
      } finally {
        await worker.stop();
      }
    } finally {
      await api.stop();
    }
  });

  it('SIGTERM on a worker mid-job releases the job: another worker runs it once, and the first exits in time', async () => {
    const env = {
      STORAGE_DIR: storageDir,
      SECRET_KEY,
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      SHUTDOWN_TIMEOUT_MS: '1000',
    };
    const api = await spawnServer({ ...env, RUN_WORKER: 'false' });
    const first = await spawnWorker(env);
    try {
      const client = new HttpClient(api.baseUrl);
      const { token } = await registerAccount(client);
      await connectFakeModel(client, token, upstream);
      const appId = await createChatApp(client, token);
      // The conversation's title is a background job; its model call hangs for the first worker.
      upstream.chatDelayFor = (body) => (isTitleRequest(body) ? 60_000 : 0);
      const titleRequests = () => upstream.titleRequests();
      await debugChat(client, token, appId, 'plan a trip to Lisbon');
      await waitFor(() => titleRequests().length > 0, {
        message: () => `the worker to ask for a title:\n${first.output()}`,
        timeoutMs: 40_000,
      });

      const started = Date.now();
      first.child.kill('SIGTERM');
      expect(await first.exited, first.output()).toBe(0);
      expect(Date.now() - started).toBeLessThan(1_000 + 5_000);
      expect(first.output()).toContain('released to the queue');
      expect(titleRequests()[0]!.aborted).toBe(true);

      upstream.chatDelayFor = () => 0;
      const second = await spawnWorker(env);
      try {
        await waitFor(() => titleRequests().length >= 2, {
          message: () => `the released job to run again:\n${second.output()}`,
          timeoutMs: 40_000,
        });
        await sleep(1_000);
        // Once more, by the second worker, and not again: two title requests in all.
        expect(titleRequests()).toHaveLength(2);
        expect(titleRequests()[1]!.aborted).toBe(false);
        expect(second.output()).not.toContain('job failed');
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
      await api.stop();
    }
  });
});
