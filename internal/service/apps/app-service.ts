import type { AppConfig } from '../../entity/app-config-entity.js';
import type { AppModeName } from '../../entity/workflow-entity.js';
import { and, count, desc, eq, ilike, sql } from 'drizzle-orm';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import { NotFoundError } from '../../exception/app-error.js';
import { APP_DEFAULT_ICON, APP_NAME_MAX_LENGTH, AppStatus } from '../../entity/app-entity.js';
import { containsPattern } from '../../lib/pg-error.js';
import { apps, type App } from '../../model/app.js';
import { pageOffset, type PageRequest } from '../../../pkg/paginator/paginator.js';
import { appTag, HotCache } from '../../lib/hot-cache.js';
import { allows, Permission, type Actor } from '../identity/permissions.js';
import { inWorkspace } from '../../lib/workspace-scope.js';

export interface AppInput {
  name: string;
  icon?: string | undefined;
  description?: string | undefined;
  /** A configuration to start from (an imported DSL file); the defaults otherwise. */
  draftConfig?: Partial<AppConfig> | undefined;
  /** Fixed at creation; chat when absent. */
  mode?: AppModeName | undefined;
}

const COPY_SUFFIX = ' (copy)';

/** Apps belong to one workspace; every lookup is scoped to it, so another workspace's app is simply not found. */
export class AppService {
  private readonly appById: ReturnType<typeof prepareAppById>;
  private readonly cache: HotCache<App>;

  constructor(
    private readonly db: Db,
    private readonly feed: ChangeFeed,
  ) {
    this.appById = prepareAppById(db);
    this.cache = new HotCache(feed);
  }

  /**
   * Every write to an app's row (settings, draft, publishing, web-app link, keys) ends here, so the
   * caches of every node drop what they hold of it before the next request.
   */
  async changed(appId: string): Promise<void> {
    await this.feed.publish(appTag(appId));
  }

  async create(actor: Actor, input: AppInput): Promise<App> {
    const [app] = await this.db
      .insert(apps)
      .values({
        workspaceId: actor.workspaceId,
        createdBy: actor.accountId,
        name: input.name,
        icon: input.icon ?? APP_DEFAULT_ICON,
        description: input.description ?? '',
        mode: input.mode ?? 'chat',
        ...(input.draftConfig ? { draftConfig: input.draftConfig } : {}),
      })
      .returning();
    return app!;
  }

  /** Read on every debug message and console request, so kept in the hot cache; shared, so never to be mutated. */
  async get(workspaceId: string, appId: string): Promise<App> {
    const app = await this.cache.get(
      appId,
      async () => (await this.appById.execute({ appId }))[0],
      (a) => [appTag(a.id)],
    );
    if (!app || app.workspaceId !== workspaceId) throw new NotFoundError('app not found');
    return app;
  }

  async update(workspaceId: string, appId: string, input: Partial<AppInput>): Promise<App> {
    const [app] = await this.db
      .update(apps)
      .set({ ...definedOnly(input), updatedAt: new Date() })
      .where(inWorkspace(apps, workspaceId, appId))
      .returning();
    if (!app) throw new NotFoundError('app not found');
    await this.changed(appId);
    return app;
  }

  async delete(workspaceId: string, appId: string): Promise<void> {
    const deleted = await this.db
      .delete(apps)
      .where(inWorkspace(apps, workspaceId, appId))
      .returning({ id: apps.id });
    if (deleted.length === 0) throw new NotFoundError('app not found');
    await this.changed(appId);
  }

  /** A new draft app with the same settings and draft configuration; the name gets a suffix that still fits. */
  async copy(actor: Actor, appId: string): Promise<App> {
    const source = await this.get(actor.workspaceId, appId);
    const name = source.name.slice(0, APP_NAME_MAX_LENGTH - COPY_SUFFIX.length) + COPY_SUFFIX;
    const [app] = await this.db
      .insert(apps)
      .values({
        workspaceId: actor.workspaceId,
        createdBy: actor.accountId,
        name,
        icon: source.icon,
        description: source.description,
        mode: source.mode,
        draftConfig: source.draftConfig,
      })
      .returning();
    return app!;
  }

  /** What the member may see of an app: those who cannot build see published apps only, as if the drafts were not there. */
  async getVisible(actor: Actor, appId: string): Promise<App> {
    const app = await this.get(actor.workspaceId, appId);
    if (!allows(actor.role, Permission.AppsBuild) && app.status !== AppStatus.Published) throw new NotFoundError('app not found');
    return app;
  }

  async list(actor: Actor, request: PageRequest & { searchWord?: string | undefined }): Promise<{ list: App[]; total: number }> {
    const where = and(
      eq(apps.workspaceId, actor.workspaceId),
      allows(actor.role, Permission.AppsBuild) ? undefined : eq(apps.status, AppStatus.Published),
      request.searchWord ? ilike(apps.name, containsPattern(request.searchWord)) : undefined,
    );
    const { limit, offset } = pageOffset(request);
    // The total rides along with the page (one round trip); only a page past the end needs its own count.
    const rows = await this.db
      .select({ app: apps, total: sql<number>`count(*) over ()`.mapWith(Number) })
      .from(apps)
      .where(where)
      .orderBy(desc(apps.createdAt), desc(apps.id))
      .limit(limit)
      .offset(offset);
    if (rows.length > 0) return { list: rows.map((r) => r.app), total: rows[0]!.total };
    if (offset === 0) return { list: [], total: 0 };
    const [total] = await this.db.select({ value: count() }).from(apps).where(where);
    return { list: [], total: total?.value ?? 0 };
  }
}

function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every app route and every chat loads the app this way. */
function prepareAppById(db: Db) {
  return db
    .select()
    .from(apps)
    .where(eq(apps.id, sql.placeholder('appId')))
    .limit(1)
    .prepare('app_by_id');
}
