import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeModel } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { fixtureFile, uploadAsEndUser } from '../../helpers/knowledge-setup.js';
import { startLocalSite, type LocalSite } from '../../helpers/local-site.js';
import { postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { canvasEnd, canvasGraph } from '../../helpers/workflow-graph.js';

const { node, chain } = canvasGraph({ edgeIds: 'source-target' });
const fileStart = (...variables: Array<Record<string, unknown>>) =>
  node('start', {
    type: 'start',
    title: 'Start',
    variables: variables.map((v) => ({ label: v['variable'], required: true, type: 'file', ...v })),
  });
const extractor = (id: string, selector: string[], isArray = false) =>
  node(id, { type: 'document-extractor', title: id, variable_selector: selector, is_array_file: isArray });

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`files in workflows on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let site: LocalSite;
    let token: string;

    const appWith = async (graph: unknown, features: Record<string, unknown> = {}) => {
      const app = await server.post('/apps', { token, body: { name: 'Files', mode: 'workflow' } });
      const saved = await server.post(`/apps/${app.body.data.id}/workflows/draft`, { token, body: { graph, features } });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      return app.body.data.id as string;
    };
    const publishedKey = async (appId: string) => {
      expect((await server.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
      return (await server.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data.key as string;
    };
    const v1 = async (key: string, path: string, body: unknown) => {
      const res = await fetch(`${server.baseUrl}/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const upload = (key: string, user: string, name: string) => uploadAsEndUser(server.baseUrl, key, user, name);
    const local = (type: string, id: string) => ({ type, transfer_method: 'local_file', upload_file_id: id });

    beforeAll(async () => {
      site = await startLocalSite(async (req, res) => {
        if (req.url === '/notes/guide.md') {
          res.setHeader('content-type', 'text/markdown');
          res.end('# Guide\n\nReturns are free within **30 days**.');
        } else {
          res.statusCode = 404;
          res.end('missing');
        }
      });
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend, { ssrfAllowHosts: site.host });
      token = (await registerAccount(server)).token;
      await connectFakeModel(server, token, upstream, { features: ['vision', 'stream'] });
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
      await site?.close();
    });

    it('start file and file-list inputs reach the document extractor; the run lists the files it gives back', async () => {
      const graph = chain([
        fileStart(
          { variable: 'doc', allowed_file_types: ['document'], allowed_file_upload_methods: ['local_file', 'remote_url'] },
          { variable: 'docs', type: 'file-list', required: false, max_length: 2, allowed_file_types: ['document'] },
        ),
        extractor('one', ['start', 'doc']),
        extractor('many', ['start', 'docs'], true),
        canvasEnd([
          ['text', ['one', 'text']],
          ['texts', ['many', 'text']],
          ['file', ['start', 'doc']],
        ]),
      ]);
      const appId = await appWith(graph);
      const key = await publishedKey(appId);
      const [faq, pdf, docx, png] = [
        await upload(key, 'ann', 'faq.md'),
        await upload(key, 'ann', 'shipping.pdf'),
        await upload(key, 'ann', 'policy.docx'),
        await upload(key, 'ann', 'tiny.png'),
      ];
      const ran = await v1(key, '/workflows/run', {
        inputs: { doc: local('document', faq), docs: [local('document', pdf), local('document', docx)] },
        user: 'ann',
      });
      expect(ran.status, JSON.stringify(ran.body)).toBe(200);
      const data = ran.body.data;
      expect(data.status, data.error).toBe('succeeded');
      expect(data.outputs.text).toContain('Opening hours are 9 to 5.');
      expect(data.outputs.texts).toHaveLength(2);
      expect(data.outputs.texts[0]).toContain('Shipping takes five days.');
      expect(data.files).toEqual([
        expect.objectContaining({
          dify_model_identity: '__dify__file__',
          type: 'document',
          transfer_method: 'local_file',
          related_id: faq,
          filename: 'faq.md',
          extension: '.md',
          mime_type: 'text/markdown',
        }),
      ]);

      // A file on the web, fetched through the guard when the node reads it.
      const remote = await v1(key, '/workflows/run', {
        inputs: { doc: { type: 'document', transfer_method: 'remote_url', url: `${site.base}/notes/guide.md` } },
        user: 'ann',
      });
      expect(remote.body.data.error ?? '').toBe('');
      expect(remote.body.data.outputs.text).toContain('Returns are free within 30 days.');
      const gone = await v1(key, '/workflows/run', {
        inputs: { doc: { type: 'document', transfer_method: 'remote_url', url: `${site.base}/notes/gone.md` } },
        user: 'ann',
      });
      expect(gone.body.data).toMatchObject({ status: 'failed', error: expect.stringContaining('gone.md: ' + site.host + ' answered 404') });

      // Refused before the run: another user's upload, a type the variable does not take, a missing required file, too many files.
      const refusals: Array<[Record<string, unknown>, string]> = [
        [{ doc: local('document', faq) }, 'inputs.doc.upload_file_id: file'],
        [{ doc: local('image', png) }, 'tiny.png is not allowed here; allowed: document'],
        [{ doc: local('image', faq) }, 'faq.md is a document file, not image'],
        [{}, 'inputs.doc: is required'],
        [
          { doc: local('document', faq), docs: [local('document', pdf), local('document', pdf), local('document', pdf)] },
          'at most 2 files',
        ],
        [{ doc: 'faq.md' }, 'inputs.doc: must be a file'],
      ];
      for (const [inputs, message] of refusals) {
        const user = message.includes('upload_file_id') ? 'bob' : 'ann';
        const refused = await v1(key, '/workflows/run', { inputs, user });
        expect(refused.status, JSON.stringify(refused.body)).toBe(400);
        expect(refused.body.message).toContain(message);
      }
    });

    it('the form shows file variables (/v1/parameters, the web app); a visitor uploads a document there and runs the workflow with it', async () => {
      const graph = chain([
        node('start', {
          type: 'start',
          title: 'Start',
          variables: [
            { variable: 'note', label: 'Note', type: 'text-input', required: false },
            {
              variable: 'doc',
              label: 'Document',
              type: 'file',
              required: true,
              allowed_file_types: ['document'],
              allowed_file_upload_methods: ['local_file'],
            },
            { variable: 'more', label: 'More', type: 'file-list', required: false, max_length: 3, allowed_file_types: ['document'] },
          ],
        }),
        extractor('one', ['start', 'doc']),
        canvasEnd([['text', ['one', 'text']]]),
      ]);
      const appId = await appWith(graph);
      const key = await publishedKey(appId);
      const docField = {
        label: 'Document',
        variable: 'doc',
        required: true,
        allowed_file_types: ['document'],
        allowed_file_extensions: [],
        allowed_file_upload_methods: ['local_file'],
      };
      const form = [
        { 'text-input': { label: 'Note', variable: 'note', required: false } },
        { file: docField },
        { 'file-list': { ...docField, label: 'More', variable: 'more', required: false, allowed_file_upload_methods: [], max_length: 3 } },
      ];
      const parameters = await fetch(`${server.baseUrl}/v1/parameters`, { headers: { authorization: `Bearer ${key}` } });
      expect(((await parameters.json()) as any).user_input_form).toEqual(form);
      const link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
      expect((await server.get(`/web-apps/${link}`)).body.data.user_input_form).toEqual(form);

      const body = new FormData();
      body.append('file', new Blob([await fixtureFile('faq.md')]), 'faq.md');
      const uploaded = await fetch(`${server.baseUrl}/web-apps/${link}/files/upload`, { method: 'POST', body });
      const uploadedBody = (await uploaded.json()) as any;
      expect(uploaded.status, JSON.stringify(uploadedBody)).toBe(200);
      const cookie = uploaded.headers.get('set-cookie')!.split(';')[0]!;
      const runAs = (who: Record<string, string>) =>
        fetch(`${server.baseUrl}/web-apps/${link}/workflows/run`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...who },
          body: JSON.stringify({ inputs: { doc: local('document', uploadedBody.data.id) } }),
        });
      const run = await runAs({ cookie });
      expect(run.status).toBe(200);
      const finished = (await run.text()).split('\n').filter((l) => l.includes('"workflow_finished"'));
      expect(JSON.parse(finished[0]!.slice('data: '.length)).data).toMatchObject({
        status: 'succeeded',
        outputs: { text: expect.stringContaining('Opening hours are 9 to 5.') },
      });
      // Another visitor cannot run with that upload.
      const stranger = await runAs({});
      expect(stranger.status).toBe(400);
      expect(((await stranger.json()) as any).message).toMatch(/^inputs\.doc/);

      // A chat app's web app still takes images only (and only with image upload on).
      const chat = await server.post('/apps', { token, body: { name: 'Chat' } });
      const chatConfig = await server.post(`/apps/${chat.body.data.id}/draft-app-config`, {
        token,
        body: {
          model_config: { provider: 'openai_compatible', model: 'fake-chat', parameters: {} },
          file_upload: { image: { enabled: true, number_limits: 2, detail: 'low', transfer_methods: ['local_file'] } },
        },
      });
      expect(chatConfig.status, JSON.stringify(chatConfig.body)).toBe(200);
      expect((await server.post(`/apps/${chat.body.data.id}/publish`, { token })).status).toBe(200);
      const chatLink = (await server.get(`/apps/${chat.body.data.id}`, { token })).body.data.web_app_token;
      const doc = new FormData();
      doc.append('file', new Blob([await fixtureFile('faq.md')]), 'faq.md');
      const refused = await fetch(`${server.baseUrl}/web-apps/${chatLink}/files/upload`, { method: 'POST', body: doc });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as any).message).toBe('this app takes images only');
    });

    it('a file the extractor cannot read fails the node with a clear message', async () => {
      const graph = chain([
        fileStart({ variable: 'doc', allowed_file_types: ['custom'], allowed_file_extensions: ['.png'] }),
        extractor('read', ['start', 'doc']),
        canvasEnd([['text', ['read', 'text']]]),
      ]);
      const key = await publishedKey(await appWith(graph));
      const png = await upload(key, 'ann', 'tiny.png');
      const ran = await v1(key, '/workflows/run', { inputs: { doc: local('custom', png) }, user: 'ann' });
      expect(ran.body.data).toMatchObject({ status: 'failed', error: expect.stringContaining('tiny.png: .png files cannot be read here') });
    });

    it("a file object a node makes up does not open another end user's upload", async () => {
      const graph = chain([
        node('start', {
          type: 'start',
          title: 'Start',
          variables: [{ variable: 'id', label: 'id', type: 'text-input', required: true, max_length: 64 }],
        }),
        node('code', {
          type: 'code',
          title: 'Forge',
          code_language: 'javascript',
          code: `function main({ id }) {
  return { f: { dify_model_identity: '__dify__file__', type: 'document', transfer_method: 'local_file', related_id: id,
    filename: 'faq.md', extension: '.md', mime_type: 'text/markdown', size: 1, url: null, remote_url: null } };
}`,
          variables: [{ variable: 'id', value_selector: ['start', 'id'] }],
          outputs: { f: { type: 'object' } },
        }),
        extractor('read', ['code', 'f']),
        canvasEnd([['text', ['read', 'text']]]),
      ]);
      const key = await publishedKey(await appWith(graph));
      const bobs = await upload(key, 'bob', 'faq.md');
      const ran = await v1(key, '/workflows/run', { inputs: { id: bobs }, user: 'ann' });
      expect(ran.body.data).toMatchObject({ status: 'failed', error: expect.stringContaining('faq.md: this run was not given that file') });
    });

    it('sys.files: images given with the run go to a vision LLM node with the user message, as data: URLs', async () => {
      const graph = chain([
        node('start', { type: 'start', title: 'Start', variables: [] }),
        node('llm', {
          type: 'llm',
          title: 'Look',
          model: { provider: 'openai_compatible', name: 'fake-chat', mode: 'chat', completion_params: {} },
          prompt_template: [{ role: 'user', text: 'what is in the picture? vision-marker' }],
          vision: { enabled: true, configs: { variable_selector: ['sys', 'files'], detail: 'low' } },
        }),
        canvasEnd([['answer', ['llm', 'text']]]),
      ]);
      const features = {
        file_upload: { enabled: true, allowed_file_types: ['image'], allowed_file_upload_methods: ['local_file'], number_limits: 2 },
      };
      const appId = await appWith(graph, features);
      const form = new FormData();
      form.append('file', new Blob([await fixtureFile('tiny.png')]), 'tiny.png');
      const uploaded = await fetch(`${server.baseUrl}/upload-files/image`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      const imageId = ((await uploaded.json()) as any).data.id as string;
      const stream = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, {
        inputs: {},
        files: [local('image', imageId)],
      });
      const events = await stream.all();
      expect(events.at(-1)!.data.data.status).toBe('succeeded');
      const sent = upstream.findChat('vision-marker')!.body.messages.at(-1);
      expect(sent.content).toEqual([
        { type: 'text', text: 'what is in the picture? vision-marker' },
        { type: 'image_url', image_url: { url: expect.stringMatching(/^data:image\/png;base64,/), detail: 'low' } },
      ]);
      // A remote image is refused where the app takes only uploads; more files than number_limits too.
      const refused = await postStream(`${server.baseUrl}/apps/${appId}/workflows/draft/run`, token, {
        files: [{ type: 'image', transfer_method: 'remote_url', url: 'https://example.com/a.png' }],
      });
      expect(refused.status).toBe(400);
      expect((await refused.json()).message).toContain('files.0.transfer_method: must be one of local_file');

      // An image variable named in a message's text is shown instead of written out, once: with that message, or
      // (models take images from the user only) with the last user message.
      const inline = await appWith(
        chain([
          fileStart({ variable: 'photo', allowed_file_types: ['image'] }),
          node('llm', {
            type: 'llm',
            title: 'Look',
            model: { provider: 'openai_compatible', name: 'fake-chat', mode: 'chat', completion_params: {} },
            prompt_template: [
              { role: 'system', text: 'Describe {{#start.photo#}}briefly.' },
              { role: 'user', text: 'inline-marker' },
            ],
            vision: { enabled: true, configs: { variable_selector: ['start', 'photo'], detail: 'high' } },
          }),
          canvasEnd([['answer', ['llm', 'text']]]),
        ]),
      );
      const ran = await postStream(`${server.baseUrl}/apps/${inline}/workflows/draft/run`, token, {
        inputs: { photo: local('image', imageId) },
      });
      expect((await ran.all()).at(-1)!.data.data.status).toBe('succeeded');
      const [system, user] = upstream.findChat('inline-marker')!.body.messages;
      expect(system.content).toBe('Describe briefly.');
      expect(user.content).toEqual([
        { type: 'text', text: 'inline-marker' },
        { type: 'image_url', image_url: { url: expect.stringMatching(/^data:image\/png;base64,/), detail: 'high' } },
      ]);
    });
  });
}
