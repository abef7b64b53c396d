import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { AppStatus } from '../entity/app-entity.js';
import type { Db } from '../extension/database.js';
import { NotFoundException } from '../exception/app-error.js';
import { appApiKeys, type AppApiKey } from '../model/api-key.js';
import { apps, type App } from '../model/app.js';
import type { AppService } from './app-service.js';

const KEY_PREFIX = 'app-';
/** last_used_at is written at most this often per key, so traffic does not turn every call into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type KeyCheck = { ok: true; key: AppApiKey; app: App } | { ok: false; reason: 'invalid' | 'unpublished' };

/** Keys for an app's service API: made here, shown once, stored as a hash, checked on every call. */
export class ApiKeyService {
  constructor(
    private readonly db: Db,
    private readonly appService: AppService,
  ) {}

  async create(accountId: string, appId: string, remark: string): Promise<{ key: AppApiKey; secret: string }> {
    await this.appService.get(accountId, appId);
    const secret = KEY_PREFIX + randomBytes(24).toString('base64url');
    const [key] = await this.db
      .insert(appApiKeys)
      .values({ appId, accountId, keyHash: hashKey(secret), keyHint: `${secret.slice(0, 7)}...${secret.slice(-4)}`, remark })
      .returning();
    return { key: key!, secret };
  }

  async list(accountId: string, appId: string): Promise<AppApiKey[]> {
    await this.appService.get(accountId, appId);
    return this.db.select().from(appApiKeys).where(eq(appApiKeys.appId, appId)).orderBy(desc(appApiKeys.createdAt));
  }

  async update(accountId: string, appId: string, keyId: string, changes: { remark?: string | undefined; is_active?: boolean | undefined }) {
    const [key] = await this.db
      .update(appApiKeys)
      .set({
        ...(changes.remark !== undefined ? { remark: changes.remark } : {}),
        ...(changes.is_active !== undefined ? { isActive: changes.is_active } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(appApiKeys.id, keyId), eq(appApiKeys.appId, appId), eq(appApiKeys.accountId, accountId)))
      .returning();
    if (!key) throw new NotFoundException('api key not found');
    return key;
  }

  async delete(accountId: string, appId: string, keyId: string): Promise<void> {
    const deleted = await this.db
      .delete(appApiKeys)
      .where(and(eq(appApiKeys.id, keyId), eq(appApiKeys.appId, appId), eq(appApiKeys.accountId, accountId)))
      .returning({ id: appApiKeys.id });
    if (deleted.length === 0) throw new NotFoundException('api key not found');
  }

  /**
   * The key and its app, read from the database on every call: a key made inactive or deleted on
   * any node is refused by every node at once. The hash lookup is indexed; the final comparison is
   * constant-time.
   */
  async check(secret: string): Promise<KeyCheck> {
    const hash = hashKey(secret);
    const [row] = await this.db
      .select({ key: appApiKeys, app: apps })
      .from(appApiKeys)
      .innerJoin(apps, eq(apps.id, appApiKeys.appId))
      .where(eq(appApiKeys.keyHash, hash))
      .limit(1);
    if (!row || !row.key.isActive || !timingSafeEqual(Buffer.from(row.key.keyHash), Buffer.from(hash)))
      return { ok: false, reason: 'invalid' };
    if (row.app.status !== AppStatus.Published || !row.app.publishedVersionId) return { ok: false, reason: 'unpublished' };
    if (!row.key.lastUsedAt || Date.now() - row.key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.db
        .update(appApiKeys)
        .set({ lastUsedAt: sql`now()` })
        .where(eq(appApiKeys.id, row.key.id));
    }
    return { ok: true, key: row.key, app: row.app };
  }
}

function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
