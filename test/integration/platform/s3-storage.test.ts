import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeS3Server } from '../../fixtures/fake-s3-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { backends } from '../../helpers/environment.js';
import { fixtureFile, uploadDocument, waitForBatch } from '../../helpers/knowledge-setup.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

describe('uploads on an S3-compatible store (STORAGE_TYPE=s3)', () => {
  let s3: FakeS3Server;
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    s3 = await new FakeS3Server().start();
    server = await startTestServer(backends[0]!, {
      storageType: 's3',
      s3Endpoint: s3.endpoint,
      s3Bucket: 'llmops',
      s3AccessKey: 'test-access',
      s3SecretKey: 'test-secret',
      s3ForcePathStyle: true,
    });
    token = (await registerAccount(server)).token;
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
  });

  it('stores the bytes in the bucket under account/uuid.ext, and indexing reads them back', async () => {
    const data = await fixtureFile('faq.md');
    const fileId = await uploadDocument(server, token, 'faq.md');
    const [key, stored] = [...s3.objects].find(([k]) => k.endsWith(`${fileId}.md`))!;
    expect(key).toMatch(new RegExp(`^llmops/[0-9a-f-]{36}/${fileId}\\.md$`));
    expect(createHash('sha256').update(stored).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));

    const dataset = await server.post('/datasets', { token, body: { name: 'On S3', indexing_technique: 'economy' } });
    const queued = await server.post(`/datasets/${dataset.body.data.id}/documents`, { token, body: { upload_file_ids: [fileId] } });
    const [doc] = await waitForBatch(server, token, dataset.body.data.id, queued.body.data.batch);
    expect(doc.status, doc.error).toBe('completed');
  });

  it('a refused file never reaches the bucket', async () => {
    const before = s3.objects.size;
    const form = new FormData();
    form.append('file', new Blob([await fixtureFile('tiny.png')]), 'fake.pdf');
    const res = await fetch(`${server.baseUrl}/upload-files/file`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(res.status).toBe(400);
    expect(s3.objects.size).toBe(before);
  });
});
