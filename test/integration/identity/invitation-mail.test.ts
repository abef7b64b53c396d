import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSink } from '../../fixtures/smtp-sink.js';
import { PASSWORD, registerAccount } from '../../helpers/accounts.js';
import { tokenOf } from '../../helpers/teams.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/** The text of a mail as sent: quoted-printable soft breaks joined, escapes undone. */
const decoded = (raw: string) =>
  raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

describe('invitations by mail', () => {
  let sink: SmtpSink;
  let server: TestServer;
  beforeAll(async () => {
    sink = await new SmtpSink().start();
    server = await startTestServer(
      { db: 'pglite', redis: false },
      { smtpUrl: sink.url, mailFrom: 'Acme AI <ai@acme.example>', publicUrl: 'https://llmops.acme.example/' },
    );
  });
  afterAll(async () => {
    await server?.close();
    await sink?.close();
  });

  it('mails each link, from MAIL_FROM, on the public address; the mailed link lets the person in', async () => {
    const owner = await registerAccount(server, 'Olga');
    await server.post('/workspaces/current', { token: owner.token, body: { name: 'Acme' } });
    const res = await server.post('/workspaces/current/members/invite', {
      token: owner.token,
      body: { emails: ['pat@acme.example', 'lee@acme.example'], role: 'editor' },
    });
    expect(res.body.data.invitations.map((i: any) => [i.email, i.mail])).toEqual([
      ['pat@acme.example', 'sent'],
      ['lee@acme.example', 'sent'],
    ]);
    const links = res.body.data.invitations.map((i: any) => i.url as string);
    for (const link of links) expect(link).toMatch(/^https:\/\/llmops\.acme\.example\/activate\?token=[\w-]{43}$/);
    expect(sink.received.map((m) => [m.from, m.to])).toEqual(
      expect.arrayContaining([
        ['ai@acme.example', ['pat@acme.example']],
        ['ai@acme.example', ['lee@acme.example']],
      ]),
    );
    const toPat = decoded(sink.received.find((m) => m.to[0] === 'pat@acme.example')!.raw);
    expect(toPat).toContain('Subject: Olga invited you to Acme on LLMOps');
    expect(toPat).toContain(links[0]);
    const mailed = /https:\/\/llmops\.acme\.example\/activate\?token=[\w-]+/.exec(toPat)![0];
    const joined = await server.post('/invitations/activate', { body: { token: tokenOf(mailed), name: 'Pat', password: PASSWORD } });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
  });

  it('an SMTP server that is down leaves the invitation made and its link shown, marked failed', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = await startTestServer({ db: 'pglite', redis: false }, { smtpUrl: `smtp://127.0.0.1:${port}` });
    try {
      const owner = await registerAccount(down);
      const res = await down.post('/workspaces/current/members/invite', {
        token: owner.token,
        body: { emails: ['sam@example.com'], role: 'normal' },
      });
      expect(res.status).toBe(200);
      expect(res.body.data.invitations[0]).toMatchObject({ status: 'invited', mail: 'failed', url: expect.stringContaining('token=') });
      const joined = await down.post('/invitations/activate', {
        body: { token: tokenOf(res.body.data.invitations[0].url), name: 'Sam', password: PASSWORD },
      });
      expect(joined.status).toBe(200);
    } finally {
      await down.close();
    }
  });
});
