import { ensureSecretKey, loadConfig } from '../../config/config.js';
import { openDatabase } from '../extension/database.js';
import { createLogger } from '../extension/logger.js';

/** `npm run db:migrate`: applies pending migrations to the configured database and exits. */
const config = ensureSecretKey(loadConfig());
const logger = createLogger(config.logLevel);
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  storageDir: config.storageDir,
  poolSize: 1,
  logger,
  migrate: true,
});
await database.close();
logger.info('migrations applied');
