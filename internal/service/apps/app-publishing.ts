import { eq, sql } from 'drizzle-orm';
import { AppStatus } from '../../entity/app-entity.js';
import type { Db } from '../../extension/database.js';
import { apps } from '../../model/app.js';
import { newLinkToken } from './app-link.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Publishing, for chat configs and workflow graphs alike: under a lock on the app's row (two
 * publishes at once get consecutive numbers, not a unique-key failure), the next number after
 * `latest`, the version `write` makes with it, and the app pointed at that version; the first
 * publish gives the app its public link, later ones keep it.
 */
export async function publishNext<V extends { id: string }>(
  db: Db,
  appId: string,
  latest: (tx: Tx) => Promise<number>,
  write: (tx: Tx, version: number) => Promise<V>,
): Promise<V> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT id FROM apps WHERE id = ${appId} FOR UPDATE`);
    const version = await write(tx, (await latest(tx)) + 1);
    await tx
      .update(apps)
      .set({
        status: AppStatus.Published,
        publishedVersionId: version.id,
        webAppToken: sql`coalesce(${apps.webAppToken}, ${newLinkToken()})`,
        updatedAt: new Date(),
      })
      .where(eq(apps.id, appId));
    return version;
  });
}
