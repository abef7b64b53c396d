import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { parseSse } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`public web app on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let appId: string;
    let link: string;

    /** A visitor's chat message: the SSE events, and the cookie the server set (if any). */
    const chat = async (webToken: string, body: object, cookie?: string) => {
      const res = await fetch(`${server.baseUrl}/web-apps/${webToken}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify(body),
      });
      const setCookie = res.headers.get('set-cookie');
      const text = await res.text();
      return {
        status: res.status,
        setCookie,
        events: res.status === 200 ? parseSse(text) : [],
        body: res.status === 200 ? undefined : JSON.parse(text),
      };
    };
    const cookieOf = (setCookie: string | null) => setCookie!.split(';')[0]!;

    beforeAll(async () => {
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { rateLimitWebAppVisitorPerMinute: 6 });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream);
      appId = await createChatApp(server, token, { opening_statement: 'Welcome!', opening_questions: ['Where to eat?'] });
      expect((await server.get(`/apps/${appId}`, { token })).body.data.web_app_token).toBeNull();
      await server.post(`/apps/${appId}/publish`, { token });
      link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('publishing gives a public link that shows the app', async () => {
      expect(link).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const res = await server.get(`/web-apps/${link}`);
      expect(res.body.data).toMatchObject({ name: 'Chat app', opening_statement: 'Welcome!', opening_questions: ['Where to eat?'] });
      await server.post(`/apps/${appId}/publish`, { token });
      expect((await server.get(`/apps/${appId}`, { token })).body.data.web_app_token).toBe(link);
    });

    it('a visitor chats with a signed cookie and sees only their own conversations', async () => {
      const first = await chat(link, { query: 'hello from visitor one' });
      expect(first.status).toBe(200);
      expect(first.setCookie).toMatch(/^llmops_visitor=.+; Path=\/web-apps; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
      const visitor = cookieOf(first.setCookie);
      const end = first.events.find((e) => e.event === 'message_end')!;
      const conversationId = end.data.conversation_id;
      const again = await chat(link, { query: 'and again', conversation_id: conversationId }, visitor);
      expect(again.setCookie).toBeNull();
      expect(again.events.find((e) => e.event === 'message_end')!.data.conversation_id).toBe(conversationId);
      expect(upstream.findChat('and again')!.body.messages.map((m: { content: string }) => m.content)).toContain('hello from visitor one');

      const list = await fetch(`${server.baseUrl}/web-apps/${link}/conversations`, { headers: { cookie: visitor } });
      const listed = ((await list.json()) as any).data.list;
      expect(listed.map((c: { id: string }) => c.id)).toEqual([conversationId]);

      // Another browser, or a forged cookie, is another visitor.
      const stranger = await chat(
        link,
        { query: 'let me in', conversation_id: conversationId },
        'llmops_visitor=' + visitor.split('=')[1]!.replace(/.$/, 'x'),
      );
      expect(stranger.status).toBe(404);
      expect(stranger.setCookie).not.toBeNull();
      const strangerList = await fetch(`${server.baseUrl}/web-apps/${link}/conversations`, {
        headers: { cookie: cookieOf(stranger.setCookie) },
      });
      expect(((await strangerList.json()) as any).data.list).toEqual([]);
      // The author's logs see web-app conversations.
      const logs = await server.get(`/apps/${appId}/logs?invoke_from=web_app`, { token });
      expect(logs.body.data.list.map((l: { id: string }) => l.id)).toContain(conversationId);
    });

    it("a visitor may stop their own answer, not someone else's", async () => {
      const res = await fetch(`${server.baseUrl}/web-apps/${link}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `[[chunk_delay:60]] long ${'word '.repeat(30)}` }),
      });
      const visitor = cookieOf(res.headers.get('set-cookie'));
      const reader = res.body!.getReader();
      let text = '';
      while (!text.includes('"task_id"')) text += new TextDecoder().decode((await reader.read()).value);
      const taskId = /"task_id":"([^"]+)"/.exec(text)![1]!;
      const other = await fetch(`${server.baseUrl}/web-apps/${link}/chat/${taskId}/stop`, { method: 'POST' });
      expect(other.status).toBe(404);
      const mine = await fetch(`${server.baseUrl}/web-apps/${link}/chat/${taskId}/stop`, { method: 'POST', headers: { cookie: visitor } });
      expect(mine.status).toBe(200);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(parseSse(text).find((e) => e.event === 'message_end')!.data.metadata.status).toBe('stop');
    });

    it('limits messages per visitor', async () => {
      const first = await chat(link, { query: 'count 1' });
      const visitor = cookieOf(first.setCookie);
      for (let i = 2; i <= 6; i++) expect((await chat(link, { query: `count ${i}` }, visitor)).status).toBe(200);
      const over = await chat(link, { query: 'count 7' }, visitor);
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('rate_limited');
      expect((await chat(link, { query: 'someone else' })).status).toBe(200);
    });

    it('a new link revokes the old one at once; unpublishing closes the web app', async () => {
      const other = (await registerAccount(server)).token;
      expect((await server.post(`/apps/${appId}/regenerate-web-app-token`, { token: other })).status).toBe(404);
      const res = await server.post(`/apps/${appId}/regenerate-web-app-token`, { token });
      const fresh = res.body.data.web_app_token;
      expect(fresh).not.toBe(link);
      expect((await server.get(`/web-apps/${link}`)).status).toBe(404);
      expect((await chat(link, { query: 'old link' })).status).toBe(404);
      expect((await server.get(`/web-apps/${fresh}`)).status).toBe(200);
      await server.post(`/apps/${appId}/cancel-publish`, { token });
      expect((await server.get(`/web-apps/${fresh}`)).body).toMatchObject({ code: 'not_found', message: 'web app not found' });
      expect((await server.get('/web-apps/bad!token')).status).toBe(400);
    });
  });
}
