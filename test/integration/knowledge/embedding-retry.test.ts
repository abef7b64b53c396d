import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { backendTitle, backends } from '../../helpers/environment.js';
import { connectFakeModels, EMBEDDING_MODEL, uploadDocument, waitForBatch } from '../../helpers/knowledge-setup.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

// Embeddings need pgvector: the embedded database has it; the PostgreSQL here does not.
const embedded = backends.find((b) => b.db === 'pglite')!;

describe(`embedding calls retried on 429 and 5xx, on ${backendTitle(embedded)}`, () => {
  let upstream: FakeOpenAiServer;
  let server: TestServer;
  let token: string;
  let datasetId: string;
  const embedCalls = () => upstream.requests.filter((r) => r.path.endsWith('/embeddings')).length;

  const index = async (name: string) => {
    const id = await uploadDocument(server, token, name);
    const queued = await server.post(`/datasets/${datasetId}/documents`, { token, body: { upload_file_ids: [id] } });
    expect(queued.status, JSON.stringify(queued.body)).toBe(200);
    return (await waitForBatch(server, token, datasetId, queued.body.data.batch))[0];
  };

  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    // Short waits between retries; two retries while indexing, so a longer failure shows.
    server = await startTestServer(embedded, { llmRetryBaseMs: 5, embeddingIndexRetries: 2 });
    token = (await registerAccount(server)).token;
    await connectFakeModels(server, token, upstream);
    const created = await server.post('/datasets', {
      token,
      body: { name: 'Retried', indexing_technique: 'high_quality', embedding_model: EMBEDDING_MODEL },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    datasetId = created.body.data.id;
  });
  afterAll(async () => {
    await server?.close();
    await upstream?.close();
  });

  it('indexing waits out a rate limit and completes the document', async () => {
    upstream.embeddingFailures = { status: 429, count: 2 };
    const before = embedCalls();
    const doc = await index('faq.md');
    expect(doc.status, JSON.stringify(doc)).toBe('completed');
    expect(embedCalls() - before).toBe(3);
  });

  it('gives up after the configured retries, with the provider`s answer as the reason', async () => {
    upstream.embeddingFailures = { status: 503, count: 10 };
    const before = embedCalls();
    const doc = await index('faq.csv');
    expect(doc.status).toBe('error');
    expect(doc.error).toContain('the model provider failed (503)');
    expect(embedCalls() - before).toBe(3);
    upstream.embeddingFailures = { status: 0, count: 0 };
  });

  it('a search retries a rate-limited query embedding', async () => {
    upstream.embeddingFailures = { status: 429, count: 1 };
    const hit = await server.post(`/datasets/${datasetId}/hit`, {
      token,
      body: { query: 'How long is shipping?', retrieval_strategy: 'semantic', k: 1 },
    });
    expect(hit.status, JSON.stringify(hit.body)).toBe(200);
    expect(hit.body.data.records).toHaveLength(1);
  });
});
