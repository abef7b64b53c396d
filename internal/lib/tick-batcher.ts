/**
 * Gathers what callers add during one turn of the event loop and hands it to `flush` as one batch
 * (at most `maxBatch` items), so concurrent requests share one database statement instead of
 * one each. Every caller gets its own item's result.
 */
export class TickBatcher<I, R> {
  private pending: Array<{ item: I; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = 100,
  ) {}

  add(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  private run(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let i = 0; i < all.length; i += this.maxBatch) {
      const batch = all.slice(i, i + this.maxBatch);
      this.flush(batch.map((b) => b.item)).then(
        (results) => batch.forEach((b, j) => b.resolve(results[j]!)),
        (err: unknown) => batch.forEach((b) => b.reject(err)),
      );
    }
  }
}
