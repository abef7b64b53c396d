import type { PyodideInterface } from 'pyodide';
import type { SandboxReply } from './sandbox-types.js';

let engine: Promise<PyodideInterface> | undefined;

/**
 * Ahead of any user code: modules that reach out of the interpreter (the JavaScript bridge, package
 * installs, raw memory) are removed and cannot be imported again. The process's own fence (no
 * file system, no network, see sandbox-worker.ts) holds whatever gets past this.
 */
const LOCKDOWN = `
import sys
class _Refuse:
    blocked = frozenset({"js", "pyodide_js", "pyodide", "_pyodide", "_pyodide_core", "micropip", "ctypes", "_ctypes", "pyodide_http"})
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None
for _name in list(sys.modules):
    if _name.split(".")[0] in _Refuse.blocked:
        del sys.modules[_name]
sys.meta_path.insert(0, _Refuse())
del _Refuse, _name, sys
`;

/** Loads the interpreter (Pyodide's package ships it and the standard library: nothing is downloaded). */
export function loadPython(): Promise<PyodideInterface> {
  engine ??= (async () => {
    const { loadPyodide } = await import('pyodide');
    const py = await loadPyodide({ jsglobals: {}, stdout: () => undefined, stderr: () => undefined, env: { HOME: '/home/pyodide' } });
    py.runPython(LOCKDOWN);
    return py;
  })();
  return engine;
}

const CALL_MAIN = `
import json as __json
if not callable(globals().get("main")):
    raise NameError("the code must define a function main")
__result__ = __json.dumps(main(**__json.loads(__inputs__)))
`;

/** Runs Dify's Python code node contract, `main(**inputs)` returning a dict, in a fresh namespace; values cross as JSON. */
export async function runPython(code: string, inputs: Record<string, unknown>): Promise<SandboxReply> {
  const py = await loadPython();
  const namespace = py.globals.get('dict')();
  try {
    namespace.set('__inputs__', JSON.stringify(inputs));
    py.runPython(code, { globals: namespace });
    py.runPython(CALL_MAIN, { globals: namespace });
    return { ok: true, value: JSON.parse(String(namespace.get('__result__'))) as unknown };
  } catch (err) {
    return { ok: false, error: pythonError(err) };
  } finally {
    namespace.destroy();
  }
}

/** The exception line of a Python traceback (`TypeError: ...`), and a module the sandbox lacks named plainly. */
function pythonError(err: unknown): string {
  const text = String((err as Error)?.message ?? err).trim();
  const missing = /ModuleNotFoundError: (?:No module named '([^']+)'|The module '([^']+)')/.exec(text);
  if (missing) return `the sandbox has no module ${missing[1] ?? missing[2]} (only Python's standard library is available)`;
  const lines = text.split('\n');
  // The exception follows the last frame of the traceback (an indented `File ...` line and its source).
  const lastFrame = lines.findLastIndex((line) => line.startsWith('  File '));
  const exception = lines.slice(lastFrame + 1).find((line) => /^[A-Za-z_][\w.]*(:|$)/.test(line)) ?? lines.at(-1) ?? 'the code failed';
  return /^MemoryError/.test(exception) ? 'the code ran out of memory' : exception;
}
