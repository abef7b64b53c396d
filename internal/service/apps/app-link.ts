import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { AppStatus } from '../../entity/app-entity.js';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import { apps, type App } from '../../model/app.js';
import { appTag, HotCache } from '../../lib/hot-cache.js';

/** A new public link token (web app, MCP server): 128 random bits, URL-safe. */
export function newLinkToken(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The published app behind a public link (the web app's, the MCP server's), read on every request:
 * cached, and dropped on every node when the app changes (a replaced token, an unpublished app).
 */
export class AppLinks {
  private readonly cache: HotCache<App>;

  constructor(
    private readonly db: Db,
    private readonly column: typeof apps.webAppToken | typeof apps.mcpToken,
    feed: ChangeFeed,
  ) {
    this.cache = new HotCache(feed);
  }

  find(token: string): Promise<App | undefined> {
    return this.cache.get(
      token,
      async () =>
        (
          await this.db
            .select()
            .from(apps)
            .where(and(eq(this.column, token), eq(apps.status, AppStatus.Published)))
            .limit(1)
        )[0],
      (a) => [appTag(a.id)],
    );
  }
}
