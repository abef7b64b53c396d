import { describe, expect, it } from 'vitest';
import { MessageStatus } from '../../../../internal/entity/conversation-entity.js';
import { LocalChangeFeed } from '../../../../internal/extension/change-feed.js';
import type { Conversation } from '../../../../internal/model/conversation.js';
import { ConversationMemory, type ConversationWithTurns } from '../../../../internal/service/chat/conversation-memory.js';

const conversation = { id: 'c1', summary: '' } as Conversation;
const turn = (n: number) => ({ id: `m${n}`, query: `q${n}`, answer: `a${n}` });

/** A database stand-in that counts reads: what ConversationMemory saves is reads. */
function source(turns: Array<ReturnType<typeof turn>>) {
  const state = { reads: 0, turns };
  const load = async (): Promise<ConversationWithTurns> => {
    state.reads++;
    return { conversation, turns: state.turns.slice(-2) };
  };
  return { state, load };
}

describe('ConversationMemory', () => {
  it('serves the next message from memory, with the turn the last answer stored', async () => {
    const memory = new ConversationMemory(new LocalChangeFeed(), true);
    const db = source([turn(1), turn(2)]);
    expect((await memory.read('k', 2, db.load)).turns.map((t) => t.id)).toEqual(['m1', 'm2']);

    memory.started('c1');
    memory.answered('c1', turn(3), MessageStatus.Normal);
    expect((await memory.read('k', 2, db.load)).turns.map((t) => t.id)).toEqual(['m2', 'm3']);
    expect(db.state.reads).toBe(1);

    // An answer that failed, or stored nothing, adds no turn.
    memory.started('c1');
    memory.answered('c1', turn(4), MessageStatus.Error);
    memory.started('c1');
    memory.answered('c1', undefined, MessageStatus.Normal);
    expect((await memory.read('k', 2, db.load)).turns.map((t) => t.id)).toEqual(['m2', 'm3']);
    expect(db.state.reads).toBe(1);
  });

  it('reads again after two answers overlapped, or after any other change', async () => {
    const memory = new ConversationMemory(new LocalChangeFeed(), true);
    const db = source([turn(1)]);
    await memory.read('k', 2, db.load);
    memory.started('c1');
    memory.started('c1');
    memory.answered('c1', turn(2), MessageStatus.Normal); // the other one may be newer
    await memory.read('k', 2, db.load);
    expect(db.state.reads).toBe(2);
    memory.answered('c1', turn(3), MessageStatus.Stop); // now the only one: appended
    await memory.read('k', 2, db.load);
    expect(db.state.reads).toBe(2);

    memory.changed('c1'); // a deleted message
    await memory.read('k', 2, db.load);
    expect(db.state.reads).toBe(3);
  });

  it('keeps a conversation whose name or summary this node wrote, with the new values', async () => {
    const memory = new ConversationMemory(new LocalChangeFeed(), true);
    const db = source([turn(1)]);
    await memory.read('k', 2, db.load);
    memory.patched('c1', { name: 'Trip to Lisbon' }); // the title made after the first answer
    memory.patched('c1', { summary: 'They plan a trip.' });
    const next = await memory.read('k', 2, db.load);
    expect(db.state.reads).toBe(1);
    expect(next.conversation).toMatchObject({ id: 'c1', name: 'Trip to Lisbon', summary: 'They plan a trip.' });
    expect(next.turns.map((t) => t.id)).toEqual(['m1']);
    expect(conversation.name).toBeUndefined(); // the row read earlier is not changed under its holders
  });

  it('keeps nothing when it cannot see every write (several nodes)', async () => {
    const memory = new ConversationMemory(new LocalChangeFeed(), false);
    const db = source([turn(1)]);
    await memory.read('k', 2, db.load);
    await memory.read('k', 2, db.load);
    expect(db.state.reads).toBe(2);
  });

  it('hands out turns nobody can change by accident', async () => {
    const memory = new ConversationMemory(new LocalChangeFeed(), true);
    const { turns } = await memory.read('k', 2, source([turn(1)]).load);
    expect(Object.isFrozen(turns)).toBe(true);
    expect(Object.isFrozen(turns[0])).toBe(true);
  });
});
