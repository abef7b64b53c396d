import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Server-Sent Events on a raw response: one JSON object per `data:` line, written as it comes
 * (no buffering), and a `ping` event while the stream is quiet so proxies keep it open.
 */
export class SseWriter {
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly pingIntervalMs: number,
    /** 'event': Dify's `event: ping`; 'comment': a `: ping` line, which OpenAI's clients skip. */
    private readonly pingStyle: 'event' | 'comment' = 'event',
  ) {}

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  open(headers: OutgoingHttpHeaders = {}): void {
    this.res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise hold the stream back in its buffer.
      'x-accel-buffering': 'no',
    });
    this.res.flushHeaders();
    this.schedulePing();
  }

  send(data: object): void {
    if (this.closed) return;
    this.res.write(`data: ${JSON.stringify(data)}\n\n`);
    this.schedulePing();
  }

  /** A literal data line, such as OpenAI's closing `[DONE]`. */
  sendRaw(data: string): void {
    if (!this.closed) this.res.write(`data: ${data}\n\n`);
  }

  end(): void {
    clearTimeout(this.pinger);
    if (!this.closed) this.res.end();
  }

  private schedulePing(): void {
    clearTimeout(this.pinger);
    this.pinger = setTimeout(() => {
      if (this.closed) return;
      this.res.write(this.pingStyle === 'event' ? 'event: ping\n\n' : ': ping\n\n');
      this.schedulePing();
    }, this.pingIntervalMs);
  }
}
