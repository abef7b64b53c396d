import { ChatClient } from 'dify-client';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAiServer } from '../../fixtures/fake-openai-server.js';
import { registerAccount } from '../../helpers/accounts.js';
import { connectFakeUpstream, createChatApp } from '../../helpers/chat-setup.js';
import { backends, backendTitle } from '../../helpers/environment.js';
import { fixtureFile, uploadAsEndUser } from '../../helpers/knowledge-setup.js';
import { parseSse, postStream } from '../../helpers/sse-client.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const VISION = { provider: 'openai_compatible', model: 'fake-vision', parameters: { max_tokens: 256 } };
const FILE_UPLOAD = { image: { enabled: true, number_limits: 2, detail: 'high', transfer_methods: ['remote_url', 'local_file'] } };
const REMOTE = 'https://images.example.com/cat.png';

/** The content parts of the last user message the model got for the chat holding `marker`. */
function userParts(
  upstream: FakeOpenAiServer,
  marker: string,
): Array<{ type: string; text?: string; image_url?: { url: string; detail: string } }> {
  const request = upstream.findChat(marker);
  expect(request, `no upstream request for ${marker}`).toBeDefined();
  return request!.body.messages.at(-1).content;
}

for (const backend of backends) {
  describe.skipIf(backend.skipReason)(`images in chat messages on ${backendTitle(backend)}`, () => {
    let upstream: FakeOpenAiServer;
    let server: TestServer;
    let token: string;
    let appId: string;
    let apiKey: string;
    let dify: ChatClient;
    let png: Buffer;

    const v1 = async (path: string, body?: unknown) => {
      const res = await fetch(`${server.baseUrl}/v1${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const upload = (key: string, user: string) => uploadAsEndUser(server.baseUrl, key, user, 'tiny.png', png);

    beforeAll(async () => {
      png = await fixtureFile('tiny.png');
      upstream = await new FakeOpenAiServer().start();
      server = await startTestServer(backend);
      token = (await registerAccount(server)).token;
      await connectFakeUpstream(server, token, upstream, [
        { model: 'fake-chat' },
        { model: 'fake-vision', features: ['vision', 'stream'] },
      ]);
      appId = await createChatApp(server, token);
    });
    afterAll(async () => {
      await server?.close();
      await upstream?.close();
    });

    it('image upload can only be switched on with a vision model, and stays tied to one', async () => {
      const refused = await server.post(`/apps/${appId}/draft-app-config`, { token, body: { file_upload: FILE_UPLOAD } });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toBe(
        'file_upload.image.enabled: fake-chat does not read images (no vision feature); choose a vision model or switch image upload off',
      );
      const noMethod = await server.post(`/apps/${appId}/draft-app-config`, {
        token,
        body: { model_config: VISION, file_upload: { image: { ...FILE_UPLOAD.image, transfer_methods: [] } } },
      });
      expect(noMethod.body.message).toBe('file_upload.image.transfer_methods: needs at least one method when image upload is enabled');
      const ok = await server.post(`/apps/${appId}/draft-app-config`, { token, body: { model_config: VISION, file_upload: FILE_UPLOAD } });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      const back = await server.post(`/apps/${appId}/draft-app-config`, {
        token,
        body: { model_config: { ...VISION, model: 'fake-chat' } },
      });
      expect(back.status).toBe(400);
      expect((await server.get(`/apps/${appId}/draft-app-config`, { token })).body.data.model_config.model).toBe('fake-vision');

      expect((await server.post(`/apps/${appId}/publish`, { token })).status).toBe(200);
      apiKey = (await server.post(`/apps/${appId}/api-keys`, { token, body: {} })).body.data.key;
      dify = new ChatClient(apiKey, `${server.baseUrl}/v1`);
      const parameters = await dify.getApplicationParameters('ann');
      expect(parameters.data.file_upload).toEqual(FILE_UPLOAD);
      const link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
      expect((await server.get(`/web-apps/${link}`)).body.data.file_upload).toEqual(FILE_UPLOAD);
    });

    it('sends an uploaded image (inline) and a remote one to the model with the question', async () => {
      const fileId = await upload(apiKey, 'ann');
      const files = [
        { type: 'image', transfer_method: 'local_file', upload_file_id: fileId },
        { type: 'image', transfer_method: 'remote_url', url: REMOTE },
      ];
      const answer = await dify.createChatMessage({}, 'marker-two-images', 'ann', false, null, files as any);
      expect(answer.status).toBe(200);
      const parts = userParts(upstream, 'marker-two-images');
      expect(parts).toEqual([
        { type: 'text', text: 'marker-two-images' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}`, detail: 'high' } },
        { type: 'image_url', image_url: { url: REMOTE, detail: 'high' } },
      ]);

      // The next question of the conversation carries no image; memory sends the earlier one's images again.
      await dify.createChatMessage({}, 'marker-follow-up', 'ann', false, answer.data.conversation_id);
      const followUp = upstream.findChat('marker-follow-up')!.body.messages;
      expect(followUp.at(-1)).toEqual({ role: 'user', content: 'marker-follow-up' });
      expect(followUp.at(-3)).toEqual({ role: 'user', content: parts });
      expect(followUp.at(-2)).toEqual({ role: 'assistant', content: 'Echo: marker-two-images' });

      const listed = await v1(`/messages?conversation_id=${answer.data.conversation_id}&user=ann`);
      expect(listed.body.data.map((m: { query: string }) => m.query)).toEqual(['marker-two-images', 'marker-follow-up']);
      expect(listed.body.data[1].message_files).toEqual([]);
      const messageFiles = listed.body.data[0].message_files;
      expect(messageFiles).toHaveLength(2);
      expect(messageFiles[1]).toMatchObject({
        type: 'image',
        url: REMOTE,
        belongs_to: 'user',
        transfer_method: 'remote_url',
        upload_file_id: null,
      });
      expect(messageFiles[0]).toMatchObject({ type: 'image', belongs_to: 'user', transfer_method: 'local_file', upload_file_id: fileId });
      const link = new URL(messageFiles[0].url);
      expect(link.origin).toBe(server.baseUrl);
      expect(link.pathname).toBe(`/files/${fileId}/image-preview`);

      // The signed link serves the bytes to anyone holding it, without a key; a changed or expired one is refused.
      const image = await fetch(link);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
      const tampered = new URL(link);
      tampered.searchParams.set('timestamp', String(Number(link.searchParams.get('timestamp')) + 1));
      expect((await fetch(tampered)).status).toBe(403);
      const otherFile = new URL(link.toString().replace(fileId, '00000000-0000-4000-8000-000000000000'));
      expect((await fetch(otherFile)).status).toBe(403);
      const expired = server.module.services.messageFiles.previewPath(fileId, Date.now() - 2 * 3600_000);
      const res = await fetch(`${server.baseUrl}${expired}`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toBe('the file link has expired; list the messages again');
    });

    it('refuses files that do not fit the app, with invalid_param, and stores nothing', async () => {
      const fileId = await upload(apiKey, 'bob');
      const consoleUpload = async (accountToken: string) => {
        const form = new FormData();
        form.append('file', new Blob([png]), 'photo.png');
        const res = await fetch(`${server.baseUrl}/upload-files/image`, {
          method: 'POST',
          headers: { authorization: `Bearer ${accountToken}` },
          body: form,
        });
        return ((await res.json()) as { data: { id: string } }).data.id;
      };
      // Another account's image; the author's own console upload; another end user's upload through this app.
      const strangerImage = await consoleUpload((await registerAccount(server)).token);
      const authorImage = await consoleUpload(token);
      const annImage = await upload(apiKey, 'ann');
      const local = (id: string) => [{ type: 'image', transfer_method: 'local_file', upload_file_id: id }];
      const base = { query: 'refused', user: 'bob', response_mode: 'blocking', inputs: {} };
      const image = (extra: object) => ({ type: 'image', transfer_method: 'remote_url', url: REMOTE, ...extra });
      const cases: Array<[unknown[], string]> = [
        [[image({}), image({}), image({})], 'files: at most 2 images per message'],
        [[image({ type: 'document' })], 'files.0.type: only image files are supported'],
        [[image({ url: 'ftp://example.com/a.png' })], 'files.0.url: must be an http(s) URL of at most 2048 characters'],
        [[{ type: 'image', transfer_method: 'local_file' }], 'files.0.upload_file_id: is required for local_file'],
        [local(strangerImage), `files.0.upload_file_id: image ${strangerImage} not found`],
        [local(authorImage), `files.0.upload_file_id: image ${authorImage} not found`],
        [local(annImage), `files.0.upload_file_id: image ${annImage} not found`],
        [[{ type: 'image', transfer_method: 'local_file', upload_file_id: 'nope' }], 'files.0.upload_file_id: must be a UUID'],
        [[{ type: 'image', transfer_method: 'carrier_pigeon' }], 'files.0.transfer_method'],
      ];
      for (const [files, message] of cases) {
        const res = await v1('/chat-messages', { ...base, files });
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.code).toBe('invalid_param');
        expect(res.body.message).toContain(message);
      }
      expect((await v1('/conversations?user=bob')).body.data).toEqual([]);
      // Bob's own upload goes through.
      expect((await v1('/chat-messages', { ...base, files: local(fileId) })).status).toBe(200);
    });

    it('the debug chat and the web app take images; an app without image upload ignores them, as Dify does', async () => {
      const debug = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, {
        query: 'marker-debug-image',
        files: [{ type: 'image', transfer_method: 'remote_url', url: REMOTE }],
      });
      expect((await debug.all()).at(-1)?.event).toBe('message_end');
      expect(userParts(upstream, 'marker-debug-image')[1]).toEqual({ type: 'image_url', image_url: { url: REMOTE, detail: 'high' } });
      const debugMessages = await server.get(`/apps/${appId}/conversations/messages`, { token });
      expect(debugMessages.body.data.list[0].message_files).toMatchObject([{ url: REMOTE, transfer_method: 'remote_url' }]);
      // The author sends an image uploaded in the console; an end user's upload is not theirs to send.
      const authorForm = new FormData();
      authorForm.append('file', new Blob([png]), 'author.png');
      const authorImage = (
        (await (
          await fetch(`${server.baseUrl}/upload-files/image`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}` },
            body: authorForm,
          })
        ).json()) as { data: { id: string } }
      ).data.id;
      const withUpload = await postStream(`${server.baseUrl}/apps/${appId}/conversations`, token, {
        query: 'marker-debug-upload',
        files: [{ type: 'image', transfer_method: 'local_file', upload_file_id: authorImage }],
      });
      expect((await withUpload.all()).at(-1)?.event).toBe('message_end');
      expect(userParts(upstream, 'marker-debug-upload')[1]!.image_url!.url).toBe(`data:image/png;base64,${png.toString('base64')}`);
      const endUserImage = await upload(apiKey, 'ann');
      const notTheirs = await server.post(`/apps/${appId}/conversations`, {
        token,
        body: { query: 'x', files: [{ type: 'image', transfer_method: 'local_file', upload_file_id: endUserImage }] },
      });
      expect(notTheirs.status).toBe(400);
      expect(notTheirs.body.message).toBe(`files.0.upload_file_id: image ${endUserImage} not found`);

      const link = (await server.get(`/apps/${appId}`, { token })).body.data.web_app_token;
      const web = await fetch(`${server.baseUrl}/web-apps/${link}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'marker-web-image', files: [{ type: 'image', transfer_method: 'remote_url', url: REMOTE }] }),
      });
      expect(parseSse(await web.text()).at(-1)?.event).toBe('message_end');
      expect(userParts(upstream, 'marker-web-image')).toHaveLength(2);

      // A visitor uploads an image, sends it, and sees it in the conversation's messages; another visitor does not.
      const form = new FormData();
      form.append('file', new Blob([png]), 'visitor.png');
      const uploaded = await fetch(`${server.baseUrl}/web-apps/${link}/files/upload`, { method: 'POST', body: form });
      expect(uploaded.status).toBe(200);
      const visitor = uploaded.headers.get('set-cookie')!.split(';')[0]!;
      const imageId = ((await uploaded.json()) as { data: { id: string } }).data.id;
      const sent = await fetch(`${server.baseUrl}/web-apps/${link}/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: visitor },
        body: JSON.stringify({
          query: 'marker-web-upload',
          files: [{ type: 'image', transfer_method: 'local_file', upload_file_id: imageId }],
        }),
      });
      const end = parseSse(await sent.text()).at(-1)!;
      expect(end.event).toBe('message_end');
      expect(userParts(upstream, 'marker-web-upload')[1]!.image_url!.url).toBe(`data:image/png;base64,${png.toString('base64')}`);
      const history = await fetch(`${server.baseUrl}/web-apps/${link}/messages?conversation_id=${end.data.conversation_id}`, {
        headers: { cookie: visitor },
      });
      const page = ((await history.json()) as any).data;
      expect(page.has_more).toBe(false);
      expect(page.list.map((m: { query: string }) => m.query)).toEqual(['marker-web-upload']);
      expect(page.list[0].message_files[0]).toMatchObject({ transfer_method: 'local_file', upload_file_id: imageId });
      expect((await fetch(page.list[0].message_files[0].url)).status).toBe(200);
      const stranger = await fetch(`${server.baseUrl}/web-apps/${link}/messages?conversation_id=${end.data.conversation_id}`);
      expect(stranger.status).toBe(404);

      const plainApp = await createChatApp(server, token);
      await server.post(`/apps/${plainApp}/publish`, { token });
      const plainKey = (await server.post(`/apps/${plainApp}/api-keys`, { token, body: {} })).body.data.key;
      const remote = [{ type: 'image', transfer_method: 'remote_url', url: REMOTE }] as any;
      const plain = await new ChatClient(plainKey, `${server.baseUrl}/v1`).createChatMessage(
        {},
        'marker-plain',
        'ann',
        false,
        null,
        remote,
      );
      expect(plain.status).toBe(200);
      expect(upstream.findChat('marker-plain')!.body.messages.at(-1).content).toBe('marker-plain');
      const plainLink = (await server.get(`/apps/${plainApp}`, { token })).body.data.web_app_token;
      const noUploads = new FormData();
      noUploads.append('file', new Blob([png]), 'visitor.png');
      const refused = await fetch(`${server.baseUrl}/web-apps/${plainLink}/files/upload`, { method: 'POST', body: noUploads });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { message: string }).message).toBe('this app takes no uploaded images');
      const notMultipart = await fetch(`${server.baseUrl}/web-apps/${link}/files/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(notMultipart.status).toBe(400);
      expect(((await notMultipart.json()) as { message: string }).message).toBe(
        'send the file as multipart/form-data in a part named file',
      );
    });

    it('the OpenAI endpoint passes image_url parts (http and data: URLs) of the question', async () => {
      const openai = new OpenAI({ apiKey, baseURL: `${server.baseUrl}/v1` });
      const dataUrl = `data:image/png;base64,${png.toString('base64')}`;
      await openai.chat.completions.create({
        model: 'x',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: 'https://images.example.com/old.png' } },
              { type: 'text', text: 'earlier' },
            ],
          },
          { role: 'assistant', content: 'seen' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'marker-openai-image' },
              { type: 'image_url', image_url: { url: REMOTE, detail: 'low' } },
              { type: 'image_url', image_url: { url: dataUrl } },
            ],
          },
        ],
      });
      expect(userParts(upstream, 'marker-openai-image')).toEqual([
        { type: 'text', text: 'marker-openai-image' },
        { type: 'image_url', image_url: { url: REMOTE, detail: 'low' } },
        { type: 'image_url', image_url: { url: dataUrl, detail: 'high' } },
      ]);
      await expect(
        openai.chat.completions.create({
          model: 'x',
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }],
        }),
      ).rejects.toMatchObject({ status: 400 });
    });
  });
}
