import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { FakeOpenAiServer } from '../fixtures/fake-openai-server.js';
import { connectFakeUpstream } from './chat-setup.js';
import type { HttpClient } from './http-client.js';
import { waitFor } from './wait-for.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/files/', import.meta.url));
export const fixtureFile = (name: string) => readFile(path.join(FIXTURES, name));

export const EMBEDDING_MODEL = { provider: 'openai_compatible', model: 'fake-embed' };

/** The fake upstream as the account's openai_compatible provider, with a chat and an embedding model. */
export async function connectFakeModels(client: HttpClient, token: string, upstream: FakeOpenAiServer): Promise<void> {
  await connectFakeUpstream(client, token, upstream, [
    { model: 'fake-chat', context_window: 8192, max_output: 1024 },
    { model: 'fake-embed', model_type: 'embedding', context_window: 8192 },
  ]);
}

export async function uploadDocument(client: HttpClient, token: string, name: string, data?: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([data ?? (await fixtureFile(name))]), name);
  const res = await fetch(`${client.baseUrl}/upload-files/file`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const body = (await res.json()) as any;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.data.id;
}

/** Polls the batch until no document is still in progress; returns its documents. */
export async function waitForBatch(client: HttpClient, token: string, datasetId: string, batch: string, ms = 20_000): Promise<any[]> {
  let statuses: string[] = [];
  return waitFor(
    async () => {
      const res = await client.get(`/datasets/${datasetId}/documents/batch/${batch}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const docs = res.body.data.documents as Array<{ status: string }>;
      statuses = docs.map((d) => d.status);
      return docs.every((d) => d.status === 'completed' || d.status === 'error') && docs;
    },
    { message: () => `the batch to finish (its documents: ${JSON.stringify(statuses)})`, timeoutMs: ms },
  );
}

/** An end user's upload through the service API (`/v1/files/upload`): a fixture file, or these bytes under that name. */
export async function uploadAsEndUser(baseUrl: string, key: string, user: string, name: string, data?: Uint8Array): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([data ?? (await fixtureFile(name))]), name);
  form.append('user', user);
  const res = await fetch(`${baseUrl}/v1/files/upload`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
