import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, loggableUrl } from '../../../internal/extension/logger.js';
import { runLogDir, secretsInLogs } from '../../helpers/log-capture.js';

describe('secrets in logs', () => {
  it('leaves credential-bearing query values out of a logged URL, and keeps the rest', () => {
    expect(loggableUrl('/files/1/image-preview?timestamp=1&nonce=abc&sign=xyz')).toBe(
      '/files/1/image-preview?timestamp=1&nonce=[redacted]&sign=[redacted]',
    );
    expect(loggableUrl('/apps?current_page=2&search_word=x')).toBe('/apps?current_page=2&search_word=x');
    // A public link's token is its credential: the path segment is left out too.
    expect(loggableUrl('/web-apps/hWE0LLTFqtT3DwBi28WKOA/chat?x=1')).toBe('/web-apps/[redacted]/chat?x=1');
    expect(loggableUrl('/mcp/hWE0LLTFqtT3DwBi28WKOA')).toBe('/mcp/[redacted]');
    expect(loggableUrl('/apps/1/mcp-server')).toBe('/apps/1/mcp-server');
    expect(loggableUrl('/ping')).toBe('/ping');
  });

  it('redacts secrets in logged objects and request headers', () => {
    let written = '';
    const sink = new Writable({
      write(chunk, _e, done) {
        written += chunk;
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ credentials: { api_key: 'sk-live-123' }, body: { password: 'hunter2-pass' } }, 'saving');
    logger.info({ req: { method: 'GET', url: '/x?sign=abc', headers: { authorization: 'Bearer eyJabc' } } }, 'incoming');
    expect(written).not.toMatch(/sk-live-123|hunter2-pass|sign=abc|eyJabc/);
    expect(written).toContain('[redacted]');
  });

  it("the run's scan finds a token, an app key or a password in any captured log line", () => {
    const runId = `scan-test-${process.pid}`;
    const dir = runLogDir(runId);
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(path.join(dir, 'a.log'), '{"msg":"fine"}\n{"msg":"key app-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 used"}\n');
      writeFileSync(path.join(dir, 'b.log'), '{"password":"correct-h0rse-battery"}\n');
      const found = secretsInLogs(runId).map((f) => f.what);
      expect(found.sort()).toEqual(['account password', 'app API key']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
