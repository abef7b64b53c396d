import type { PGlite, Results } from '@electric-sql/pglite';

/** Statements kept prepared at once; the least recently used is deallocated beyond it. */
const MAX_PREPARED = 100;
/** A statement is prepared the second time its text is seen: one-off statements never are. */
const PREPARE_AT = 2;
/** Texts counted while waiting for a second sighting; the count starts over beyond it. */
const MAX_COUNTED = 2_000;
/** What PREPARE takes; anything else runs as written. */
const PREPARABLE = /^\s*(select|insert|update|delete|with|values)\b/i;
/** prepared statement does not exist: something deallocated it (DEALLOCATE ALL, DISCARD). */
const UNDEFINED_PREPARED_STATEMENT = '26000';

interface Prepared {
  name: string;
  /** Each parameter's type as Postgres inferred it, to serialise values the way PGlite's own query does. */
  types: number[];
}

/**
 * The embedded database's repeated statements, prepared once and executed by name. PGlite answers
 * every parameterised query with parse, describe, bind, describe and execute, each a trip through
 * the WebAssembly boundary, and Postgres parses and plans the text every time: for the chat's writes
 * (CTEs with foreign keys) that is most of their cost. `EXECUTE name('v1', ...)` parses a few
 * literals and reuses the plan.
 * Values are written as the literals PGlite would have sent: serialised by the serialiser of the
 * type Postgres inferred for the parameter, so a statement means the same either way.
 */
export class PreparedStatements {
  readonly #prepared = new Map<string, Prepared>();
  readonly #seen = new Map<string, number>();
  #next = 1;

  constructor(private readonly client: PGlite) {}

  /**
   * Inside a transaction a statement runs as written: a PREPARE or EXECUTE that failed there would
   * abort the transaction with another error than the statement's own.
   */
  async query<T>(sql: string, params: unknown[], rowMode: 'array' | 'object', inTransaction: boolean): Promise<Results<T>> {
    const prepared = params.length > 0 && !inTransaction && PREPARABLE.test(sql) ? await this.#preparedFor(sql) : undefined;
    if (!prepared) return this.client.query<T>(sql, params, { rowMode });
    const values = params.map((value, i) => literal(value, this.client.serializers[prepared.types[i]!]));
    try {
      return await this.client.query<T>(`EXECUTE ${prepared.name} (${values.join(', ')})`, [], { rowMode });
    } catch (err) {
      if ((err as { code?: string }).code !== UNDEFINED_PREPARED_STATEMENT) throw err;
      this.#prepared.delete(sql);
      return this.client.query<T>(sql, params, { rowMode });
    }
  }

  /** The statement's prepared form: at its second sighting it is prepared; undefined before, or if it cannot be. */
  async #preparedFor(sql: string): Promise<Prepared | undefined> {
    const known = this.#prepared.get(sql);
    if (known) {
      // Most recently used last: the map's first entry is the one to deallocate.
      this.#prepared.delete(sql);
      this.#prepared.set(sql, known);
      return known;
    }
    const seen = (this.#seen.get(sql) ?? 0) + 1;
    if (seen < PREPARE_AT) {
      if (this.#seen.size >= MAX_COUNTED) this.#seen.clear();
      this.#seen.set(sql, seen);
      return undefined;
    }
    this.#seen.delete(sql);
    const name = `llmops_${this.#next++}`;
    try {
      await this.client.exec(`PREPARE ${name} AS ${sql}`);
      const { rows } = await this.client.query<{ types: string }>(
        "SELECT array_to_string(parameter_types::oid[], ',') AS types FROM pg_prepared_statements WHERE name = $1",
        [name],
      );
      const prepared = { name, types: (rows[0]?.types ?? '').split(',').filter(Boolean).map(Number) };
      this.#prepared.set(sql, prepared);
      if (this.#prepared.size > MAX_PREPARED) await this.#deallocateOldest();
      return prepared;
    } catch {
      // The statement cannot be prepared (it is malformed, say): run as written, it fails with its own error.
      return undefined;
    }
  }

  async #deallocateOldest(): Promise<void> {
    const [sql, oldest] = this.#prepared.entries().next().value!;
    this.#prepared.delete(sql);
    await this.client.exec(`DEALLOCATE ${oldest.name}`).catch(() => undefined);
  }
}

/** A value as a quoted SQL literal of the text PGlite's query would bind for it. */
function literal(value: unknown, serialize: ((value: unknown) => string) | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  const text = serialize ? serialize(value) : String(value);
  // standard_conforming_strings is on: a quote is the only character to double.
  return `'${text.replaceAll("'", "''")}'`;
}
