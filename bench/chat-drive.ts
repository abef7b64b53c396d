import { Agent, request } from 'undici';
import { rssMiB } from './stats.js';

export interface Sample {
  ttft: number;
  total: number;
  ok: boolean;
}

export interface Run {
  samples: Sample[];
  seconds: number;
}

/** One request of a path: `worker` is the client slot sending it, `i` its number, `directives` the upstream's script. */
export type Send = (worker: number, i: number, directives: string) => Promise<Sample>;

/**
 * One connection per client slot, kept between runs, as browsers and SDKs keep theirs. undici's
 * defaults open a new connection whenever a slot's next request goes out before its last connection
 * is handed back, and drop idle ones after 4 s, so every run would begin with hundreds of new
 * connections: on this saturated 2-core machine the last of them wait seconds in the server's accept
 * queue, which measured the bench's reconnecting rather than the path.
 */
const agents = new Map<number, Agent>();
let dispatcher = agentFor(1);
function agentFor(slots: number): Agent {
  let agent = agents.get(slots);
  if (!agent) {
    agent = new Agent({ connections: slots, keepAliveTimeout: 120_000, keepAliveMaxTimeout: 600_000 });
    agents.set(slots, agent);
  }
  return agent;
}

/** `requests` requests from `concurrency` clients, each sending its next as soon as its last has ended. */
export async function drive(requests: number, concurrency: number, send: Send, directives: string): Promise<Run> {
  const samples: Sample[] = [];
  // Runs never overlap, so the run under way picks the connections its requests use.
  dispatcher = agentFor(concurrency);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = next++; i < requests; i = next++) {
        samples.push(await send(worker, i, directives).catch(() => ({ ttft: 0, total: 0, ok: false })));
      }
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000 };
}

/**
 * POSTs, reads the SSE body to its end, and times the first piece of content (`isContent`) and the
 * end. A sample is good when the answer came whole: status 200, content, and `isEnd` at the close.
 */
export async function timedStream(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  isContent: (piece: string) => boolean,
  isEnd: (text: string) => boolean,
  onFirstPiece?: (piece: string) => void,
): Promise<Sample> {
  const started = performance.now();
  // undici's request rather than fetch: at 500 streams a heavier client would measure itself.
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    dispatcher,
  });
  let ttft = 0;
  let tail = '';
  let ended = false;
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    const piece = decoder.decode(chunk, { stream: true });
    if (onFirstPiece && !tail) onFirstPiece(piece);
    if (!ttft && isContent(piece)) ttft = performance.now() - started;
    // A marker may straddle two chunks; keeping whole bodies of 2,000 streams would measure this client instead.
    const window = tail + piece;
    ended ||= isEnd(window);
    tail = window.slice(-64);
  }
  return { ttft, total: performance.now() - started, ok: res.statusCode === 200 && ttft > 0 && ended };
}

/** The highest RSS of a process seen every 100 ms until stopped. */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => void this.sample(), 100);
  }

  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sample();
    return this.peak;
  }

  private async sample(): Promise<void> {
    this.peak = Math.max(this.peak, await rssMiB(this.pid).catch(() => 0));
  }
}
