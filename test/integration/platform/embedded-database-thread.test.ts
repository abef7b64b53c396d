import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteThread } from '../../../internal/extension/pglite-thread.js';
import { isUniqueViolation } from '../../../internal/lib/pg-error.js';

/** The embedded database in its own thread: one Postgres session shared by every caller, as PGlite's own is. */
describe('embedded database thread', () => {
  let dir: string;
  let db: PgliteThread;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llmops-pglite-thread-'));
    db = await PgliteThread.start({ dataDir: dir, sharedBuffersMb: 16 });
    await db.exec('CREATE TABLE items (id int PRIMARY KEY, label text, at timestamptz DEFAULT now())');
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers queries with rows, fields and parameters', async () => {
    await db.query('INSERT INTO items (id, label) VALUES ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
    const objects = await db.query<{ id: number; label: string }>('SELECT id, label FROM items ORDER BY id');
    expect(objects.rows).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
    const arrays = await db.query('SELECT id, label FROM items WHERE id = $1', [2], { rowMode: 'array' });
    expect(arrays.rows).toEqual([[2, 'two']]);
    expect(arrays.fields.map((f) => f.name)).toEqual(['id', 'label']);
  });

  it("applies a caller's parsers on the caller's side, and PGlite's own otherwise", async () => {
    const own = await db.query<{ at: unknown }>('SELECT at FROM items WHERE id = 1');
    expect(own.rows[0]!.at).toBeInstanceOf(Date);
    const parsed = await db.query<{ at: unknown }>('SELECT at FROM items WHERE id = 1', [], {
      parsers: { 1184: (value: string) => `raw:${value}` },
    });
    expect(parsed.rows[0]!.at).toMatch(/^raw:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    // The set of parsers used for one query does not leak into the next.
    expect((await db.query<{ at: unknown }>('SELECT at FROM items WHERE id = 1')).rows[0]!.at).toBeInstanceOf(Date);
  });

  it("keeps a Postgres error's fields across the thread", async () => {
    const err = await db.query('INSERT INTO items (id, label) VALUES (1, $1)', ['again']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', constraint: 'items_pkey' });
    expect(isUniqueViolation(err)).toBe(true);
  });

  it('runs a statement sent during a transaction after it, not inside it', async () => {
    let inside!: () => void;
    const insideReached = new Promise<void>((resolve) => (inside = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const failing = db.transaction(async (tx) => {
      await tx.query('INSERT INTO items (id, label) VALUES (10, $1)', ['rolled back']);
      inside();
      await released;
      throw new Error('give up');
    });
    await insideReached;
    const outside = db.query('INSERT INTO items (id, label) VALUES (11, $1)', ['kept']);
    release();
    await expect(failing).rejects.toThrow('give up');
    await outside;
    const rows = await db.query<{ id: number }>('SELECT id FROM items WHERE id IN (10, 11) ORDER BY id');
    expect(rows.rows).toEqual([{ id: 11 }]);
  });

  it('runs concurrent transactions one after another', async () => {
    await db.exec('CREATE TABLE counter (n int); INSERT INTO counter VALUES (0)');
    const bump = () =>
      db.transaction(async (tx) => {
        const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter');
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.query('UPDATE counter SET n = $1', [rows[0]!.n + 1]);
      });
    await Promise.all(Array.from({ length: 5 }, bump));
    expect((await db.query<{ n: number }>('SELECT n FROM counter')).rows[0]!.n).toBe(5);
  });

  it('refuses statements once closed, with the reason', async () => {
    const other = await PgliteThread.start({ dataDir: path.join(dir, 'other'), sharedBuffersMb: 16 });
    await other.close();
    await expect(other.query('SELECT 1')).rejects.toThrow(/embedded database stopped/);
  });
});

/** A new embedded database is a copy of a seed (the build's migrated one) rather than a fresh initdb. */
describe('embedded database seed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llmops-pglite-seed-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies the seed into a new folder, leaves the seed as it was, and never seeds an existing database', async () => {
    // Without a seed PGlite runs initdb: this is how a seed is made, and how a server starts without one.
    const seedDir = path.join(dir, 'seed');
    const seedMaker = await PgliteThread.start({ dataDir: seedDir, sharedBuffersMb: 16, seedDir: path.join(dir, 'none') });
    await seedMaker.exec("CREATE TABLE marks (label text); INSERT INTO marks VALUES ('from the seed')");
    await seedMaker.close();

    const fresh = path.join(dir, 'fresh');
    const first = await PgliteThread.start({ dataDir: fresh, sharedBuffersMb: 16, seedDir });
    expect((await first.query<{ label: string }>('SELECT label FROM marks')).rows).toEqual([{ label: 'from the seed' }]);
    await first.exec("INSERT INTO marks VALUES ('written later')");
    await first.close();
    expect(existsSync(`${fresh}.seeding`)).toBe(false);

    // Reopening keeps what was written: the folder holds a database now, so the seed is not copied again.
    const again = await PgliteThread.start({ dataDir: fresh, sharedBuffersMb: 16, seedDir });
    expect((await again.query('SELECT label FROM marks ORDER BY label')).rows).toHaveLength(2);
    await again.close();

    const check = await PgliteThread.start({ dataDir: seedDir, sharedBuffersMb: 16, seedDir: path.join(dir, 'none') });
    expect((await check.query('SELECT label FROM marks')).rows).toEqual([{ label: 'from the seed' }]);
    await check.close();
  }, 60_000);
});

/** The server boots the database before its config is checked (app/http/llmops-app.ts), then takes it over. */
describe('embedded database started early', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'llmops-pglite-early-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is taken over when the folder and settings match, and closed before a new start when they do not', async () => {
    const dataDir = path.join(dir, 'db');
    PgliteThread.prestart({ dataDir, sharedBuffersMb: 16 });
    const early = await PgliteThread.start({ dataDir, sharedBuffersMb: 16 });
    expect((await early.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '16MB' }]);
    await early.exec("CREATE TABLE marks (label text); INSERT INTO marks VALUES ('kept')");
    await early.close();

    // Another setting than the early start's: a new thread on the same folder, once the early one has let go.
    PgliteThread.prestart({ dataDir, sharedBuffersMb: 16 });
    const other = await PgliteThread.start({ dataDir, sharedBuffersMb: 24 });
    expect((await other.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '24MB' }]);
    expect((await other.query('SELECT label FROM marks')).rows).toEqual([{ label: 'kept' }]);
    await other.close();
  }, 60_000);
});
