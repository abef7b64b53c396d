import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { createChatApp, debugChat } from '../../helpers/chat-setup.js';
import { connectFakeModels, EMBEDDING_MODEL, uploadDocument, waitForBatch } from '../../helpers/knowledge-setup.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const FILES = ['shipping.pdf', 'policy.docx', 'about.html', 'faq.md', 'faq.csv', 'chinese.txt'];

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`knowledge bases on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let vectors: boolean;
    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      vectors = server.module.database.vectorAvailable;
      token = (await registerAccount(server)).token;
      await connectFakeModels(server, token, upstream);
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    async function indexedDataset(technique: 'high_quality' | 'economy', files = FILES) {
      const created = await server.post('/datasets', {
        token,
        body: {
          name: `KB ${technique}`,
          indexing_technique: technique,
          ...(technique === 'high_quality' ? { embedding_model: EMBEDDING_MODEL } : {}),
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const datasetId = created.body.data.id as string;
      const ids = [];
      for (const name of files) ids.push(await uploadDocument(server, token, name));
      const queued = await server.post(`/datasets/${datasetId}/documents`, { token, body: { upload_file_ids: ids } });
      expect(queued.status, JSON.stringify(queued.body)).toBe(200);
      expect(queued.body.data.documents.map((d: { status: string }) => d.status)).toEqual(files.map(() => 'waiting'));
      const docs = await waitForBatch(server, token, datasetId, queued.body.data.batch);
      return { datasetId, docs };
    }

    const hit = (datasetId: string, query: string, extra: Record<string, unknown> = {}) =>
      server.post(`/datasets/${datasetId}/hit`, { token, body: { query, ...extra } });

    it('indexes every file type in the background and finds them by words (economy)', async () => {
      const { datasetId, docs } = await indexedDataset('economy');
      for (const doc of docs) {
        expect(doc, JSON.stringify(doc)).toMatchObject({ status: 'completed', error: '' });
        expect(doc.segment_count).toBeGreaterThan(0);
        expect(doc.indexed_segment_count).toBe(doc.segment_count);
        for (const at of ['parsing_started_at', 'splitting_started_at', 'indexing_started_at', 'completed_at'])
          expect(doc[at]).toBeTypeOf('number');
      }
      const cases: Array<[string, string, string]> = [
        ['shipping five days', 'shipping.pdf', 'Shipping takes five days.'],
        ['refunds policy', 'policy.docx', 'Refund policy: refunds within 30 days.'],
        ['sell tea', 'about.html', 'We sell tea.'],
        ['opening hours', 'faq.md', 'Opening hours are 9 to 5.'],
        ['Lisbon', 'faq.csv', 'question: Where?; answer: Lisbon'],
        ['退货政策', 'chinese.txt', '你好，世界。退货政策是三十天。'],
      ];
      for (const [query, documentName, content] of cases) {
        const res = await hit(datasetId, query, { retrieval_strategy: 'full_text', k: 3 });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body.data.records[0], query).toMatchObject({ document_name: documentName, dataset_name: 'KB economy', position: 1 });
        expect(res.body.data.records[0].content).toContain(content.split(' ')[0]);
        expect(res.body.data.records[0].score).toBeGreaterThan(0);
      }
      // Jieba's search mode: a word inside a longer one still matches.
      expect((await hit(datasetId, '三十', { retrieval_strategy: 'full_text' })).body.data.records[0].document_name).toBe('chinese.txt');
      expect((await hit(datasetId, 'zebra', { retrieval_strategy: 'full_text' })).body.data.records).toEqual([]);

      const semantic = await hit(datasetId, 'shipping', { retrieval_strategy: 'semantic' });
      expect(semantic.status).toBe(400);
      expect(semantic.body.message).toMatch(/semantic search needs a high_quality dataset/);

      const dataset = await server.get(`/datasets/${datasetId}`, { token });
      expect(dataset.body.data).toMatchObject({ document_count: 6, indexing_technique: 'economy', embedding_model: null });
      expect(dataset.body.data.hit_count).toBeGreaterThanOrEqual(7);
      expect(dataset.body.data.character_count).toBeGreaterThan(100);
      const queries = await server.get(`/datasets/${datasetId}/queries?limit=2`, { token });
      expect(queries.body.data.map((q: { query: string }) => q.query)).toEqual(['zebra', '三十']);
    });

    it('disabled documents and segments are never retrieved', async () => {
      const { datasetId, docs } = await indexedDataset('economy', ['faq.md']);
      const docId = docs[0].id;
      const disabled = await server.post(`/datasets/${datasetId}/documents/${docId}/enabled`, { token, body: { enabled: false } });
      expect(disabled.body.data.enabled).toBe(false);
      expect((await hit(datasetId, 'opening hours', { retrieval_strategy: 'full_text' })).body.data.records).toEqual([]);
      await server.post(`/datasets/${datasetId}/documents/${docId}/enabled`, { token, body: { enabled: true } });
      const found = await hit(datasetId, 'opening hours', { retrieval_strategy: 'full_text' });
      expect(found.body.data.records).toHaveLength(1);
      const segmentId = found.body.data.records[0].segment_id;
      await server.post(`/datasets/${datasetId}/documents/${docId}/segments/${segmentId}/enabled`, { token, body: { enabled: false } });
      expect((await hit(datasetId, 'opening hours', { retrieval_strategy: 'full_text' })).body.data.records).toEqual([]);
    });

    it('segments: list, add, edit (re-indexed at once), delete; document rename and delete', async () => {
      const { datasetId, docs } = await indexedDataset('economy', ['faq.md']);
      const base = `/datasets/${datasetId}/documents/${docs[0].id}`;
      const list = await server.get(`${base}/segments`, { token });
      expect(list.body.data.list).toHaveLength(1);
      expect(list.body.data.list[0].keywords.length).toBeGreaterThan(0);
      const added = await server.post(`${base}/segments`, {
        token,
        body: { content: 'Parking is free on Sundays.', keywords: ['car park'] },
      });
      expect(added.status, JSON.stringify(added.body)).toBe(200);
      expect(added.body.data).toMatchObject({ position: 2, keywords: ['car park'] });
      // Keywords are searchable as well as content.
      expect((await hit(datasetId, 'car', { retrieval_strategy: 'full_text' })).body.data.records[0].segment_id).toBe(added.body.data.id);
      const edited = await server.post(`${base}/segments/${added.body.data.id}`, { token, body: { content: 'Parking costs two euros.' } });
      expect(edited.body.data.content).toBe('Parking costs two euros.');
      expect((await hit(datasetId, 'euros', { retrieval_strategy: 'full_text' })).body.data.records).toHaveLength(1);
      expect((await hit(datasetId, 'Sundays', { retrieval_strategy: 'full_text' })).body.data.records).toEqual([]);
      expect((await server.get(`${base}/segments?search_word=euros`, { token })).body.data.list).toHaveLength(1);
      expect((await server.post(`${base}/segments/${added.body.data.id}/delete`, { token })).status).toBe(200);
      expect((await server.get(`${base}/segments/${added.body.data.id}`, { token })).status).toBe(404);
      expect((await server.get(base, { token })).body.data.segment_count).toBe(1);

      expect((await server.post(`${base}/name`, { token, body: { name: 'Opening times' } })).body.data.name).toBe('Opening times');
      expect((await server.get(`/datasets/${datasetId}/documents?search_word=opening`, { token })).body.data.list).toHaveLength(1);
      expect((await server.post(`${base}/delete`, { token })).status).toBe(200);
      expect((await hit(datasetId, 'opening hours', { retrieval_strategy: 'full_text' })).body.data.records).toEqual([]);
    });

    it('a file that cannot be read ends its document in error with the reason, and the rest still index', async () => {
      const created = await server.post('/datasets', { token, body: { name: 'Mixed', indexing_technique: 'economy' } });
      const datasetId = created.body.data.id;
      const corrupt = await uploadDocument(server, token, 'broken.pdf', Buffer.from('%PDF-1.4\nthis is not really a pdf'));
      const blank = await uploadDocument(server, token, 'blank.md', Buffer.from('   \n\n  '));
      const good = await uploadDocument(server, token, 'faq.md');
      const queued = await server.post(`/datasets/${datasetId}/documents`, { token, body: { upload_file_ids: [corrupt, blank, good] } });
      const docs = await waitForBatch(server, token, datasetId, queued.body.data.batch);
      expect(docs.map((d) => d.status)).toEqual(['error', 'error', 'completed']);
      expect(docs[0].error).toMatch(/^could not read the \.pdf file/);
      expect(docs[1].error).toBe('the document has no text to index');
    });

    it('custom rules: chunk size and overlap split a long document into overlapping segments', async () => {
      const created = await server.post('/datasets', { token, body: { name: 'Long', indexing_technique: 'economy' } });
      const datasetId = created.body.data.id;
      const text = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about topic ${i}.`).join(' ');
      const fileId = await uploadDocument(server, token, 'long.txt', Buffer.from(text));
      const rule = {
        pre_process_rules: [{ id: 'remove_extra_space', enabled: true }],
        segment: { separators: ['. '], chunk_size: 60, chunk_overlap: 12 },
      };
      const queued = await server.post(`/datasets/${datasetId}/documents`, {
        token,
        body: { upload_file_ids: [fileId], process_type: 'custom', rule },
      });
      expect(queued.status, JSON.stringify(queued.body)).toBe(200);
      const [doc] = await waitForBatch(server, token, datasetId, queued.body.data.batch);
      expect(doc.segment_count).toBeGreaterThan(4);
      const segments = (await server.get(`/datasets/${datasetId}/documents/${doc.id}/segments?page_size=100`, { token })).body.data.list;
      for (const s of segments) expect(s.token_count).toBeLessThanOrEqual(60);
      // Overlap: each segment after the first starts with the end of the one before.
      const firstSentenceOfSecond = segments[1].content.split('. ')[0];
      expect(segments[0].content).toContain(firstSentenceOfSecond);
      expect(segments.map((s: { content: string }) => s.content).join(' ')).toContain('Sentence number 39 talks about topic 39.');
    });

    it('high_quality: semantic and hybrid search over embeddings, or a clear refusal without pgvector', async () => {
      if (!vectors) {
        const refused = await server.post('/datasets', {
          token,
          body: { name: 'Vectors', indexing_technique: 'high_quality', embedding_model: EMBEDDING_MODEL },
        });
        expect(refused.status).toBe(400);
        expect(refused.body.message).toMatch(/needs pgvector/);
        return;
      }
      const embedCallsBefore = upstream.requests.filter((r) => r.path.endsWith('/embeddings')).length;
      const { datasetId, docs } = await indexedDataset('high_quality');
      expect(docs.every((d) => d.status === 'completed')).toBe(true);
      // All six documents' segments are embedded in batches: far fewer calls than segments.
      const embedCalls = upstream.requests.filter((r) => r.path.endsWith('/embeddings')).length - embedCallsBefore;
      expect(embedCalls).toBe(docs.length);

      const semantic = await hit(datasetId, 'Shipping takes five days.', { retrieval_strategy: 'semantic', k: 2 });
      expect(semantic.status, JSON.stringify(semantic.body)).toBe(200);
      expect(semantic.body.data.records[0]).toMatchObject({ document_name: 'shipping.pdf' });
      expect(semantic.body.data.records[0].score).toBeCloseTo(1, 3);
      expect(semantic.body.data.records).toHaveLength(2);

      const hybrid = await hit(datasetId, '退货政策是三十天', { retrieval_strategy: 'hybrid', k: 3 });
      expect(hybrid.body.data.records[0]).toMatchObject({ document_name: 'chinese.txt', score: 1 });

      const strict = await hit(datasetId, 'Shipping takes five days.', { retrieval_strategy: 'semantic', k: 10, score: 0.99 });
      expect(strict.body.data.records.map((r: { document_name: string }) => r.document_name)).toEqual(['shipping.pdf']);

      // An edited segment is re-embedded at once.
      const seg = semantic.body.data.records[0];
      const edited = await server.post(`/datasets/${datasetId}/documents/${seg.document_id}/segments/${seg.segment_id}`, {
        token,
        body: { content: 'Delivery by drone over the mountains.' },
      });
      expect(edited.status).toBe(200);
      const again = await hit(datasetId, 'Delivery by drone over the mountains.', { retrieval_strategy: 'semantic', k: 1 });
      expect(again.body.data.records[0]).toMatchObject({ segment_id: seg.segment_id });
      expect(again.body.data.records[0].score).toBeCloseTo(1, 3);

      expect((await server.post(`/datasets/${datasetId}/delete`, { token })).status).toBe(200);
      const { rows } = await server.module.database.db.execute(
        sql`SELECT count(*)::int AS n FROM segment_embeddings WHERE dataset_id = ${datasetId}`,
      );
      expect(rows[0]!.n).toBe(0);
    });

    it('an app answers from its datasets and cites them in message_end', async () => {
      const { datasetId } = await indexedDataset('economy', ['faq.md', 'chinese.txt']);
      const appId = await createChatApp(server, token, {
        datasets: [datasetId],
        retrieval_config: { retrieval_strategy: 'semantic', k: 2, score: 0 },
      });
      const using = await server.get(`/datasets/${datasetId}`, { token });
      expect(using.body.data.apps).toEqual([{ id: appId, name: 'Chat app' }]);

      const events = await debugChat(server, token, appId, 'What are the opening hours?');
      const end = events.find((e) => e.event === 'message_end')!;
      // Semantic over an economy dataset falls back to words in chat, rather than failing the message.
      expect(end.data.metadata.retriever_resources[0]).toMatchObject({
        position: 1,
        dataset_id: datasetId,
        dataset_name: 'KB economy',
        document_name: 'faq.md',
        content: 'FAQ\n\nOpening hours are 9 to 5.',
      });
      expect(end.data.metadata.retriever_resources[0].segment_id).toMatch(/^[0-9a-f-]{36}$/);
      const system = upstream.findChat('What are the opening hours?')!.body.messages[0];
      expect(system.role).toBe('system');
      expect(system.content).toContain('<context>\n[1] faq.md\nFAQ\n\nOpening hours are 9 to 5.');
      const queries = await server.get(`/datasets/${datasetId}/queries`, { token });
      expect(queries.body.data[0]).toMatchObject({ query: 'What are the opening hours?', source: 'app' });

      const other = (await registerAccount(server)).token;
      const theirs = await server.post('/datasets', { token: other, body: { name: 'Theirs', indexing_technique: 'economy' } });
      const borrowed = await server.post(`/apps/${appId}/draft-app-config`, { token, body: { datasets: [theirs.body.data.id] } });
      expect(borrowed.status).toBe(400);
      expect(borrowed.body.message).toBe(`datasets: dataset ${theirs.body.data.id} not found`);

      expect((await server.post(`/datasets/${datasetId}/delete`, { token })).status).toBe(200);
      expect((await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data.datasets).toEqual([]);
      const after = await debugChat(server, token, appId, 'opening hours again');
      expect(after.find((e) => e.event === 'message_end')!.data.metadata.retriever_resources).toEqual([]);
    });

    it('validates input and hides other accounts', async () => {
      const { datasetId, docs } = await indexedDataset('economy', ['faq.md']);
      const bad = [
        [await server.post('/datasets', { token, body: { name: ' ', indexing_technique: 'economy' } }), /^name: must not be empty/],
        [await server.post('/datasets', { token, body: { name: 'x', indexing_technique: 'fast' } }), /^indexing_technique: /],
        [await server.post('/datasets', { token, body: { name: 'x', indexing_technique: 'high_quality' } }), /^embedding_model: /],
        [
          await server.post(`/datasets/${datasetId}/documents`, { token, body: { upload_file_ids: [] } }),
          /^upload_file_ids: give at least one file/,
        ],
        [
          await server.post(`/datasets/${datasetId}/documents`, {
            token,
            body: {
              upload_file_ids: [docs[0].upload_file_id],
              process_type: 'custom',
              rule: { pre_process_rules: [], segment: { separators: ['\n'], chunk_size: 100, chunk_overlap: 100 } },
            },
          }),
          /^rule\.segment\.chunk_overlap: must be smaller than chunk_size/,
        ],
        [await hit(datasetId, 'x', { k: 11 }), /^k: /],
        [await hit(datasetId, 'x', { score: 1.5 }), /^score: /],
        [await hit(datasetId, '', {}), /^query: must not be empty/],
      ] as const;
      for (const [res, message] of bad) {
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.message).toMatch(message);
      }

      const other = (await registerAccount(server)).token;
      const base = `/datasets/${datasetId}`;
      const doc = `${base}/documents/${docs[0].id}`;
      const segment = `${doc}/segments/${(await server.get(`${doc}/segments`, { token })).body.data.list[0].id}`;
      const calls = [
        server.get(base, { token: other }),
        server.post(base, { token: other, body: { name: 'mine' } }),
        server.post(`${base}/delete`, { token: other }),
        server.get(`${base}/queries`, { token: other }),
        server.post(`${base}/hit`, { token: other, body: { query: 'opening', retrieval_strategy: 'full_text' } }),
        server.get(`${base}/documents`, { token: other }),
        server.get(`${base}/documents/batch/${docs[0].batch}`, { token: other }),
        server.get(doc, { token: other }),
        server.post(`${doc}/name`, { token: other, body: { name: 'x' } }),
        server.post(`${doc}/enabled`, { token: other, body: { enabled: false } }),
        server.post(`${doc}/delete`, { token: other }),
        server.get(`${doc}/segments`, { token: other }),
        server.post(`${doc}/segments`, { token: other, body: { content: 'x' } }),
        server.get(segment, { token: other }),
        server.post(segment, { token: other, body: { content: 'mine' } }),
        server.post(`${segment}/enabled`, { token: other, body: { enabled: false } }),
        server.post(`${segment}/delete`, { token: other }),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status, JSON.stringify(res.body)).toBe(404);
        expect(res.body.code).toBe('not_found');
      }
      // Someone else's uploaded file cannot be added to one's own dataset.
      const theirs = await server.post('/datasets', { token: other, body: { name: 'Theirs', indexing_technique: 'economy' } });
      const steal = await server.post(`/datasets/${theirs.body.data.id}/documents`, {
        token: other,
        body: { upload_file_ids: [docs[0].upload_file_id] },
      });
      expect(steal.status).toBe(404);
      expect((await server.get(base, { token })).body.data.name).toBe('KB economy');
      expect((await server.get(segment, { token })).body.data).toMatchObject({
        enabled: true,
        content: 'FAQ\n\nOpening hours are 9 to 5.',
      });
      expect((await server.get(`/datasets?search_word=economy`, { token: other })).body.data.list).toEqual([]);
    });
  });
}
