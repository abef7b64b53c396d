import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './internal/model/index.ts',
  out: './internal/migration',
});
