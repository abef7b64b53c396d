import type { McpServerHandler } from '../../handler/console/mcp-server-handler.js';
import { messageEnvelope } from '../../schema/common-schema.js';
import { mcpServerBody, mcpServerListResponse, mcpServerParams, mcpServerResponse } from '../../schema/mcp-server-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

/** MCP servers whose tools agents call (Streamable HTTP, with the HTTP+SSE transport as fallback). */
export function registerMcpServerRoutes(server: HttpServer, h: { mcpServer: McpServerHandler }): void {
  const tag = 'tools';
  const build = Permission.AppsBuild;
  const one = { params: mcpServerParams, response: { 200: mcpServerResponse } };
  server.post(
    '/mcp-servers',
    route(build, tag, 'Add an MCP server: its tools are listed first, an unreachable server is refused', {
      body: mcpServerBody,
      response: { 200: mcpServerResponse },
    }),
    h.mcpServer.create,
  );
  server.get(
    '/mcp-servers',
    route(build, tag, "The workspace's MCP servers and their tools", { response: { 200: mcpServerListResponse } }),
    h.mcpServer.list,
  );
  server.get('/mcp-servers/:id', route(build, tag, 'One MCP server (header values masked)', one), h.mcpServer.get);
  server.post(
    '/mcp-servers/:id',
    route(build, tag, 'Change an MCP server (a header sent back masked keeps its value); its tools are listed again', {
      ...one,
      body: mcpServerBody,
    }),
    h.mcpServer.update,
  );
  server.post('/mcp-servers/:id/refresh', route(build, tag, "List the server's tools again and keep them", one), h.mcpServer.refresh);
  server.post(
    '/mcp-servers/:id/delete',
    route(build, tag, 'Delete an MCP server', { params: mcpServerParams, response: { 200: messageEnvelope } }),
    h.mcpServer.delete,
  );
}
