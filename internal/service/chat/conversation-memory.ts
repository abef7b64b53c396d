import type { DialogTurn } from '../../core/memory/prompt-builder.js';
import { MessageStatus } from '../../entity/conversation-entity.js';
import type { ChangeFeed } from '../../extension/change-feed.js';
import type { Conversation } from '../../model/conversation.js';
import { conversationTag, HotCache } from '../../lib/hot-cache.js';

export type RememberedTurn = DialogTurn & { id: string };

/** Tells the conversation's memory of the turn an answer stored (undefined: none was). */
export type TurnStored = (turn: RememberedTurn | undefined, status: MessageStatus) => void;

export interface ConversationWithTurns {
  conversation: Conversation | undefined;
  /** Oldest first. */
  turns: readonly RememberedTurn[];
}

interface Entry {
  conversation: Conversation;
  turns: readonly RememberedTurn[];
  /** How many turns this entry keeps (the app's dialog_round when it was read). */
  limit: number;
}

/** Conversations being chatted in at once that one node keeps in memory; an entry holds a few turns. */
const MAX_CONVERSATIONS = 2_000;
/**
 * How long a conversation nobody writes in stays remembered. This memory exists only where the
 * process sees every change, so the hot caches' bound on staleness has nothing to bound here; with
 * it, a person who reads an answer for longer than that bound before asking again would miss every time.
 */
const IDLE_CONVERSATION_MS = 15 * 60_000;

/**
 * The conversation a message continues and its remembered turns, kept between the messages of a
 * chat so the next one reaches the model without reading them again. Only where this process sees
 * every write (one node: the embedded default, or PostgreSQL without Redis): the turn an answer adds
 * is appended here when its row is stored, before the client hears the answer ended, and any other
 * change to a conversation drops it. With several nodes the next message may land on a node that
 * has not heard of the last turn yet, so there every message reads them from the database.
 */
export class ConversationMemory {
  private readonly cache: HotCache<Entry> | undefined;
  /** Answers streaming here per conversation: a turn is appended only when it is the one newest answer. */
  private readonly inFlight = new Map<string, number>();

  constructor(feed: ChangeFeed, exact: boolean) {
    this.cache = exact ? new HotCache<Entry>(feed, MAX_CONVERSATIONS, IDLE_CONVERSATION_MS, false) : undefined;
  }

  async read(key: string, limit: number, load: () => Promise<ConversationWithTurns>): Promise<ConversationWithTurns> {
    if (!this.cache) return load();
    const entry = await this.cache.get(
      `${key}:${limit}`,
      async () => {
        const { conversation, turns } = await load();
        return conversation ? { conversation, turns: Object.freeze(turns.map((t) => Object.freeze(t))), limit } : undefined;
      },
      (e) => [conversationTag(e.conversation.id)],
    );
    return entry ? { conversation: entry.conversation, turns: entry.turns } : { conversation: undefined, turns: [] };
  }

  /**
   * An answer's events, with this memory kept in step: told the answer started when it does, then
   * of the turn it stored, or, if it ends any other way, that it added none.
   */
  async *follow<E>(conversationId: string, answer: (turn: TurnStored) => AsyncGenerator<E>): AsyncGenerator<E> {
    this.started(conversationId);
    let told = false;
    const turn: TurnStored = (stored, status) => {
      if (told) return;
      told = true;
      this.answered(conversationId, stored, status);
    };
    try {
      yield* answer(turn);
    } finally {
      turn(undefined, MessageStatus.Error);
    }
  }

  /** An answer in this conversation starts; pair with `answered`. */
  started(conversationId: string): void {
    this.inFlight.set(conversationId, (this.inFlight.get(conversationId) ?? 0) + 1);
  }

  /**
   * The answer's row is stored (or could not be: `turn` undefined). A turn memory keeps (a whole or
   * stopped answer with text) is appended when no other answer of the conversation is under way,
   * since then it is the newest; otherwise the conversation is read again next time.
   */
  answered(conversationId: string, turn: RememberedTurn | undefined, status: MessageStatus): void {
    const others = (this.inFlight.get(conversationId) ?? 1) - 1;
    if (others > 0) this.inFlight.set(conversationId, others);
    else this.inFlight.delete(conversationId);
    if (!this.cache || !turn) return;
    if (!(status === MessageStatus.Normal || status === MessageStatus.Stop) || turn.answer === '') return;
    if (others > 0) {
      this.cache.invalidate(conversationTag(conversationId));
      return;
    }
    const frozen = Object.freeze({ ...turn });
    this.cache.update(conversationTag(conversationId), (e) => ({
      ...e,
      turns: e.limit > 0 ? Object.freeze([...e.turns, frozen].slice(-e.limit)) : e.turns,
    }));
  }

  /** Fields of the conversation row changed to values this node knows (a name, a summary): kept, not read again. */
  patched(conversationId: string, fields: Partial<Conversation>): void {
    this.cache?.update(conversationTag(conversationId), (e) => ({ ...e, conversation: { ...e.conversation, ...fields } }));
  }

  /** The conversation or its messages changed some other way: read it again next time. */
  changed(conversationId: string): void {
    this.cache?.invalidate(conversationTag(conversationId));
  }
}
