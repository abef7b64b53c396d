import { afterAll, beforeAll } from 'vitest';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.js';
import { registerAccount } from './accounts.js';
import { connectFakeModel } from './chat-setup.js';
import type { Backend } from './environment.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface TwoNodes {
  upstream: FakeOpenAiServer;
  nodeA: TestServer;
  nodeB: TestServer;
  /** An account made on node A, its model pointing at `upstream`. */
  token: string;
}

/** Two nodes of one cluster (same database and Redis) and a fake upstream, for the describe block that calls it. */
export function useTwoNodes(backend: Pick<Backend, 'db' | 'redis'>): TwoNodes {
  const nodes = {} as TwoNodes;
  beforeAll(async () => {
    nodes.upstream = await new FakeOpenAiServer().start();
    nodes.nodeA = await startTestServer(backend);
    nodes.nodeB = await startTestServer(backend, {}, nodes.nodeA);
    nodes.token = (await registerAccount(nodes.nodeA)).token;
    await connectFakeModel(nodes.nodeA, nodes.token, nodes.upstream);
  });
  afterAll(async () => {
    await nodes.nodeB?.close();
    await nodes.nodeA?.close();
    await nodes.upstream?.close();
  });
  return nodes;
}
