import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generateApiTypes } from '../../../scripts/openapi-types.js';

describe("the console's API types", () => {
  it('match the OpenAPI document the server makes now (run `npm run api:types` after changing a route)', async () => {
    const committed = await readFile(new URL('../../../web/src/api/schema.d.ts', import.meta.url), 'utf8');
    const fresh = await generateApiTypes();
    expect(committed === fresh, 'web/src/api/schema.d.ts is out of date: run `npm run api:types`').toBe(true);
  });
});
