import type { AppMcpHandler } from '../../handler/console/app-mcp-handler.js';
import { appIdParams } from '../../schema/app-schema.js';
import { appMcpResponse, appMcpSwitchBody } from '../../schema/app-mcp-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerAppMcpRoutes(server: HttpServer, h: { appMcp: AppMcpHandler }): void {
  const t = 'app MCP servers';
  const m = h.appMcp;
  server.get(
    '/apps/:app_id/mcp-server',
    route(Permission.AppsRead, t, 'Whether MCP clients can call the published app, and at which link', {
      params: appIdParams,
      response: { 200: appMcpResponse },
    }),
    m.get,
  );
  server.post(
    '/apps/:app_id/mcp-server',
    route(Permission.AppsBuild, t, 'Offer the published app to MCP clients (one tool: ask the app), or stop', {
      params: appIdParams,
      body: appMcpSwitchBody,
      response: { 200: appMcpResponse },
    }),
    m.setEnabled,
  );
  server.post(
    '/apps/:app_id/mcp-server/regenerate-token',
    route(Permission.AppsBuild, t, 'Replace the MCP link; the old one stops working at once', {
      params: appIdParams,
      response: { 200: appMcpResponse },
    }),
    m.regenerateToken,
  );
}
