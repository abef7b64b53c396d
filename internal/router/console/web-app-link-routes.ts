import type { WebAppLinkHandler } from '../../handler/console/web-app-link-handler.js';
import { appIdParams } from '../../schema/app-schema.js';
import { regenerateTokenResponse } from '../../schema/web-app-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

/** The public web app's link, replaced from the console. */
export function registerWebAppLinkRoutes(server: HttpServer, h: { webAppLink: WebAppLinkHandler }): void {
  server.post(
    '/apps/:app_id/regenerate-web-app-token',
    route(Permission.AppsBuild, 'apps', 'Replace the public link; the old one stops working at once', {
      params: appIdParams,
      response: { 200: regenerateTokenResponse },
    }),
    h.webAppLink.regenerateToken,
  );
}
