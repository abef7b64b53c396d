import type { McpHandler } from '../../handler/mcp/mcp-handler.js';
import { appMcpBody, appMcpParams, appMcpReply } from '../../schema/app-mcp-schema.js';
import type { HttpServer } from '../../server/http.js';
import { mcpRoute } from '../route-options.js';

/** `/mcp/:token`: a published app as an MCP server, authorised by the token in its link. */
export function registerMcpRoutes(server: HttpServer, h: { mcp: McpHandler }): void {
  const m = h.mcp;
  const wire = 'JSON-RPC over Streamable HTTP (stateless)';
  server.post(
    '/mcp/:token',
    mcpRoute(`The app's MCP server: ${wire}`, { params: appMcpParams, body: appMcpBody, response: { 200: appMcpReply } }),
    m.post,
  );
  for (const method of ['get', 'delete'] as const) {
    server[method](
      '/mcp/:token',
      mcpRoute(`405: the server is stateless (${wire})`, { params: appMcpParams, response: { 200: appMcpReply } }),
      m.notAllowed,
    );
  }
}
