import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../../../../internal/core/sandbox/sandbox.js';
import { checkOutputs } from '../../../../internal/core/workflow/code-nodes.js';

describe('code sandbox', () => {
  const pool = new Sandbox({ timeoutMs: 1000, memoryMb: 64, poolSize: 2 });
  afterAll(() => pool.close());
  const js = (code: string, inputs: Record<string, unknown> = {}, signal?: AbortSignal) =>
    pool.run({ kind: 'javascript', code, inputs }, signal);

  it('runs main with its inputs as JSON, sync or async, and hands back plain values', async () => {
    await expect(js('function main({ a, b }) { return { sum: a + b, at: new Date(0).toISOString() } }', { a: 2, b: 3 })).resolves.toEqual({
      sum: 5,
      at: '1970-01-01T00:00:00.000Z',
    });
    await expect(js('async function main({ x }) { await null; return { x: [x, x] } }', { x: 'y' })).resolves.toEqual({ x: ['y', 'y'] });
    await expect(js('const main = () => undefined')).resolves.toBeNull();
  });

  it('has no modules, no process, no network, and keeps no state between jobs', async () => {
    await expect(
      js('function main() { return { t: typeof require + typeof process + typeof fetch + typeof globalThis.Deno } }'),
    ).resolves.toEqual({
      t: 'undefinedundefinedundefinedundefined',
    });
    await js('globalThis.leak = 42; function main() { return {} }');
    await expect(js('function main() { return { leak: typeof leak } }')).resolves.toEqual({ leak: 'undefined' });
  });

  it('ends endless loops at the time limit, contains a blown heap, and keeps working after both', async () => {
    await expect(js('function main() { for (;;) {} }')).rejects.toThrow(/time limit/);
    await expect(js('function main() { let s = "x"; for (;;) s += s; }')).rejects.toThrow(/memory|time limit|too long/);
    await expect(js('async function main() { await new Promise(() => {}) }')).rejects.toThrow(/never settled/);
    await expect(js('function main() { return { ok: 1 } }')).resolves.toEqual({ ok: 1 });
  });

  it('a stopped run ends its job at once', async () => {
    const controller = new AbortController();
    const job = js('function main() { for (;;) {} }', {}, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const began = Date.now();
    await expect(job).rejects.toThrow(/stopped/);
    expect(Date.now() - began).toBeLessThan(900);
  });

  it('renders Jinja2 templates, and a runaway template costs its sandbox, not the caller', async () => {
    await expect(
      pool.run({ kind: 'jinja', template: '{{ name | upper }}{% if n > 1 %}s{% endif %}', variables: { name: 'cat', n: 2 } }),
    ).resolves.toBe('CATs');
    await expect(
      pool.run({ kind: 'jinja', template: '{% for i in range(100000000) %}{{ i }}{% endfor %}', variables: {} }),
    ).rejects.toThrow();
    await expect(pool.run({ kind: 'jinja', template: '{{ 1 + 1 }}', variables: {} })).resolves.toBe('2');
  });

  it('checks results against the declared outputs as Dify does', () => {
    expect(
      checkOutputs(
        { a: 'x', b: [1, 2], c: { d: 1 }, extra: 1 },
        { a: { type: 'string' }, b: { type: 'array[number]' }, c: { type: 'object' } },
      ),
    ).toEqual({
      a: 'x',
      b: [1, 2],
      c: { d: 1 },
    });
    expect(() => checkOutputs([], {})).toThrow(/must return an object/);
    expect(() => checkOutputs({ a: ['x', 1] }, { a: { type: 'array[string]' } })).toThrow(/a\[1\] must be a string/);
    expect(() => checkOutputs({ a: Array(31).fill('x') }, { a: { type: 'array[string]' } })).toThrow(/at most 30/);
    expect(() => checkOutputs({ a: { b: { c: { d: { e: { f: 1 } } } } } }, { a: { type: 'object' } })).toThrow(/deeper than 5/);
    expect(checkOutputs({ a: null }, { a: { type: 'number' } })).toEqual({ a: null });
  });
});

describe('python sandbox', () => {
  const sandbox = new Sandbox({ timeoutMs: 3000, memoryMb: 64, poolSize: 1 });
  afterAll(() => sandbox.close());
  const py = (code: string, inputs: Record<string, unknown> = {}) => sandbox.run({ kind: 'python', code, inputs });

  it("runs main with the inputs as keyword arguments, Python's standard library at hand", async () => {
    await expect(
      py(
        'import json, re, datetime\ndef main(text: str, n: int) -> dict:\n    return {"words": re.findall(r"\\w+", text)[:n], "j": json.dumps({"a": 1})}',
        {
          text: 'the quick brown fox',
          n: 2,
        },
      ),
    ).resolves.toEqual({ words: ['the', 'quick'], j: '{"a": 1}' });
    await expect(py('x = 1')).rejects.toThrow(/must define a function main/);
    await expect(py('def main():\n    return 1 / 0')).rejects.toThrow(/ZeroDivisionError: division by zero/);
  });

  it('names a module it does not have, and has no bridge out, no host files and no network', async () => {
    await expect(py('import pandas\ndef main():\n    return {}')).rejects.toThrow(/the sandbox has no module pandas/);
    await expect(py('import js\ndef main():\n    return {}')).rejects.toThrow(/no module js/);
    await expect(py('import pyodide_js\ndef main():\n    return {}')).rejects.toThrow(/no module pyodide_js/);
    await expect(py('def main():\n    return {"x": open("/etc/passwd").read()}')).rejects.toThrow(/FileNotFoundError/);
    // Whatever the interpreter's socket emulation answers, nothing reaches a listening port.
    let connections = 0;
    const listener = createServer(() => (connections += 1));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const { port } = listener.address() as AddressInfo;
    const attempt = `import socket\ndef main():\n    s = socket.create_connection(("127.0.0.1", ${port}), timeout=1)\n    s.sendall(b"hi")\n    return {}`;
    await py(attempt).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    listener.close();
    expect(connections).toBe(0);
  });

  it('ends an endless loop at the time limit and a memory bomb at the memory limit; the next job still runs', async () => {
    await expect(py('def main():\n    while True:\n        pass')).rejects.toThrow(/time limit/);
    await expect(py('def main():\n    data = []\n    while True:\n        data.append(bytearray(10 ** 7))')).rejects.toThrow(/memory/);
    await expect(py('def main():\n    return {"ok": True}')).resolves.toEqual({ ok: true });
  });
});
