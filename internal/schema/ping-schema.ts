import { z } from 'zod';
import { envelope } from './common-schema.js';

export const pingResponse = envelope(
  z.object({ status: z.literal('ok'), database: z.string(), vector: z.boolean().describe('pgvector available') }),
);
