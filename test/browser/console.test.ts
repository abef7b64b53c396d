import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeOpenAiServer } from '../fixtures/fake-openai-server.js';
import { FAKE_API_KEY } from '../fixtures/fake-openai-server.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { browserSkipReason, launchBrowser, pickOption, screenshot, submitDialog } from './console-browser.js';

const skip = browserSkipReason();
const DOC = 'Photosynthesis turns sunlight, water and carbon dioxide into glucose and oxygen inside chloroplasts.';

/**
 * The console in a real browser against the real server and the fake upstream, the way a person
 * uses it: sign up, connect a model, build a knowledge base, make an app, chat, publish, call it.
 */
// Each step drives several pages; wide margins for a busy 2-core machine.
describe.skipIf(skip)(`web console in chromium${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 240_000 }, () => {
  let server: TestServer;
  let upstream: FakeOpenAiServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let appUrl = '';
  let webAppUrl = '';
  /** What the page threw or logged as an error: printed with a failure, and none expected. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    upstream = await new FakeOpenAiServer().start();
    server = await startTestServer({ db: 'pglite', redis: false });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1360, height: 900 }, locale: 'en-US' });
    context.setDefaultTimeout(30_000);
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
    page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(msg.text()));
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && pageErrors.length) process.stderr.write(`page errors:\n${pageErrors.join('\n')}\n`);
    if (ctx.task.result?.state === 'fail')
      await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await upstream?.close();
  });

  it('signs up and lands on the model providers', async () => {
    await page.goto('/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/signin');
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Name').fill('Ada');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('weak');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('At least 8 characters, with a letter and a digit').first().waitFor();
    await page.getByLabel('Password').fill('correct-horse-7');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('Connect a model provider first').waitFor();
    await screenshot(page, '01-model-providers');
  });

  it('adds credentials with a chat and an embedding model', async () => {
    await page.getByTestId('provider-openai_compatible').getByRole('button', { name: 'Set up' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('API key').fill(FAKE_API_KEY);
    // Any http(s) URL is a base URL, also a host without a dot and a one-digit port (a self-hosted model).
    await dialog.getByLabel('Base URL').fill('not a url');
    await dialog.getByText('Enter an http(s) URL').waitFor();
    await dialog.getByLabel('Base URL').fill('http://model-box:8/v1');
    await dialog.getByText('Enter an http(s) URL').waitFor({ state: 'detached' });
    await dialog.getByLabel('Base URL').fill(upstream.baseUrl);
    await dialog.getByRole('button', { name: 'Add a model' }).click();
    await dialog.getByPlaceholder('Model name').nth(0).fill('fake-chat');
    await dialog.getByRole('button', { name: 'Add a model' }).click();
    await dialog.getByPlaceholder('Model name').nth(1).fill('fake-embed');
    await pickOption(page, dialog.locator('.ant-select').filter({ hasText: 'Chat' }).nth(1), 'Embedding');
    await dialog.getByRole('switch').click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Credentials saved').waitFor();
    await page.getByTestId('provider-openai_compatible').getByText('Configured').waitFor();
  });

  it('builds a knowledge base: upload, index, hit test', async () => {
    // The models arrive after the dialog opened (a fresh page on a slow network): high quality still becomes the default.
    const slowModels = (url: URL) => url.pathname === '/llm-models';
    await page.route(slowModels, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue();
    });
    await page.goto('/knowledge');
    await page.getByRole('button', { name: 'Create knowledge base' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Biology');
    await pickOption(page, dialog.getByLabel('Embedding model').locator('..').locator('..'), 'fake-embed');
    await page.unroute(slowModels);
    await submitDialog(page, dialog.getByRole('button', { name: 'Create' }));
    await page.getByTestId('upload-documents').click();
    await page.locator('input[type=file]').setInputFiles({ name: 'plants.txt', mimeType: 'text/plain', buffer: Buffer.from(DOC) });
    await page.getByRole('button', { name: 'Add 1 document', exact: true }).click();
    await page.getByTestId('document-status').filter({ hasText: 'Available' }).waitFor({ timeout: 60_000 });
    await screenshot(page, '02-knowledge-documents');
    await page.getByRole('tab', { name: 'Retrieval testing' }).click();
    await page.getByTestId('hit-query').fill('How does photosynthesis use sunlight?');
    await page.getByTestId('hit-run').click();
    await page.getByTestId('hit-results').getByText('plants.txt').waitFor();
    await page
      .getByTestId('hit-results')
      .getByText(/score \d\.\d{3}/)
      .first()
      .waitFor();
    await screenshot(page, '03-hit-testing');
  });

  it('creates an app, attaches the knowledge base and chats with streaming and a citation', async () => {
    await page.getByRole('menuitem', { name: 'Studio' }).click();
    await page.getByRole('button', { name: 'Create app' }).first().click();
    await page.getByRole('dialog').getByLabel('Name').fill('Botanist');
    await submitDialog(page, page.getByRole('dialog').getByRole('button', { name: 'Create' }));
    await page.getByTestId('model-select').waitFor();
    appUrl = new URL(page.url()).pathname;
    await pickOption(page, page.getByTestId('model-select'), 'fake-chat');
    await page.getByTestId('prompt').fill('You are a botanist. Answer briefly.');
    await pickOption(page, page.getByTestId('dataset-select'), 'Biology');
    await page.getByTestId('save-draft').click();
    await page.getByText('All changes saved').waitFor();
    await page.getByTestId('chat-input').fill('What does photosynthesis make from sunlight?');
    await page.getByTestId('chat-input').press('Enter');
    const answer = page.getByTestId('chat-answer').last();
    await answer.and(page.locator('[data-status=done]')).waitFor({ timeout: 60_000 });
    await expect(answer.innerText()).resolves.toContain('Echo: What does photosynthesis make from sunlight?');
    await answer.getByTestId('citations').getByText('plants.txt').waitFor();
    await expect(answer.getByTestId('usage').innerText()).resolves.toMatch(/\d+ tokens · \d+\.\d\d s/);
    await screenshot(page, '04-app-editor-chat');
  });

  it('publishes, creates an API key that works, and chats in the web app', async () => {
    await page.getByRole('tab', { name: 'Publish & API' }).click();
    await page.getByTestId('publish').click();
    await page.getByTestId('web-app-url').waitFor();
    webAppUrl = (await page.getByTestId('web-app-url').innerText()).trim();
    await page.getByTestId('create-api-key').click();
    const key = (await page.getByTestId('new-api-key').innerText()).trim();
    expect(key).toMatch(/^app-/);
    await screenshot(page, '05-publish-api-key');
    const res = await fetch(`${server.baseUrl}/v1/chat-messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: {}, query: 'hello from curl', response_mode: 'blocking', user: 'u1' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { answer: string }).answer).toBe('Echo: hello from curl');
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-US' });
    try {
      const visitor = await phone.newPage();
      await visitor.goto(webAppUrl);
      await visitor.getByText('Botanist').first().waitFor();
      await visitor.getByTestId('chat-input').fill('Is oxygen made too?');
      await visitor.getByTestId('chat-send').click();
      await visitor.locator('[data-testid=chat-answer][data-status=done]').waitFor({ timeout: 60_000 });
      await expect(visitor.getByTestId('chat-answer').last().innerText()).resolves.toContain('Echo: Is oxygen made too?');
      await screenshot(visitor, '06-web-app-phone');
    } finally {
      await phone.close();
    }
  });

  it('shows the conversation in the logs', async () => {
    await page.goto(appUrl.replace(/\/configure$/, '/logs'));
    await page.getByText('Web app', { exact: true }).first().waitFor();
    await expect(page.getByTestId('metric-total_messages').innerText()).resolves.toMatch(/Messages\s+\d/);
    await screenshot(page, '07-logs');
  });

  it('edits a workflow on the canvas, runs the draft with each node status, publishes it and runs it by API', async () => {
    await page.goto('/studio');
    await page.getByRole('button', { name: 'Create app' }).first().click();
    const dialog = page.getByRole('dialog');
    await pickOption(page, dialog.getByLabel('Type').locator('..').locator('..'), 'Workflow');
    await dialog.getByLabel('Name').fill('Greeter');
    await submitDialog(page, dialog.getByRole('button', { name: 'Create' }));
    await page.getByTestId('node-start').click();
    const workflowPath = new URL(page.url()).pathname.replace(/\/configure$/, '');
    await page
      .getByTestId('node-settings')
      .fill(JSON.stringify({ variables: [{ variable: 'name', label: 'Name', type: 'text-input', required: true }] }));
    await page.getByTestId('node-apply').click();
    await page.getByTestId('node-end').click();
    await page
      .getByTestId('node-settings')
      .fill(JSON.stringify({ outputs: [{ variable: 'greeting', value_selector: ['start', 'name'] }] }));
    await page.getByTestId('node-apply').click();
    // An LLM node's model and prompt as fields over its JSON; then removed again (it is not connected).
    await page.getByTestId('add-node').hover();
    await page.getByRole('menuitem', { name: 'LLM', exact: true }).click();
    await pickOption(page, page.getByTestId('llm-model'), 'fake-chat');
    await page.getByTestId('llm-prompt-0').fill('Greet {{#start.name#}} warmly.');
    await expect(page.getByTestId('node-settings').inputValue()).resolves.toContain('"name": "fake-chat"');
    await expect(page.getByTestId('node-settings').inputValue()).resolves.toContain('Greet {{#start.name#}} warmly.');
    await page.getByTestId('node-apply').click();
    await page.getByTestId('node-panel').getByRole('button', { name: 'Delete' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('node-llm').waitFor({ state: 'detached' });
    await page.getByTestId('save-workflow').click();
    await page.getByText('All changes saved').waitFor();
    await page.getByTestId('run-workflow').click();
    await page.getByRole('dialog').getByLabel('Name').fill('Ada');
    await submitDialog(page, page.getByTestId('run-start'));
    await page.getByTestId('run-status').filter({ hasText: 'Succeeded' }).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('run-outputs').innerText()).resolves.toContain('"greeting": "Ada"');
    await expect(page.getByTestId('node-end').getAttribute('data-status')).resolves.toBe('succeeded');
    await screenshot(page, '09-workflow-canvas-run');

    // Export the draft as a DSL file and import it again as a new app.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-dsl').click()]);
    const yaml = await readFile((await download.path())!, 'utf8');
    expect(yaml).toContain('mode: workflow');
    await page.goto('/studio');
    await page.getByRole('button', { name: 'Import DSL file' }).click();
    await page
      .getByRole('dialog')
      .locator('input[type=file]')
      .setInputFiles({ name: 'greeter.yml', mimeType: 'application/yaml', buffer: Buffer.from(yaml) });
    await page.getByRole('dialog').getByText('greeter.yml').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
    await page.getByTestId('node-end').waitFor();
    expect(new URL(page.url()).pathname).toMatch(/^\/app\/[0-9a-f-]{36}\/configure$/);
    await page.goto(`${workflowPath}/configure`);
    await page.getByTestId('node-end').waitFor();

    await page.getByRole('tab', { name: 'Publish & API' }).click();
    await page.getByTestId('publish').click();
    await page.getByText('Not published').waitFor({ state: 'detached' });
    await page.getByTestId('create-api-key').click();
    const key = (await page.getByTestId('new-api-key').innerText()).trim();
    const res = await fetch(`${server.baseUrl}/v1/workflows/run`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { name: 'Grace' }, response_mode: 'blocking', user: 'u1' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { outputs: unknown } }).data.outputs).toEqual({ greeting: 'Grace' });
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    // The workflow's public page: its start form, a run, the outputs.
    const link = (await page.getByTestId('web-app-url').innerText()).trim();
    const visitor = await browser.newPage();
    try {
      await visitor.goto(link);
      await visitor.getByLabel('Name').fill('Lin');
      await visitor.getByTestId('web-run').click();
      await expect.poll(() => visitor.getByTestId('web-outputs').innerText(), { timeout: 60_000 }).toContain('"greeting": "Lin"');
    } finally {
      await visitor.close();
    }
  });

  it('adds OpenAPI tools on the tools page and gives them to an app', async () => {
    const schema = {
      openapi: '3.0.0',
      info: { title: 'Weather', version: '1' },
      servers: [{ url: 'https://api.example.com' }],
      paths: {
        '/weather': {
          get: {
            operationId: 'get_weather',
            summary: 'The weather in a city',
            parameters: [{ name: 'city', in: 'query', required: true, schema: { type: 'string' } }],
            responses: { '200': { description: 'the weather' } },
          },
        },
      },
    };
    await page.goto('/tools/builtin');
    await page.getByRole('tab', { name: 'OpenAPI' }).click();
    await page.getByRole('button', { name: 'Add OpenAPI tools' }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Weather');
    await dialog.getByLabel('OpenAPI document (JSON or YAML)').fill(JSON.stringify(schema));
    await dialog.getByRole('button', { name: 'Check and list the tools' }).click();
    await dialog.getByText('GET get_weather').waitFor();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.locator('.ant-card').filter({ hasText: 'Weather' }).getByText('get_weather').waitFor();
    await screenshot(page, '11-tools');

    await page.goto(appUrl);
    await page.getByRole('button', { name: 'Tools & agent' }).click();
    await pickOption(
      page,
      page.locator('.ant-form-item').filter({ hasText: 'API, MCP and workflow tools' }).locator('.ant-select'),
      'get_weather',
    );
    await page.getByTestId('save-draft').click();
    await page.getByText('All changes saved').waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Tools & agent' }).click();
    await page.locator('.ant-select-selection-item', { hasText: 'get_weather' }).waitFor();
  });

  it('a member joins by an invitation link and sees only what the role allows', async () => {
    const ownerToken = await page.evaluate(() =>
      (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('llmops.token'),
    );
    const invited = await fetch(`${server.baseUrl}/workspaces/current/members/invite`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ emails: ['grace@example.com'], role: 'normal' }),
    });
    const link = new URL(((await invited.json()) as { data: { invitations: Array<{ url: string }> } }).data.invitations[0]!.url);
    const member = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1360, height: 900 }, locale: 'en-US' });
    try {
      const grace = await member.newPage();
      await grace.goto(`${link.pathname}${link.search}`);
      await grace.getByLabel('Name').fill('Grace');
      await grace.getByLabel('Password').fill('member-passw0rd');
      await grace.getByRole('button', { name: 'Create account and join' }).click();
      await grace.getByTestId('app-card').first().waitFor();
      await grace.getByTestId('workspace-switcher').getByText("Ada's Workspace").waitFor();
      expect(await grace.getByRole('button', { name: 'Create app' }).count()).toBe(0);
      await grace.getByTestId('app-card').filter({ hasText: 'Botanist' }).click();
      await grace.getByText('Your role uses published apps through their web app link').waitFor();
      await grace.getByRole('link', { name: 'Open' }).waitFor();
      await grace.goto('/settings/members');
      await grace.getByRole('cell', { name: 'grace@example.com' }).waitFor();
      expect(await grace.getByRole('button', { name: 'Invite members' }).count()).toBe(0);
      expect(await grace.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    } finally {
      await member.close();
    }
    await page.goto('/settings/members');
    await page.getByRole('cell', { name: 'grace@example.com' }).waitFor();
    await page.getByRole('button', { name: 'Invite members' }).waitFor();
    await screenshot(page, '10-members');
  });

  it('switches to Chinese and back, and keeps the choice across a reload', async () => {
    await page.goto('/studio');
    await page.getByTestId('app-card').first().waitFor();
    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await page.getByRole('button', { name: '创建应用' }).waitFor();
    await page.reload();
    await page.getByRole('menuitem', { name: '工作室' }).waitFor();
    await screenshot(page, '08-studio-zh');
    await page.getByTestId('language-switch').click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Create app' }).waitFor();
  });
});
