import type { FastifyReply } from 'fastify';
import { REQUEST_ID_HEADER } from '../../middleware/request-id.js';
import type { appMcpBody, appMcpParams } from '../../schema/app-mcp-schema.js';
import type { AppMcpService } from '../../service/apps/app-mcp-service.js';
import type { Validated } from '../request-types.js';
import { disconnectSignal } from '../sse-response.js';

function importServer() {
  return Promise.all([
    import('@modelcontextprotocol/sdk/server/index.js'),
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]).then(([server, transport, types]) => ({ ...server, ...transport, ...types }));
}
let serverSdk: ReturnType<typeof importServer> | undefined;

/** Loaded by the first MCP request, not at start-up. */
function loadServer() {
  return (serverSdk ??= importServer());
}

/**
 * A published app as an MCP server (Streamable HTTP, stateless: every POST stands alone, so any node
 * can answer it).
 */
export class McpHandler {
  constructor(
    private readonly mcp: AppMcpService,
    private readonly version: string,
  ) {}

  /** One JSON-RPC exchange; the SDK speaks the protocol (initialize, tools/list, tools/call, errors). */
  post = async (req: Validated<{ params: typeof appMcpParams; body: typeof appMcpBody }>, reply: FastifyReply) => {
    const app = await this.mcp.appByToken(req.params.token);
    await this.mcp.checkRate(app);
    const tool = await this.mcp.tool(app);
    const { Server, StreamableHTTPServerTransport, CallToolRequestSchema, ListToolsRequestSchema } = await loadServer();
    const gone = disconnectSignal(reply);
    const server = new Server({ name: tool.name, version: this.version }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [tool] }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      if (request.params.name !== tool.name) {
        return { content: [{ type: 'text', text: `unknown tool ${request.params.name}: this server has ${tool.name}` }], isError: true };
      }
      const result = await this.mcp.ask(app, request.params.arguments ?? {}, AbortSignal.any([extra.signal, gone]));
      return { content: [{ type: 'text', text: result.text }], isError: result.isError };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on('close', () => void server.close());
    await server.connect(transport);
    // Headers hooks set (CORS, for browser-based MCP clients) travel along; Fastify's own sending is skipped once hijacked.
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
    reply.hijack();
    reply.raw.setHeader(REQUEST_ID_HEADER, req.id);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  };

  /** Stateless: no stream to open and no session to end. MCP clients read 405 as "POST only". */
  notAllowed = async (_req: Validated<{ params: typeof appMcpParams }>, reply: FastifyReply) => {
    await reply
      .code(405)
      .header('allow', 'POST')
      .send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP server is stateless; use POST.' }, id: null });
  };
}
