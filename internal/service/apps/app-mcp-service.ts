import { eq } from 'drizzle-orm';
import { inputFields } from '../../core/prompts/input-variables.js';
import type { AppConfig } from '../../entity/app-config-entity.js';
import { InvokeFrom } from '../../entity/conversation-entity.js';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Db } from '../../extension/database.js';
import type { RateLimiter } from '../../extension/rate-limiter.js';
import { AppError, NotFoundError, RateLimitedError } from '../../exception/app-error.js';
import { apps, type App } from '../../model/app.js';
import type { AppService } from './app-service.js';
import type { ChatService } from '../chat/chat-service.js';
import { AppLinks, newLinkToken } from './app-link.js';
import type { PublishedAppService } from './published-app-service.js';

/** The one tool a published app offers MCP clients: ask it a question (with its form's inputs beside). */
export interface AppMcpTool {
  name: string;
  description: string;
  inputSchema: { type: 'object'; properties: Record<string, object>; required: string[] };
}

export interface AppMcpSettings {
  /** Calls one app's MCP link may make per minute, like an app key's. */
  perMinute: number;
}

/** The end user MCP calls are recorded under, in logs and analytics. */
export const MCP_END_USER = 'mcp-client';

/** What AppMcpService is built from (named, so the composition root reads as a list). */
export interface AppMcpServiceDeps {
  db: Db;
  appService: AppService;
  publishedApp: PublishedAppService;
  chat: ChatService;
  limiter: RateLimiter;
  settings: AppMcpSettings;
  feed: ChangeFeed;
}

/**
 * Published apps as MCP servers: a link token per app turns it on (null is off), and each call of
 * its tool is one blocking message of a new conversation, answered with the published config.
 */
export class AppMcpService {
  private readonly links: AppLinks;

  private readonly db: Db;
  private readonly appService: AppService;
  private readonly publishedApp: PublishedAppService;
  private readonly chat: ChatService;
  private readonly limiter: RateLimiter;
  private readonly settings: AppMcpSettings;

  constructor(deps: AppMcpServiceDeps) {
    this.db = deps.db;
    this.appService = deps.appService;
    this.publishedApp = deps.publishedApp;
    this.chat = deps.chat;
    this.limiter = deps.limiter;
    this.settings = deps.settings;
    const { db, feed } = deps;
    this.links = new AppLinks(db, apps.mcpToken, feed);
  }

  /** On keeps the token it has (or makes one); off forgets it, so turning on again gives a new link. */
  async setEnabled(workspaceId: string, appId: string, enabled: boolean): Promise<App> {
    const app = await this.appService.get(workspaceId, appId);
    if (enabled === (app.mcpToken !== null)) return app;
    return this.setToken(app.id, enabled ? newLinkToken() : null);
  }

  /** A new link: the old one stops working on every node at once. */
  async regenerateToken(workspaceId: string, appId: string): Promise<App> {
    const app = await this.appService.get(workspaceId, appId);
    if (app.mcpToken === null) throw new NotFoundError('this app is not offered as an MCP server: turn it on first');
    return this.setToken(app.id, newLinkToken());
  }

  /** The published app behind an MCP link; a replaced or removed token, or an unpublished app, is not found. */
  async appByToken(token: string): Promise<App> {
    const app = await this.links.find(token);
    if (!app) throw new NotFoundError('MCP server not found');
    return app;
  }

  async checkRate(app: App): Promise<void> {
    const { perMinute } = this.settings;
    const rate = await this.limiter.hit(`app-mcp:${app.id}`, perMinute, 60_000);
    if (!rate.allowed) throw new RateLimitedError(`too many calls: at most ${perMinute} per minute`, rate.retryAfterSeconds);
  }

  async tool(app: App): Promise<AppMcpTool> {
    return appTool(app, await this.publishedApp.publishedConfig(app));
  }

  /**
   * The answer to one call. What the caller got wrong (a required input missing, a model error) is a
   * tool error the calling model reads, not a protocol error.
   */
  async ask(app: App, args: Record<string, unknown>, signal: AbortSignal): Promise<{ text: string; isError: boolean }> {
    const { query, ...inputs } = args;
    if (typeof query !== 'string' || query.trim() === '') return { text: 'the argument "query" is required', isError: true };
    try {
      const run = await this.chat.serviceChat(app, { query, user: MCP_END_USER, inputs, autoGenerateName: false }, signal, InvokeFrom.Mcp);
      let answer = '';
      for await (const event of run.events) {
        if (event.event === 'message' || event.event === 'agent_message') answer += event.answer;
        else if (event.event === 'error') return { text: event.message, isError: true };
      }
      return { text: answer, isError: false };
    } catch (err) {
      if (err instanceof AppError) return { text: err.message, isError: true };
      throw err;
    }
  }

  private async setToken(appId: string, token: string | null): Promise<App> {
    const [app] = await this.db.update(apps).set({ mcpToken: token, updatedAt: new Date() }).where(eq(apps.id, appId)).returning();
    await this.appService.changed(appId);
    return app!;
  }
}

/** The app's name as a tool name MCP clients accept (letters, digits, `_` and `-`, at most 64). */
function toolName(app: App): string {
  const slug = app.name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return `ask_${slug || 'app'}`.slice(0, 64);
}

function appTool(app: App, config: AppConfig): AppMcpTool {
  const properties: Record<string, object> = { query: { type: 'string', description: 'The question or request for the app.' } };
  const required = ['query'];
  for (const field of inputFields(config.user_input_form)) {
    if (field.variable === 'query') continue;
    properties[field.variable] =
      field.type === 'number'
        ? { type: 'number', description: field.label }
        : field.type === 'select'
          ? { type: 'string', enum: field.options ?? [], description: field.label }
          : { type: 'string', description: field.label, ...(field.max_length ? { maxLength: field.max_length } : {}) };
    if (field.required) required.push(field.variable);
  }
  const about = app.description.trim() || `Ask ${app.name}, an assistant built on LLMOps.`;
  return { name: toolName(app), description: about, inputSchema: { type: 'object', properties, required } };
}
