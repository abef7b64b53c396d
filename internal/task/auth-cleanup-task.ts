import { JobName } from '../entity/job-entity.js';
import type { Logger } from '../extension/logger.js';
import type { Queue } from '../extension/queue/queue.js';
import type { AuthService } from '../service/identity/auth-service.js';

/** Purges login lock-outs and token revocations that have expired. */
export function defineAuthCleanupTask(queue: Queue, authService: AuthService, logger: Logger): void {
  queue.define(JobName.AuthCleanup, async () => {
    const purged = await authService.purgeExpired();
    if (purged.loginAttempts + purged.revokedTokens > 0) logger.info({ purged }, 'expired auth records purged');
  });
}
