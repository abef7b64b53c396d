import type { AppDslHandler } from '../../handler/console/app-dsl-handler.js';
import { exportQuery, exportResponse, importBody, importResponse } from '../../schema/app-dsl-schema.js';
import { appIdParams } from '../../schema/app-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerAppDslRoutes(server: HttpServer, h: { appDsl: AppDslHandler }): void {
  server.post(
    '/apps/imports',
    route(Permission.AppsBuild, 'apps', 'Import an app from a Dify DSL file (its text, or a URL read through the SSRF guard)', {
      body: importBody,
      response: { 200: importResponse },
    }),
    h.appDsl.import,
  );
  server.get(
    '/apps/:app_id/export',
    route(Permission.AppsBuild, 'apps', "The app's draft as a Dify DSL file (YAML)", {
      params: appIdParams,
      querystring: exportQuery,
      response: { 200: exportResponse },
    }),
    h.appDsl.export,
  );
}
