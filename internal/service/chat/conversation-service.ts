import { thoughtsOf, type ThoughtView } from './agent-thoughts.js';
import { and, asc, desc, eq, gt, lt, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { InvokeFrom, MessageStatus } from '../../entity/conversation-entity.js';
import type { Db } from '../../extension/database.js';
import { NotFoundError } from '../../exception/app-error.js';
import { findInWorkspace } from '../../lib/workspace-scope.js';
import { conversations, messages, type Conversation, type Message } from '../../model/conversation.js';
import type { AppService } from '../apps/app-service.js';
import type { Actor } from '../identity/permissions.js';
import type { ConversationMemory, ConversationWithTurns, RememberedTurn } from './conversation-memory.js';

export type ConversationSort = 'created_at' | '-created_at' | 'updated_at' | '-updated_at';

export type { ConversationWithTurns } from './conversation-memory.js';

/** Where a page of messages ends: a message's time and id. */
export interface MessageKey {
  createdAt: Date;
  id: string;
}

export interface MessageCursor {
  /** Only messages created before this instant (the previous page's last `created_at`). */
  before?: Date | undefined;
  limit: number;
}

/** Conversations and their messages, always scoped to the account that owns them. */
export class ConversationService {
  private readonly debugConversation: ReturnType<typeof prepareDebugConversation>;
  // Built once: both run before the model call of every message that continues a conversation.
  private readonly debugWithTurns: ReturnType<typeof prepareWithTurns>;
  private readonly endUserWithTurns: ReturnType<typeof prepareWithTurns>;

  constructor(
    private readonly db: Db,
    private readonly appService: AppService,
    /** Conversations being chatted in, kept between messages where that is exact (see ConversationMemory). */
    readonly memory: ConversationMemory,
  ) {
    this.debugConversation = prepareDebugConversation(db);
    this.debugWithTurns = prepareWithTurns(
      db,
      'debug_conversation_with_turns',
      and(
        eq(conversations.appId, sql.placeholder('appId')),
        eq(conversations.fromAccountId, sql.placeholder('accountId')),
        eq(conversations.invokeFrom, InvokeFrom.Debugger),
        eq(conversations.isDeleted, false),
      )!,
    );
    this.endUserWithTurns = prepareWithTurns(
      db,
      'end_user_conversation_with_turns',
      this.endUserWhere(
        sql.placeholder('appId'),
        sql.placeholder('endUser'),
        sql.placeholder('conversationId'),
        sql.placeholder('invokeFrom'),
      ),
    );
  }

  /** The member's current debug conversation of an app (each member debugging an app has their own), if one is going. */
  async findDebugConversation(actor: Actor, appId: string): Promise<Conversation | undefined> {
    const [conversation] = await this.debugConversation.execute({ appId, accountId: actor.accountId });
    return conversation;
  }

  /**
   * The author's debug conversation of an app with its last `turns` turns, in one round trip: a
   * debug message reads both before the model call.
   */
  async debugConversationWithTurns(actor: Actor, appId: string, turns: number): Promise<ConversationWithTurns> {
    return this.memory.read(`debug:${actor.accountId}:${appId}`, turns, async () =>
      withTurns(await this.debugWithTurns.execute({ accountId: actor.accountId, appId, turns })),
    );
  }

  /** An end user's live conversation with its last `turns` turns, in one round trip (see debugConversationWithTurns). */
  async endUserConversationWithTurns(
    appId: string,
    endUser: string,
    conversationId: string,
    invokeFrom: InvokeFrom,
    turns: number,
  ): Promise<ConversationWithTurns> {
    return this.memory.read(`end-user:${appId}:${invokeFrom}:${endUser}:${conversationId}`, turns, async () =>
      withTurns(await this.endUserWithTurns.execute({ appId, endUser, conversationId, invokeFrom, turns })),
    );
  }

  /** A live service-API conversation of this app and end user. */
  async findEndUserConversation(
    appId: string,
    endUser: string,
    conversationId: string,
    invokeFrom: InvokeFrom = InvokeFrom.ServiceApi,
  ): Promise<Conversation | undefined> {
    const [conversation] = await this.db
      .select()
      .from(conversations)
      .where(this.endUserWhere(appId, endUser, conversationId, invokeFrom))
      .limit(1);
    return conversation;
  }

  private endUserWhere(
    appId: string | Placeholder,
    endUser: string | Placeholder,
    conversationId: string | Placeholder,
    invokeFrom: InvokeFrom | Placeholder,
  ): SQL {
    return and(
      eq(conversations.id, conversationId),
      eq(conversations.appId, appId),
      eq(conversations.invokeFrom, invokeFrom),
      eq(conversations.endUser, endUser),
      eq(conversations.isDeleted, false),
    )!;
  }

  /**
   * An end user's conversations of one app and source, ordered by `sort`; `lastId` continues after
   * that conversation. Undefined when `lastId` is not one of them.
   */
  async endUserConversations(
    appId: string,
    invokeFrom: InvokeFrom,
    endUser: string,
    page: { lastId?: string | undefined; limit: number; sort: ConversationSort },
  ): Promise<{ list: Conversation[]; hasMore: boolean } | undefined> {
    const column = page.sort.endsWith('created_at') ? conversations.createdAt : conversations.updatedAt;
    const descending = page.sort.startsWith('-');
    const mine = and(
      eq(conversations.appId, appId),
      eq(conversations.invokeFrom, invokeFrom),
      eq(conversations.endUser, endUser),
      eq(conversations.isDeleted, false),
    );
    let after: SQL | undefined;
    if (page.lastId) {
      const [last] = await this.db
        .select({ at: column, id: conversations.id })
        .from(conversations)
        .where(and(mine, eq(conversations.id, page.lastId)))
        .limit(1);
      if (!last) return undefined;
      after = descending
        ? or(lt(column, last.at), and(eq(column, last.at), lt(conversations.id, last.id)))
        : or(gt(column, last.at), and(eq(column, last.at), gt(conversations.id, last.id)));
    }
    const rows = await this.db
      .select()
      .from(conversations)
      .where(and(mine, after))
      .orderBy(descending ? desc(column) : asc(column), descending ? desc(conversations.id) : asc(conversations.id))
      .limit(page.limit + 1);
    return { list: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
  }

  getOwned(workspaceId: string, conversationId: string): Promise<Conversation> {
    return findInWorkspace(
      this.db,
      conversations,
      workspaceId,
      conversationId,
      'conversation not found',
      eq(conversations.isDeleted, false),
    );
  }

  getOwnedMessage(workspaceId: string, messageId: string): Promise<Message> {
    return findInWorkspace(this.db, messages, workspaceId, messageId, 'message not found', eq(messages.isDeleted, false));
  }

  /** Newest first; `hasMore` tells whether an older page exists. */
  async listMessages(workspaceId: string, conversationId: string, cursor: MessageCursor): Promise<MessagePage> {
    await this.getOwned(workspaceId, conversationId);
    return this.pageOfMessages(conversationId, cursor);
  }

  async listDebugMessages(actor: Actor, appId: string, cursor: MessageCursor): Promise<MessagePage> {
    await this.appService.get(actor.workspaceId, appId);
    const conversation = await this.findDebugConversation(actor, appId);
    return conversation ? this.pageOfMessages(conversation.id, cursor) : { list: [], hasMore: false, thoughts: new Map() };
  }

  async deleteConversation(workspaceId: string, conversationId: string): Promise<void> {
    await this.getOwned(workspaceId, conversationId);
    await this.markDeleted(conversationId);
  }

  /** Deletes a conversation (it stays in the table, hidden); whoever may has been checked. */
  async markDeleted(conversationId: string): Promise<void> {
    await this.db.update(conversations).set({ isDeleted: true, updatedAt: new Date() }).where(eq(conversations.id, conversationId));
    this.memory.changed(conversationId);
  }

  /** Ends the debug conversation; the next debug message starts a fresh one. */
  async deleteDebugConversation(actor: Actor, appId: string): Promise<void> {
    await this.appService.get(actor.workspaceId, appId);
    const ended = await this.db
      .update(conversations)
      .set({ isDeleted: true, updatedAt: new Date() })
      .where(
        and(
          eq(conversations.appId, appId),
          eq(conversations.fromAccountId, actor.accountId),
          eq(conversations.invokeFrom, InvokeFrom.Debugger),
          eq(conversations.isDeleted, false),
        ),
      )
      .returning({ id: conversations.id });
    for (const { id } of ended) this.memory.changed(id);
  }

  async deleteMessage(workspaceId: string, conversationId: string, messageId: string): Promise<void> {
    await this.getOwned(workspaceId, conversationId);
    const deleted = await this.db
      .update(messages)
      .set({ isDeleted: true, updatedAt: new Date() })
      .where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId), eq(messages.isDeleted, false)))
      .returning({ id: messages.id });
    this.memory.changed(conversationId);
    if (deleted.length === 0) throw new NotFoundError('message not found');
  }

  async rename(workspaceId: string, conversationId: string, name: string): Promise<Conversation> {
    await this.getOwned(workspaceId, conversationId);
    const [updated] = await this.db
      .update(conversations)
      .set({ name, updatedAt: new Date() })
      .where(eq(conversations.id, conversationId))
      .returning();
    this.memory.patched(conversationId, updated!);
    return updated!;
  }

  async setPinned(workspaceId: string, conversationId: string, isPinned: boolean): Promise<Conversation> {
    await this.getOwned(workspaceId, conversationId);
    const [updated] = await this.db
      .update(conversations)
      .set({ isPinned, updatedAt: new Date() })
      .where(eq(conversations.id, conversationId))
      .returning();
    this.memory.patched(conversationId, updated!);
    return updated!;
  }

  async debugSummary(actor: Actor, appId: string): Promise<string> {
    await this.appService.get(actor.workspaceId, appId);
    return (await this.findDebugConversation(actor, appId))?.summary ?? '';
  }

  /** Sets the long-term memory of the debug conversation by hand (the author corrects it). */
  async updateDebugSummary(actor: Actor, appId: string, summary: string): Promise<string> {
    await this.appService.get(actor.workspaceId, appId);
    const conversation = await this.findDebugConversation(actor, appId);
    if (!conversation) throw new NotFoundError('no debug conversation yet; send a message first');
    const updatedAt = new Date();
    await this.db.update(conversations).set({ summary, updatedAt }).where(eq(conversations.id, conversation.id));
    this.memory.patched(conversation.id, { summary, updatedAt });
    return summary;
  }

  /** Written by background tasks, which act on behalf of the system, not a request. */
  async storeSummary(conversationId: string, summary: string): Promise<void> {
    await this.db.update(conversations).set({ summary }).where(eq(conversations.id, conversationId));
    this.memory.patched(conversationId, { summary });
  }

  async storeName(conversationId: string, name: string): Promise<void> {
    await this.db.update(conversations).set({ name }).where(eq(conversations.id, conversationId));
    // A new conversation's title arrives while its person reads the first answer: the next message still finds it remembered.
    this.memory.patched(conversationId, { name });
  }

  /**
   * Dify's paging of an end user's messages: those before `first` (the previous page's first
   * message), in the order they were said.
   */
  async messagesBefore(conversationId: string, first: MessageKey | undefined, limit: number): Promise<MessagePage> {
    const older = first
      ? or(lt(messages.createdAt, first.createdAt), and(eq(messages.createdAt, first.createdAt), lt(messages.id, first.id)))
      : undefined;
    const { list, next } = await this.newestFirst(conversationId, older, limit);
    return this.withThoughts({ list: list.reverse(), hasMore: next !== undefined });
  }

  /** A page of messages with their agent steps. */
  private async pageOfMessages(conversationId: string, cursor: MessageCursor): Promise<MessagePage> {
    return this.withThoughts(await this.pageRows(conversationId, cursor));
  }

  private async withThoughts(page: { list: Message[]; hasMore: boolean }): Promise<MessagePage> {
    return {
      ...page,
      thoughts: await thoughtsOf(
        this.db,
        page.list.map((m) => m.id),
      ),
    };
  }

  /** Visible messages newest first that match `older`, with the first one past the page (if any). */
  private async newestFirst(
    conversationId: string,
    older: SQL | undefined,
    limit: number,
  ): Promise<{ list: Message[]; next: Message | undefined }> {
    const rows = await this.db
      .select()
      .from(messages)
      .where(and(visibleMessages(conversationId), older))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(limit + 1);
    return { list: rows.slice(0, limit), next: rows[limit] };
  }

  private async pageRows(conversationId: string, cursor: MessageCursor): Promise<{ list: Message[]; hasMore: boolean }> {
    const before = cursor.before ? lt(messages.createdAt, cursor.before) : undefined;
    const { list, next } = await this.newestFirst(conversationId, before, cursor.limit);
    const edge = list.at(-1);
    if (!next || !edge || next.createdAt.getTime() !== edge.createdAt.getTime()) return { list, hasMore: next !== undefined };
    // The cursor is a millisecond: a page must not end inside one, or the next page (before it) would skip the rest.
    const visible = visibleMessages(conversationId);
    const [rest, older] = await Promise.all([
      this.db
        .select()
        .from(messages)
        .where(and(visible, eq(messages.createdAt, edge.createdAt), lt(messages.id, edge.id)))
        .orderBy(desc(messages.id)),
      this.db
        .select({ id: messages.id })
        .from(messages)
        .where(and(visible, lt(messages.createdAt, edge.createdAt)))
        .limit(1),
    ]);
    return { list: [...list, ...rest], hasMore: older.length > 0 };
  }
}

