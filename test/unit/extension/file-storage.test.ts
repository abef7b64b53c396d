import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileStorage } from '../../../internal/extension/file-storage.js';

describe('LocalFileStorage', () => {
  let root: string;
  let storage: LocalFileStorage;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'llmops-files-'));
    storage = new LocalFileStorage(root);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('stores, reads back and deletes a file under its key', async () => {
    await storage.put('acct-1/doc.txt', Buffer.from('hello'));
    expect((await storage.get('acct-1/doc.txt')).toString()).toBe('hello');
    expect(await readdir(path.join(root, 'acct-1'))).toEqual(['doc.txt']);
    await storage.delete('acct-1/doc.txt');
    await expect(storage.get('acct-1/doc.txt')).rejects.toThrow(/ENOENT/);
    await storage.delete('acct-1/doc.txt');
  });

  it.each(['../escape', '/etc/passwd', 'a/../../b', 'a//b', '.hidden', ''])('refuses the key %j', async (key) => {
    await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
  });
});
