import type { AgentTool } from './agent-types.js';

/** What the model reads of a call, and the files (upload ids) the call made for the user, such as a generated image. */
export interface Observation {
  observation: string;
  files: string[];
}

const said = (observation: string): Observation => ({ observation, files: [] });

/**
 * Runs one tool call and always comes back with an observation for the model: a failure, an unknown
 * tool, bad arguments or a timeout are things the model can react to, not errors of the run.
 * Only the run's own cancellation (stop, client gone) is thrown, by the caller checking its signal.
 */
export async function observe(
  tools: ReadonlyMap<string, AgentTool>,
  name: string,
  args: Record<string, unknown> | string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<Observation> {
  const tool = tools.get(name);
  if (!tool) return said(`error: there is no tool named "${name}"; the tools are ${[...tools.keys()].join(', ')}`);
  if (typeof args === 'string') return said(`error: the arguments are not a JSON object: ${args.slice(0, 200)}`);
  const deadline = AbortSignal.timeout(timeoutMs);
  const both = AbortSignal.any([signal, deadline]);
  let timer: NodeJS.Timeout | undefined;
  try {
    // A tool that ignores its signal still loses the race.
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      both.addEventListener('abort', () => reject(both.reason instanceof Error ? both.reason : new Error('cancelled')), { once: true });
    });
    const result = await Promise.race([tool.invoke(args, both), timedOut]);
    const { text, files } = typeof result === 'string' ? { text: result, files: [] } : result;
    return { observation: text === '' ? '(empty result)' : text, files };
  } catch (err) {
    if (deadline.aborted && !signal.aborted) return said(`error: ${name} timed out after ${timeoutMs} ms`);
    const message = err instanceof Error ? err.message : String(err);
    return said(message.startsWith('blocked:') ? message : `error: ${message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The model's arguments text as an object, or the text itself when it is not one. */
export function parseArguments(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : text;
  } catch {
    return text;
  }
}
