import { spawn, type ChildProcess } from 'node:child_process';

export interface UpstreamProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Answers `{ [path]: { calls, inputs } }` counted so far. */
  statsUrl: string;
}

/** Starts bench/fake-upstream.ts in its own process. */
export async function startUpstream(): Promise<UpstreamProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/fake-upstream.ts'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const [baseUrl, statsUrl] = await new Promise<string[]>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n').filter(Boolean);
      if (lines.length >= 2) resolve(lines);
    }),
  );
  return { child, baseUrl: baseUrl!, statsUrl: statsUrl! };
}
