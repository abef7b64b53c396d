import type { QuickJSHandle, QuickJSWASMModule } from 'quickjs-emscripten-core';
import type { SandboxReply } from './sandbox-types.js';

let engine: Promise<QuickJSWASMModule> | undefined;

/** Loads the interpreter ahead of the first job. */
export async function loadJavaScript(): Promise<void> {
  await quickjs();
}

function quickjs(): Promise<QuickJSWASMModule> {
  engine ??= (async () => {
    const [{ newQuickJSWASMModuleFromVariant }, variant] = await Promise.all([
      import('quickjs-emscripten-core'),
      import('@jitl/quickjs-ng-wasmfile-release-sync'),
    ]);
    return newQuickJSWASMModuleFromVariant(variant as never);
  })();
  return engine;
}

/**
 * Runs Dify's JavaScript code node contract, `main(inputs)` returning an object, in QuickJS: a
 * separate interpreter with no modules, no file system and no network, its own memory cap, and an
 * interrupt at the deadline. Values cross as JSON.
 */
export async function runJavaScript(
  code: string,
  inputs: Record<string, unknown>,
  limits: { timeoutMs: number; memoryMb: number },
): Promise<SandboxReply> {
  const module = await quickjs();
  const runtime = module.newRuntime();
  const deadline = Date.now() + limits.timeoutMs;
  runtime.setMemoryLimit(limits.memoryMb * 1024 * 1024);
  runtime.setMaxStackSize(1024 * 1024);
  runtime.setInterruptHandler(() => Date.now() > deadline);
  const vm = runtime.newContext();
  const handles: QuickJSHandle[] = [];
  const keep = <T extends QuickJSHandle>(handle: T): T => (handles.push(handle), handle);
  try {
    const program = `${code}\n;(function () {
      if (typeof main !== 'function') throw new Error('the code must define a function main');
      return main(JSON.parse(${JSON.stringify(JSON.stringify(inputs))}));
    })()`;
    const evaluated = vm.evalCode(program, 'main.js');
    if (evaluated.error) return { ok: false, error: errorText(vm.dump(keep(evaluated.error)), deadline) };
    let result = keep(evaluated.value);
    const state = vm.getPromiseState(result);
    if (state.type === 'fulfilled' && state.notAPromise) {
      // The same value, not a new handle.
    } else {
      if (state.type !== 'pending') keep(state.type === 'fulfilled' ? state.value : state.error);
      // An async main: run its jobs to the end, then read what it settled to.
      const jobs = runtime.executePendingJobs();
      if (jobs.error) return { ok: false, error: errorText(vm.dump(keep(jobs.error)), deadline) };
      const settled = vm.getPromiseState(result);
      if (settled.type === 'pending') return { ok: false, error: 'main returned a promise that never settled' };
      if (settled.type === 'rejected') return { ok: false, error: errorText(vm.dump(keep(settled.error)), deadline) };
      result = keep(settled.value);
    }
    const stringify = vm.evalCode('(v) => JSON.stringify(v === undefined ? null : v)');
    if (stringify.error) return { ok: false, error: errorText(vm.dump(keep(stringify.error)), deadline) };
    const text = vm.callFunction(keep(stringify.value), vm.undefined, result);
    if (text.error) return { ok: false, error: errorText(vm.dump(keep(text.error)), deadline) };
    return { ok: true, value: JSON.parse(vm.getString(keep(text.value)) || 'null') as unknown };
  } catch (err) {
    // An aborted interpreter is unusable: the next job gets a fresh one.
    if ((err as Error)?.name === 'RuntimeError') engine = undefined;
    return { ok: false, error: errorText(err, deadline) };
  } finally {
    try {
      for (const handle of handles) if (handle.alive) handle.dispose();
      vm.dispose();
      runtime.dispose();
    } catch {
      engine = undefined;
    }
  }
}

function errorText(error: unknown, deadline: number): string {
  if (Date.now() > deadline) return 'the code ran past its time limit';
  if (error && typeof error === 'object') {
    const { name, message } = error as { name?: string; message?: string };
    if (/out of memory/i.test(message ?? '')) return 'the code ran out of memory';
    if (message) return name && name !== 'Error' ? `${name}: ${message}` : message;
  }
  return String(error);
}
