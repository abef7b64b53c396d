import { FakeOpenAiServer } from '../test/fixtures/fake-openai-server.js';

/** The fake OpenAI-compatible upstream in its own process, so it does not share an event loop with the bench client. */
const upstream = await new FakeOpenAiServer().start();
// Recording every request would grow without bound over a long run.
upstream.requests.push = () => 0;
process.stdout.write(`${upstream.baseUrl}\n`);
process.on('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
