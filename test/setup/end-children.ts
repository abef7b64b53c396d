import { afterAll } from 'vitest';
import { endChildren, killChildrenNow } from '../helpers/child-processes.js';

// Runs after every test file (setupFiles): processes a failed or timed-out test left are ended here.
afterAll(async () => {
  const ended = await endChildren();
  if (ended > 0) process.stderr.write(`ended ${ended} process(es) the test file left running\n`);
});
process.on('exit', killChildrenNow);