/** A conversation's messages that are not deleted. */
function visibleMessages(conversationId: string): SQL {
  return and(eq(messages.conversationId, conversationId), eq(messages.isDeleted, false))!;
}

/** The chat path's reads, built once. */
function prepareDebugConversation(db: Db) {
  return db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.appId, sql.placeholder('appId')),
        eq(conversations.fromAccountId, sql.placeholder('accountId')),
        eq(conversations.invokeFrom, InvokeFrom.Debugger),
        eq(conversations.isDeleted, false),
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1)
    .prepare('debug_conversation');
}

/** The newest conversation matching `where`, and its last `turns` answered turns oldest first, as one statement. */
function prepareWithTurns(db: Db, name: string, where: SQL) {
  return db
    .select({
      conversation: conversations,
      // Written out by name: in a one-table select drizzle leaves columns unqualified, which inside this subquery would name the messages'.
      turns: sql<RememberedTurn[]>`coalesce((
          SELECT json_agg(json_build_object('id', t.id, 'query', t.query, 'answer', t.answer) ORDER BY t.created_at)
          FROM (SELECT m.id, m.query, m.answer, m.created_at FROM messages m
            WHERE m.conversation_id = conversations.id AND NOT m.is_deleted
              AND m.status IN (${MessageStatus.Normal}, ${MessageStatus.Stop}) AND m.answer <> ''
            ORDER BY m.created_at DESC LIMIT ${sql.placeholder('turns')}) t), '[]'::json)`,
    })
    .from(conversations)
    .where(where)
    .orderBy(desc(conversations.createdAt))
    .limit(1)
    .prepare(name);
}

function withTurns(rows: Array<{ conversation: Conversation; turns: RememberedTurn[] }>): ConversationWithTurns {
  const [row] = rows;
  return row ? { conversation: row.conversation, turns: row.turns } : { conversation: undefined, turns: [] };
}

export interface MessagePage {
  list: Message[];
  hasMore: boolean;
  /** Agent steps by message id (answers without tools have none). */
  thoughts: Map<string, ThoughtView[]>;
}
