import { sql } from 'drizzle-orm';
import type { Db } from '../../extension/database.js';
import { TickBatcher } from '../../lib/tick-batcher.js';
import type { FinishedNode } from './workflow-events.js';

/** One history row of a finished node, keyed by its column names. */
type NodeRow = Record<(typeof COLUMNS)[number][0], unknown>;

const COLUMNS = [
  ['id', 'uuid'],
  ['workflow_run_id', 'uuid'],
  ['index', 'integer'],
  ['node_id', 'varchar'],
  ['node_type', 'varchar'],
  ['title', 'varchar'],
  ['predecessor_node_id', 'varchar'],
  ['status', 'varchar'],
  ['inputs', 'jsonb'],
  ['process_data', 'jsonb'],
  ['outputs', 'jsonb'],
  ['error', 'text'],
  ['elapsed_time', 'double precision'],
  ['total_tokens', 'integer'],
  ['total_price', 'double precision'],
  ['retries', 'integer'],
  ['iteration_id', 'varchar'],
  ['loop_id', 'varchar'],
  ['container_round', 'integer'],
  ['created_at', 'timestamptz'],
  ['finished_at', 'timestamptz'],
] as const;

/**
 * The rows of nodes that finished in the same tick (of every run on this process) go in one
 * statement whose text never changes: the rows travel as one JSON parameter that Postgres unpacks.
 * A multi-row VALUES insert would carry a parameter per column and row, and assembling, sending and
 * planning those costs more than the database's writing of them.
 */
export class NodeRows {
  readonly #statement: string;
  readonly #batcher: TickBatcher<NodeRow, undefined>;

  constructor(db: Db) {
    const names = COLUMNS.map(([name]) => `"${name}"`).join(', ');
    const types = COLUMNS.map(([name, type]) => `"${name}" ${type}`).join(', ');
    this.#statement = `INSERT INTO workflow_node_executions (${names}) SELECT ${names} FROM jsonb_to_recordset(`;
    const tail = `::jsonb) AS r(${types})`;
    this.#batcher = new TickBatcher(async (rows) => {
      await db.execute(sql.join([sql.raw(this.#statement), sql`${JSON.stringify(rows)}`, sql.raw(tail)]));
      return rows.map(() => undefined);
    });
  }

  save(runId: string, { data, startedAt, retries, price }: FinishedNode): Promise<undefined> {
    return this.#batcher.add({
      id: data.id,
      workflow_run_id: runId,
      index: data.index,
      node_id: data.node_id,
      node_type: data.node_type,
      title: data.title.slice(0, 255),
      predecessor_node_id: data.predecessor_node_id,
      status: data.status,
      inputs: data.inputs ?? {},
      process_data: data.process_data,
      outputs: data.outputs ?? {},
      error: data.error ?? '',
      elapsed_time: data.elapsed_time,
      total_tokens: data.execution_metadata?.total_tokens ?? 0,
      total_price: price,
      retries,
      iteration_id: data.iteration_id,
      loop_id: data.loop_id,
      container_round: data.execution_metadata?.iteration_index ?? data.execution_metadata?.loop_index ?? null,
      created_at: new Date(startedAt).toISOString(),
      finished_at: new Date(startedAt + data.elapsed_time * 1000).toISOString(),
    });
  }
}
