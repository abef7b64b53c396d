import type { Database } from '../../extension/database.js';
import { ServiceUnavailableError } from '../../exception/app-error.js';

export class HealthService {
  constructor(private readonly database: Database) {}

  async check(): Promise<{ database: string; vector: boolean }> {
    try {
      await this.database.ping();
    } catch {
      throw new ServiceUnavailableError('database is not answering');
    }
    return { database: this.database.kind, vector: this.database.vectorAvailable };
  }
}
