import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { postStream } from '../../helpers/sse-client.js';
import { startLocalSite, type LocalSite } from '../../helpers/local-site.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/** A pet store's OpenAPI 3.0 document (YAML), pointing at `base`. */
const petStore = (base: string) => `openapi: 3.0.3
info: {title: Pets, version: "1.0"}
servers: [{url: "${base}/api"}]
paths:
  /pets/{id}:
    get:
      operationId: getPet
      summary: One pet by id
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}, description: The pet's id}
        - {name: verbose, in: query, schema: {type: boolean}}
        - {name: X-Trace, in: header, schema: {type: string}}
      responses: {"200": {description: ok}}
  /pets:
    post:
      operationId: addPet
      description: Adds a pet
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
      responses: {"200": {description: ok}}
components:
  schemas:
    Pet: {type: object, required: [name], properties: {name: {type: string}, age: {type: integer}}}
`;

/** The same operations as Swagger 2.0 JSON. */
const swagger2 = (host: string) =>
  JSON.stringify({
    swagger: '2.0',
    info: { title: 'Pets', version: '1.0' },
    host,
    basePath: '/api',
    schemes: ['http'],
    paths: {
      '/pets': {
        post: {
          operationId: 'addPet',
          parameters: [{ name: 'pet', in: 'body', required: true, schema: { type: 'object', properties: { name: { type: 'string' } } } }],
          responses: { 200: { description: 'ok' } },
        },
      },
    },
  });

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`custom API tools on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let api: LocalSite;
    let base = '';
    let token: string;
    const received: Array<{ method: string; url: string; auth: string; trace: string; body: string }> = [];

    const post = (path: string, body: unknown, as = token) => server.post(path, { token: as, body });

    beforeAll(async () => {
      api = await startLocalSite(async (req, res) => {
        let body = '';
        for await (const chunk of req) body += chunk;
        received.push({
          method: req.method!,
          url: req.url!,
          auth: String(req.headers.authorization ?? ''),
          trace: String(req.headers['x-trace'] ?? ''),
          body,
        });
        if (req.url === '/openapi.yaml') {
          res.setHeader('content-type', 'application/yaml');
          return void res.end(petStore(base));
        }
        if (req.url === '/missing.yaml') {
          res.statusCode = 404;
          return void res.end('not here');
        }
        res.setHeader('content-type', 'application/json');
        res.end(req.method === 'POST' ? `{"created":${body || 'null'}}` : '{"id":"7","name":"Rex"}');
      });
      base = api.base;
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssrfAllowHosts: api.host });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream, { features: ['tool_call', 'stream'] });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
      await api?.close();
    });

    it('validates documents: 3.0 YAML, Swagger 2.0 JSON, and clear errors naming the place', async () => {
      const ok = await post('/api-tools/validate-openapi-schema', { openapi_schema: petStore(base) });
      expect(ok.status).toBe(200);
      expect(ok.body.data.tools.map((t: any) => [t.name, t.method, t.url])).toEqual([
        ['getPet', 'GET', `${base}/api/pets/{id}`],
        ['addPet', 'POST', `${base}/api/pets`],
      ]);
      expect(ok.body.data.tools[1].inputs).toEqual({
        type: 'object',
        properties: { name: { type: 'string' }, age: { type: 'integer' } },
        required: ['name'],
      });
      const v2 = await post('/api-tools/validate-openapi-schema', { openapi_schema: swagger2('api.example.com') });
      expect(v2.body.data.tools[0]).toMatchObject({ name: 'addPet', url: 'http://api.example.com/api/pets' });

      const bad = async (openapi_schema: string, match: RegExp) => {
        const res = await post('/api-tools/validate-openapi-schema', { openapi_schema });
        expect(res.status).toBe(400);
        expect(res.body.message).toMatch(match);
      };
      await bad('{not json', /neither JSON nor YAML|JSON/);
      await bad('{"info": {}}', /names no OpenAPI/);
      await bad(petStore(base).replace('servers: [{url: "' + base + '/api"}]\n', ''), /servers: the document needs a server URL/);
      await bad(
        petStore(base).replace('{type: string}, description', '{type: strong}, description'),
        /paths\/~1pets~1\{id\}\/get\/parameters/,
      );
      await bad(petStore(base).replace('"#/components/schemas/Pet"', '"http://169.254.169.254/pet.json"'), /points outside the document/);
    });

    it('imports a document from a URL through the SSRF guard: its text and tools, or why not', async () => {
      const ok = await post('/api-tools/import-openapi-url', { url: `${base}/openapi.yaml` });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect(ok.body.data.openapi_schema).toBe(petStore(base));
      expect(ok.body.data.tools.map((t: any) => t.name)).toEqual(['getPet', 'addPet']);

      const refused = async (url: string, match: RegExp) => {
        const res = await post('/api-tools/import-openapi-url', { url });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.message).toMatch(match);
      };
      await refused(`${base}/missing.yaml`, /answered 404/);
      // Loopback on a port not allowed, and the cloud metadata address: refused before any connection.
      await refused('http://127.0.0.1:1/openapi.yaml', /blocked/);
      await refused('http://169.254.169.254/latest/meta-data', /blocked/);
      await refused('file:///etc/passwd', /http\(s\) URL/);
      // A page that is not a document is refused like a pasted one.
      await refused(`${base}/pets/7`, /names no OpenAPI/);
    });

    it('keeps providers per workspace with headers encrypted and masked; a masked header sent back keeps its value', async () => {
      const created = await post('/api-tools', {
        name: 'Pets',
        description: 'The pet store',
        openapi_schema: petStore(base),
        headers: [{ key: 'Authorization', value: 'Bearer pet-secret-123456' }],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const id = created.body.data.id;
      expect((await post('/api-tools', { name: 'Pets', openapi_schema: petStore(base) })).status).toBe(400);

      const listed = await server.get('/api-tools?search_word=pet', { token });
      expect(listed.body.data.paginator.total_record).toBe(1);
      const masked = listed.body.data.list[0].headers[0].value;
      expect(masked).not.toContain('pet-secret-123456');
      const one = await server.get(`/api-tools/${id}`, { token });
      expect(one.body.data.openapi_schema).toBe(petStore(base));
      expect(JSON.stringify(one.body)).not.toContain('pet-secret-123456');
      const stored = await server.module.database.db.execute(
        `SELECT headers_encrypted FROM api_tool_providers WHERE id = '${id}'` as never,
      );
      expect(JSON.stringify(stored.rows)).not.toContain('pet-secret');

      const updated = await post(`/api-tools/${id}`, {
        name: 'Pets',
        description: 'Renamed nothing',
        openapi_schema: petStore(base),
        headers: [{ key: 'Authorization', value: masked }],
      });
      expect(updated.status).toBe(200);
      const tool = await server.get(`/api-tools/${id}/tools/getPet`, { token });
      expect(tool.body.data).toMatchObject({ name: 'getPet', provider: { id, name: 'Pets' } });
      expect((await server.get(`/api-tools/${id}/tools/nope`, { token })).status).toBe(404);

      const other = (await registerAccount(server, 'Other')).token;
      expect((await server.get(`/api-tools/${id}`, { token: other })).status).toBe(404);
      expect((await post(`/api-tools/${id}/delete`, {}, other)).status).toBe(404);
      expect((await server.get('/api-tools', { token: other })).body.data.list).toEqual([]);

      // The agent calls both operations; the stored (unmasked) key goes with each call.
      const appId = await createChatApp(server, token, {
        tools: [
          { type: 'api_tool', provider_id: id, tool_id: 'getPet', params: {} },
          { type: 'api_tool', provider_id: id, tool_id: 'addPet', params: {} },
        ],
      });
      upstream.script = (body) =>
        body.messages.some((m: any) => m.role === 'tool')
          ? { text: 'Rex is there, and Tom was added.' }
          : {
              toolCalls: [
                { name: 'getPet', arguments: { id: 'a b', verbose: true, 'X-Trace': 't-1' } },
                { name: 'addPet', arguments: { name: 'Tom', age: 3 } },
              ],
            };
      received.length = 0;
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, { query: 'Find Rex, add Tom' });
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      upstream.script = undefined;
      const sentTools = upstream
        .chatRequests()
        .at(-2)!
        .body.tools.map((t: any) => t.function.name);
      expect(sentTools).toEqual(['getPet', 'addPet']);
      const byMethod = Object.fromEntries(received.map((r) => [r.method, r]));
      expect(byMethod.GET).toMatchObject({ url: '/api/pets/a%20b?verbose=true', auth: 'Bearer pet-secret-123456', trace: 't-1' });
      expect(byMethod.POST).toMatchObject({ url: '/api/pets', auth: 'Bearer pet-secret-123456' });
      expect(JSON.parse(byMethod.POST!.body)).toEqual({ name: 'Tom', age: 3 });
      const observed = events.filter((e) => e.event === 'agent_thought')[1]!.data;
      const observation = JSON.parse(observed.observation);
      expect(observation.getPet).toBe('HTTP 200\n{"id":"7","name":"Rex"}');
      expect(observation.addPet).toMatch(/^HTTP 200\n/);
      expect(JSON.parse(observation.addPet.slice('HTTP 200\n'.length))).toEqual({ created: { name: 'Tom', age: 3 } });

      // Deleting the provider: the draft warns, and publishing fails clearly.
      expect((await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data.warnings).toEqual([]);
      expect((await post(`/api-tools/${id}/delete`, {})).status).toBe(200);
      const draft = await server.get(`/apps/${appId}/draft-app-config`, { token });
      expect(draft.body.data.warnings).toContainEqual(expect.stringMatching(/^tool .*\/getPet not found: .*publishing refuses it$/));
      // The draft sent back as it came (warnings and all) is a valid update.
      const { warnings, tools, ...rest } = draft.body.data;
      const resent = await server.post(`/apps/${appId}/draft-app-config`, { token, body: { ...rest, warnings } });
      expect(resent.status, JSON.stringify(resent.body)).toBe(200);
      expect(resent.body.data.tools).toEqual(tools);
      const publish = await server.post(`/apps/${appId}/publish`, { token });
      expect(publish.status).toBe(400);
      expect(publish.body.message).toMatch(/tools not found: .*\/getPet/);
    });

    it('refuses app configs naming API tools that do not exist, and a document whose server is private makes observations, not calls', async () => {
      const appId = await createChatApp(server, token);
      const missing = await server.post(`/apps/${appId}/draft-app-config`, {
        token,
        body: { tools: [{ type: 'api_tool', provider_id: '00000000-0000-4000-8000-000000000000', tool_id: 'x', params: {} }] },
      });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toMatch(/not found/);

      const hidden = await post('/api-tools', { name: 'Internal', openapi_schema: petStore('http://10.1.2.3:8080') });
      const internal = hidden.body.data.id;
      await server.post(`/apps/${appId}/draft-app-config`, {
        token,
        body: { tools: [{ type: 'api_tool', provider_id: internal, tool_id: 'getPet', params: {} }] },
      });
      upstream.script = (body) =>
        body.messages.some((m: any) => m.role === 'tool')
          ? { text: 'Could not reach it.' }
          : { toolCalls: [{ name: 'getPet', arguments: { id: '1' } }] };
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, { query: 'Read the internal API' });
      const events = (await stream.all()).filter((e) => e.event !== 'ping');
      upstream.script = undefined;
      const observed = events.filter((e) => e.event === 'agent_thought')[1]!.data;
      expect(JSON.parse(observed.observation).getPet).toMatch(/^blocked: 10\.1\.2\.3 is a private address/);
    });
  });
}
