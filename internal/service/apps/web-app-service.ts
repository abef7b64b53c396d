import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { InvokeFrom } from '../../entity/conversation-entity.js';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import type { RateLimiter } from '../../extension/rate-limiter.js';
import { FailError, NotFoundError, RateLimitedError } from '../../exception/app-error.js';
import { deriveKey } from '../../lib/crypto.js';
import { apps, type App } from '../../model/app.js';
import type { UploadFile } from '../../model/upload-file.js';
import { UploadKind, uploadKindOf } from '../../entity/upload-file-entity.js';
import { isGraphMode } from '../../entity/workflow-entity.js';
import { takesFiles } from '../workflow/workflow-files.js';
import type { WorkflowService } from '../workflow/workflow-service.js';
import type { AppConfigService } from './app-config-service.js';
import type { UploadFileService } from '../files/upload-file-service.js';
import type { AppService } from './app-service.js';
import type { ConversationService } from '../chat/conversation-service.js';
import { AppLinks, newLinkToken } from './app-link.js';
import { isUuid } from '../../lib/uuid.js';

export interface WebAppSettings {
  secretKey: string;
  rateLimitWebAppVisitorPerMinute: number;
  uploadFileMaxBytes: number;
  uploadImageMaxBytes: number;
}

/** What WebAppService is built from (named, so the composition root reads as a list). */
export interface WebAppServiceDeps {
  db: Db;
  appService: AppService;
  conversationService: ConversationService;
  limiter: RateLimiter;
  appConfig: AppConfigService;
  uploads: UploadFileService;
  settings: WebAppSettings;
  feed: ChangeFeed;
  workflows: WorkflowService;
}

/**
 * The public web app: an app reached by its link token, used by anonymous visitors. A visitor is
 * an id in a cookie signed with a key derived from SECRET_KEY, so it cannot be forged or borrowed.
 */
export class WebAppService {
  private readonly visitorKey: Uint8Array;
  private readonly links: AppLinks;

  private readonly db: Db;
  private readonly appService: AppService;
  private readonly conversationService: ConversationService;
  private readonly limiter: RateLimiter;
  private readonly appConfig: AppConfigService;
  private readonly uploads: UploadFileService;
  private readonly settings: WebAppSettings;
  private readonly workflows: WorkflowService;

  constructor(deps: WebAppServiceDeps) {
    this.db = deps.db;
    this.appService = deps.appService;
    this.conversationService = deps.conversationService;
    this.limiter = deps.limiter;
    this.appConfig = deps.appConfig;
    this.uploads = deps.uploads;
    this.settings = deps.settings;
    this.workflows = deps.workflows;
    const { db, settings, feed } = deps;
    this.visitorKey = deriveKey(settings.secretKey, 'web-app-visitor');
    this.links = new AppLinks(db, apps.webAppToken, feed);
  }

  /** The published app behind a link; a replaced token or an unpublished app is not found (on every node: see AppService.changed). */
  async appByToken(token: string): Promise<App> {
    const app = await this.links.find(token);
    if (!app) throw new NotFoundError('web app not found');
    return app;
  }

  /** A new link: the old one stops working on every node at once (it is looked up on every request). */
  async regenerateToken(workspaceId: string, appId: string): Promise<string> {
    await this.appService.get(workspaceId, appId);
    const token = newLinkToken();
    await this.db.update(apps).set({ webAppToken: token, updatedAt: new Date() }).where(eq(apps.id, appId));
    await this.appService.changed(appId);
    return token;
  }

  /** The visitor of a signed cookie value, or a new one (with the cookie value to set). */
  visitor(cookieValue: string | undefined): { id: string; cookie?: string } {
    const [id, signature] = (cookieValue ?? '').split('.');
    if (id && signature && isUuid(id)) {
      const expected = this.sign(id);
      if (signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return { id };
    }
    const fresh = randomUUID();
    return { id: fresh, cookie: `${fresh}.${this.sign(fresh)}` };
  }

  async checkRate(token: string, visitorId: string): Promise<void> {
    const perMinute = this.settings.rateLimitWebAppVisitorPerMinute;
    const rate = await this.limiter.hit(`web-app:${token}:${visitorId}`, perMinute, 60_000);
    if (!rate.allowed) throw new RateLimitedError(`too many messages: at most ${perMinute} per minute`, rate.retryAfterSeconds);
  }

  /** A visitor's image for a chat message, kept under the app owner's account; only while the app takes uploaded images. */
  /**
   * A file for the visitor's next message or run: an image where a chat app takes uploaded images;
   * for a workflow or chatflow, what its start variables and file_upload may take (images and
   * documents; the run checks each file against its variable).
   */
  async upload(app: App, visitorId: string, file: { filename: string; data: Buffer }): Promise<UploadFile> {
    const kind = uploadKindOf(file.filename);
    if (isGraphMode(app.mode)) {
      const workflow = await this.workflows.published(app);
      if (!workflow || !takesFiles(workflow.graph, workflow.spec.features)) throw new FailError('this app takes no files');
    } else {
      const image = (await this.appConfig.published(app))?.file_upload.image;
      if (!image?.enabled || !image.transfer_methods.includes('local_file')) throw new FailError('this app takes no uploaded images');
      if (kind !== UploadKind.Image) throw new FailError('this app takes images only');
    }
    const limit = kind === UploadKind.Image ? this.settings.uploadImageMaxBytes : this.settings.uploadFileMaxBytes;
    if (file.data.length > limit) throw new FailError(`the file is ${file.data.length} bytes; ${kind}s may be at most ${limit}`);
    return this.uploads.upload(app.workspaceId, {
      kind,
      filename: file.filename,
      data: file.data,
      uploader: { appId: app.id, endUser: visitorId },
    });
  }

  /** The visitor's conversations, newest activity first; `lastId` continues after that one. */
  async conversations(app: App, visitorId: string, lastId: string | undefined, limit: number) {
    const page = await this.conversationService.endUserConversations(app.id, InvokeFrom.WebApp, visitorId, {
      lastId,
      limit,
      sort: '-updated_at',
    });
    if (!page) throw new NotFoundError('conversation not found');
    return page;
  }

  private sign(id: string): string {
    return createHmac('sha256', this.visitorKey).update(id).digest('base64url');
  }
}
