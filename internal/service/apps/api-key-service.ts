import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../lib/crypto.js';
import { desc, eq, sql } from 'drizzle-orm';
import { AppStatus } from '../../entity/app-entity.js';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import { NotFoundError } from '../../exception/app-error.js';
import { appApiKeys, type AppApiKey } from '../../model/api-key.js';
import { apps, type App } from '../../model/app.js';
import type { AppService } from './app-service.js';
import { appTag, HotCache } from '../../lib/hot-cache.js';
import { inWorkspace } from '../../lib/workspace-scope.js';

const KEY_PREFIX = 'app-';
/** last_used_at is written at most this often per key, so traffic does not turn every call into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type KeyCheck = { ok: true; key: AppApiKey; app: App } | { ok: false; reason: 'invalid' | 'unpublished' };

/** Keys for an app's service API: made here, shown once, stored as a hash, checked on every call. */
export class ApiKeyService {
  private readonly cache: HotCache<{ key: AppApiKey; app: App }>;
  /** When this node last stamped each key's last_used_at. */
  private readonly stamped = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly appService: AppService,
    feed: ChangeFeed,
  ) {
    this.cache = new HotCache(feed);
  }

  async create(workspaceId: string, appId: string, remark: string): Promise<{ key: AppApiKey; secret: string }> {
    await this.appService.get(workspaceId, appId);
    const secret = KEY_PREFIX + randomBytes(24).toString('base64url');
    const [key] = await this.db
      .insert(appApiKeys)
      .values({ appId, workspaceId, keyHash: sha256Hex(secret), keyHint: `${secret.slice(0, 7)}...${secret.slice(-4)}`, remark })
      .returning();
    return { key: key!, secret };
  }

  async list(workspaceId: string, appId: string): Promise<AppApiKey[]> {
    await this.appService.get(workspaceId, appId);
    return this.db.select().from(appApiKeys).where(eq(appApiKeys.appId, appId)).orderBy(desc(appApiKeys.createdAt));
  }

  async update(
    workspaceId: string,
    appId: string,
    keyId: string,
    changes: { remark?: string | undefined; is_active?: boolean | undefined },
  ) {
    const [key] = await this.db
      .update(appApiKeys)
      .set({
        ...(changes.remark !== undefined ? { remark: changes.remark } : {}),
        ...(changes.is_active !== undefined ? { isActive: changes.is_active } : {}),
        updatedAt: new Date(),
      })
      .where(inWorkspace(appApiKeys, workspaceId, keyId, eq(appApiKeys.appId, appId)))
      .returning();
    if (!key) throw new NotFoundError('api key not found');
    await this.appService.changed(appId);
    return key;
  }

  async delete(workspaceId: string, appId: string, keyId: string): Promise<void> {
    const deleted = await this.db
      .delete(appApiKeys)
      .where(inWorkspace(appApiKeys, workspaceId, keyId, eq(appApiKeys.appId, appId)))
      .returning({ id: appApiKeys.id });
    if (deleted.length === 0) throw new NotFoundError('api key not found');
    await this.appService.changed(appId);
  }

  /**
   * The key and its app, from the hot cache: a key made inactive or deleted, or its app changed, on
   * any node is dropped from every node's cache at once (see AppService.changed). The hash lookup is
   * indexed; the final comparison is constant-time.
   */
  async check(secret: string): Promise<KeyCheck> {
    const hash = sha256Hex(secret);
    const row = await this.cache.get(
      hash,
      async () =>
        (
          await this.db
            .select({ key: appApiKeys, app: apps })
            .from(appApiKeys)
            .innerJoin(apps, eq(apps.id, appApiKeys.appId))
            .where(eq(appApiKeys.keyHash, hash))
            .limit(1)
        )[0],
      (r) => [appTag(r.app.id)],
    );
    if (!row || !row.key.isActive || !timingSafeEqual(Buffer.from(row.key.keyHash), Buffer.from(hash)))
      return { ok: false, reason: 'invalid' };
    if (row.app.status !== AppStatus.Published || !row.app.publishedVersionId) return { ok: false, reason: 'unpublished' };
    this.stampLastUsed(row.key);
    return { ok: true, key: row.key, app: row.app };
  }

  /** Off the request's path: a missed stamp only makes "last used" a little older. */
  private stampLastUsed(key: AppApiKey): void {
    const now = Date.now();
    const last = this.stamped.get(key.id) ?? key.lastUsedAt?.getTime() ?? 0;
    if (now - last <= LAST_USED_RESOLUTION_MS) return;
    this.stamped.set(key.id, now);
    this.db
      .update(appApiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(appApiKeys.id, key.id))
      .catch(() => this.stamped.delete(key.id));
  }
}
