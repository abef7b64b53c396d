export interface SseEvent {
  /** The `event:` field when the server set one (pings), else the JSON's own `event`. */
  event: string;
  data: any;
}

/** Splits an SSE body into events; `data:` lines are JSON, `event: ping` has none. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    let name = '';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    const parsed = data ? JSON.parse(data) : undefined;
    events.push({ event: name || parsed?.event, data: parsed });
  }
  return events;
}

export interface StreamingResponse {
  status: number;
  headers: Headers;
  /** Resolves with each event as it arrives; `done` once the stream ends. */
  next(): Promise<SseEvent | undefined>;
  /** Reads to the end and returns every event, those already taken included. */
  all(): Promise<SseEvent[]>;
  /** The client goes away mid-stream. */
  abort(): void;
  /** A JSON body, when the server answered with an error instead of a stream. */
  json(): Promise<any>;
}

/** POSTs and reads the answer as a live event stream over real HTTP. */
export async function postStream(url: string, token: string, body: unknown): Promise<StreamingResponse> {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const seen: SseEvent[] = [];
  let buffer = '';
  let pending: SseEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let ended = false;
  const pull = async (): Promise<boolean> => {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      return false;
    }
    buffer += decoder.decode(value, { stream: true });
    const cut = buffer.lastIndexOf('\n\n');
    if (cut >= 0) {
      const fresh = parseSse(buffer.slice(0, cut + 2));
      buffer = buffer.slice(cut + 2);
      pending.push(...fresh);
      seen.push(...fresh);
    }
    return true;
  };
  return {
    status: res.status,
    headers: res.headers,
    async next() {
      while (pending.length === 0 && !ended) await pull();
      return pending.shift();
    },
    async all() {
      while (!ended) await pull();
      pending = [];
      return seen;
    },
    abort: () => controller.abort(),
    async json() {
      let text = buffer;
      while (!ended) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return JSON.parse(text);
    },
  };
}
