import { SandboxPool } from './sandbox-pool.js';
import { groupOf, type SandboxGroup, type SandboxJob, type SandboxLimits } from './sandbox-types.js';

/** The sandboxes of this process: JavaScript and templates in one set of processes, Python in its own. */
export class Sandbox {
  private readonly pools: Record<SandboxGroup, SandboxPool>;

  constructor(limits: SandboxLimits) {
    this.pools = { javascript: new SandboxPool(limits, 'javascript'), python: new SandboxPool(limits, 'python') };
  }

  run(job: SandboxJob, signal?: AbortSignal): Promise<unknown> {
    return this.pools[groupOf(job)].run(job, signal);
  }

  /** Starts a sandbox of this group now, for jobs about to come. */
  warm(group: SandboxGroup): void {
    this.pools[group].warm();
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.pools).map((p) => p.close()));
  }
}
