import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteThread } from '../../../internal/extension/pglite-thread.js';

/**
 * The embedded database prepares a statement the second time its text comes (pglite-prepared.ts):
 * what it returns, stores and fails with must not change from the first, unprepared, run.
 */
describe('embedded database: repeated statements run prepared', () => {
  let dir: string;
  let db: PgliteThread;
  const prepared = async () =>
    (await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements ORDER BY prepare_time')).rows.map(
      (r) => r.statement,
    );

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llmops-pglite-prepared-'));
    db = await PgliteThread.start({ dataDir: dir, sharedBuffersMb: 16 });
    await db.exec(`CREATE TABLE things (
      id uuid PRIMARY KEY, label text NOT NULL, meta jsonb, n integer, price double precision, ok boolean,
      at timestamptz, raw bytea, tags text[])`);
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const insert = `INSERT INTO things (id, label, meta, n, price, ok, at, raw, tags)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING label, meta, n, price, ok, at, raw, tags`;
  const at = new Date('2026-11-28T12:34:56.789Z');
  const values = (id: string, label: string) => [
    id,
    label,
    { quote: "it's", nested: [1, 'two'], back: 'a\\b' },
    42,
    0.125,
    true,
    at,
    new Uint8Array([0, 39, 255]),
    ['x', "y'z"],
  ];

  it('returns and stores the same values prepared as unprepared, quotes and all', async () => {
    const first = await db.query(insert, values('00000000-0000-0000-0000-000000000001', "O'Brien"));
    expect(await prepared()).not.toContainEqual(expect.stringContaining('INSERT INTO things'));
    const second = await db.query(insert, values('00000000-0000-0000-0000-000000000002', "O'Brien"));
    expect(await prepared()).toContainEqual(expect.stringContaining('INSERT INTO things'));
    expect(second.rows).toEqual(first.rows);
    expect(second.rows[0]).toMatchObject({ label: "O'Brien", n: 42, price: 0.125, ok: true, at, tags: ['x', "y'z"] });
    expect(second.affectedRows).toBe(1);
    const stored = await db.query('SELECT meta, raw FROM things ORDER BY id');
    expect(stored.rows[1]).toEqual(stored.rows[0]);
    expect(stored.rows[0]).toMatchObject({ meta: { quote: "it's", nested: [1, 'two'], back: 'a\\b' } });
  });

  it('keeps nulls and rows in array mode', async () => {
    const select = 'SELECT label, n FROM things WHERE id = $1 OR n = $2 ORDER BY id';
    for (let i = 0; i < 3; i++) {
      const result = await db.query(select, ['00000000-0000-0000-0000-000000000001', null], { rowMode: 'array' });
      expect(result.rows).toEqual([["O'Brien", 42]]);
    }
  });

  it('fails with the statement’s own error, prepared or not', async () => {
    const again = () => db.query(insert, values('00000000-0000-0000-0000-000000000001', 'dup')).catch((e: unknown) => e);
    expect(await again()).toMatchObject({ code: '23505', constraint: 'things_pkey' });
    expect(await again()).toMatchObject({ code: '23505', constraint: 'things_pkey' });
    // A malformed statement is never prepared: it fails as written, each time.
    for (let i = 0; i < 2; i++) {
      expect(await db.query('SELECT nope FROM things WHERE id = $1', ['x']).catch((e: unknown) => e)).toMatchObject({ code: '42703' });
    }
  });

  it('runs statements inside a transaction as written, and a rolled back one leaves nothing', async () => {
    const before = (await prepared()).length;
    const update = 'UPDATE things SET n = $1 WHERE id = $2';
    const failed = db.transaction(async (tx) => {
      await tx.query(update, [7, '00000000-0000-0000-0000-000000000001']);
      await tx.query(update, [8, '00000000-0000-0000-0000-000000000001']);
      throw new Error('roll back');
    });
    await expect(failed).rejects.toThrow('roll back');
    expect((await prepared()).length).toBe(before);
    expect((await db.query('SELECT n FROM things WHERE id = $1', ['00000000-0000-0000-0000-000000000001'])).rows).toEqual([{ n: 42 }]);
  });

  it('prepares again after something deallocated every statement', async () => {
    const count = 'SELECT count(*)::int AS c FROM things WHERE n = $1';
    await db.query(count, [42]);
    await db.query(count, [42]);
    await db.exec('DEALLOCATE ALL');
    expect((await db.query(count, [42])).rows).toEqual([{ c: 2 }]);
    expect((await db.query(count, [42])).rows).toEqual([{ c: 2 }]);
    expect((await db.query(count, [42])).rows).toEqual([{ c: 2 }]);
    expect(await prepared()).toContainEqual(expect.stringContaining('SELECT count(*)'));
  });
});
