import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccount } from '../../helpers/accounts.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/files/', import.meta.url));
const fixture = (name: string) => readFile(path.join(FIXTURES, name));

async function upload(
  server: TestServer,
  route: 'file' | 'image',
  token: string | undefined,
  name: string,
  data: Uint8Array,
  field = 'file',
) {
  const form = new FormData();
  form.append(field, new Blob([data]), name);
  const res = await fetch(`${server.baseUrl}/upload-files/${route}`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function storedFiles(server: TestServer): Promise<string[]> {
  const root = path.join(server.config.storageDir, 'files');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => e.name);
}

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`file uploads on ${backendTitle(backend)}`, () => {
    let server: TestServer;
    let token: string;
    beforeAll(async () => {
      server = await startTestServer(backend, { uploadFileMaxBytes: 4096, uploadImageMaxBytes: 2048 });
      token = (await registerAccount(server)).token;
    });
    afterAll(() => server?.close());

    it.each([
      ['shipping.pdf', 'pdf', 'application/pdf'],
      ['policy.docx', 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['faq.md', 'md', 'text/markdown'],
      ['faq.csv', 'csv', 'text/csv'],
      ['about.html', 'html', 'text/html'],
      ['chinese.txt', 'txt', 'text/plain'],
      ['product.json', 'json', 'application/json'],
    ])('stores the document %s with its size, type, hash and owner', async (name, extension, mime) => {
      const data = await fixture(name);
      const res = await upload(server, 'file', token, name, data);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toMatchObject({ name, size: data.length, extension, mime_type: mime });
      expect(res.body.data.hash).toBe(createHash('sha256').update(data).digest('hex'));
      // The row's owner and storage key, read straight from the table.
      const { rows } = await server.module.database.db.execute(
        sql`SELECT workspace_id, key FROM upload_files WHERE id = ${res.body.data.id}`,
      );
      const stored = rows[0] as { workspace_id: string; key: string };
      expect(stored.key).toMatch(new RegExp(`^${stored.workspace_id}/${res.body.data.id}\\.${extension}$`));
      expect(await server.module.files.get(stored.key)).toEqual(data);
    });

    it.each([
      ['tiny.png', 'image/png'],
      ['tiny.jpg', 'image/jpeg'],
      ['tiny.gif', 'image/gif'],
      ['tiny.webp', 'image/webp'],
    ])('stores the image %s', async (name, mime) => {
      const res = await upload(server, 'image', token, name, await fixture(name));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.mime_type).toBe(mime);
    });

    it('accepts .jpeg for a JPEG and keeps only the last segment of a path-like name', async () => {
      const res = await upload(server, 'image', token, 'C:\\Users\\me\\photo.JPEG', await fixture('tiny.jpg'));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data).toMatchObject({ name: 'photo.JPEG', extension: 'jpeg' });
    });

    it('refuses files whose content lies about their extension, and stores nothing', async () => {
      const before = await storedFiles(server);
      const cases: Array<['file' | 'image', string, Buffer, RegExp]> = [
        ['file', 'report.pdf', await fixture('tiny.png'), /not a \.pdf file \(it looks like \.png\)/],
        ['file', 'notes.txt', await fixture('policy.docx'), /not a \.txt file \(it looks like \.docx\)/],
        ['file', 'letter.docx', await fixture('faq.md'), /not a \.docx file/],
        ['image', 'photo.png', await fixture('tiny.jpg'), /not a \.png file \(it looks like \.jpg\)/],
        ['image', 'photo.gif', await fixture('shipping.pdf'), /not a \.gif file \(it looks like \.pdf\)/],
        ['file', 'data.csv', Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]), /not a \.csv file/],
      ];
      for (const [route, name, data, message] of cases) {
        const res = await upload(server, route, token, name, data);
        expect(res.status, name).toBe(400);
        expect(res.body.code).toBe('fail');
        expect(res.body.message).toMatch(message);
      }
      expect(await storedFiles(server)).toEqual(before);
    });

    it('refuses types each route does not take, and empty files', async () => {
      const exe = await upload(server, 'file', token, 'tool.exe', Buffer.from('MZ'));
      expect(exe.status).toBe(400);
      expect(exe.body.message).toMatch(/^file type \.exe is not allowed; allowed: txt, md/);
      const imageAsDocument = await upload(server, 'file', token, 'tiny.png', await fixture('tiny.png'));
      expect(imageAsDocument.status).toBe(400);
      const documentAsImage = await upload(server, 'image', token, 'faq.md', await fixture('faq.md'));
      expect(documentAsImage.status).toBe(400);
      expect(documentAsImage.body.message).toMatch(/allowed: png, jpg, jpeg, webp, gif/);
      const noExtension = await upload(server, 'file', token, 'README', Buffer.from('hello'));
      expect(noExtension.body.message).toMatch(/^file type \.\(none\) is not allowed/);
      const empty = await upload(server, 'file', token, 'empty.txt', new Uint8Array());
      expect(empty.status).toBe(400);
      expect(empty.body.message).toBe('the file is empty');
    });

    it('refuses a file over the configured size with 413, per route', async () => {
      const big = await upload(server, 'file', token, 'big.txt', Buffer.alloc(4097, 'a'));
      expect(big.status).toBe(413);
      expect(big.body.code).toBe('fail');
      const fits = await upload(server, 'file', token, 'fits.txt', Buffer.alloc(4096, 'a'));
      expect(fits.status).toBe(200);
      const bigImage = await upload(server, 'image', token, 'big.png', Buffer.concat([await fixture('tiny.png'), Buffer.alloc(2048)]));
      expect(bigImage.status).toBe(413);
    });

    it('asks for multipart with a part named file, and for a token', async () => {
      const json = await server.post('/upload-files/file', { token, body: { file: 'x' } });
      expect(json.status).toBe(400);
      expect(json.body.message).toMatch(/multipart\/form-data in a part named file/);
      const wrongField = await upload(server, 'file', token, 'faq.md', await fixture('faq.md'), 'document');
      expect(wrongField.status).toBe(400);
      expect(wrongField.body.message).toMatch(/part named file/);
      const anonymous = await upload(server, 'file', undefined, 'faq.md', await fixture('faq.md'));
      expect(anonymous.status).toBe(401);
    });
  });
}
