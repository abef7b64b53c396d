import type { AppConfigHandler } from '../../handler/console/app-config-handler.js';
import type { AppHandler } from '../../handler/console/app-handler.js';
import {
  draftConfigBody,
  draftConfigResponse,
  fallbackBody,
  fallbackResponse,
  publishHistoryResponse,
  publishResponse,
} from '../../schema/app-config-schema.js';
import { appIdParams, appPageResponse, appResponse, createAppBody, updateAppBody } from '../../schema/app-schema.js';
import { messageEnvelope, pageQuery } from '../../schema/common-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerAppRoutes(server: HttpServer, h: { app: AppHandler; appConfig: AppConfigHandler }): void {
  const params = appIdParams;
  server.get(
    '/apps',
    route(Permission.AppsRead, 'apps', 'List apps, newest first', { querystring: pageQuery, response: { 200: appPageResponse } }),
    h.app.listApps,
  );
  server.post(
    '/apps',
    route(Permission.AppsBuild, 'apps', 'Create an app', { body: createAppBody, response: { 200: appResponse } }),
    h.app.createApp,
  );
  server.get('/apps/:app_id', route(Permission.AppsRead, 'apps', 'Get an app', { params, response: { 200: appResponse } }), h.app.getApp);
  server.post(
    '/apps/:app_id',
    route(Permission.AppsBuild, 'apps', 'Update an app', { params, body: updateAppBody, response: { 200: appResponse } }),
    h.app.updateApp,
  );
  server.post(
    '/apps/:app_id/delete',
    route(Permission.AppsBuild, 'apps', 'Delete an app', { params, response: { 200: messageEnvelope } }),
    h.app.deleteApp,
  );
  server.post(
    '/apps/:app_id/copy',
    route(Permission.AppsBuild, 'apps', 'Copy an app into a new draft', { params, response: { 200: appResponse } }),
    h.app.copyApp,
  );

  const tag = 'app config';
  server.get(
    '/apps/:app_id/draft-app-config',
    route(Permission.AppsBuild, tag, 'The draft configuration', { params, response: { 200: draftConfigResponse } }),
    h.appConfig.getDraft,
  );
  server.post(
    '/apps/:app_id/draft-app-config',
    route(Permission.AppsBuild, tag, 'Update part of the draft configuration', {
      params,
      body: draftConfigBody,
      response: { 200: draftConfigResponse },
    }),
    h.appConfig.updateDraft,
  );
  server.post(
    '/apps/:app_id/publish',
    route(Permission.AppsBuild, tag, 'Publish the draft as the next version', { params, response: { 200: publishResponse } }),
    h.appConfig.publish,
  );
  server.post(
    '/apps/:app_id/cancel-publish',
    route(Permission.AppsBuild, tag, 'Take the app back to draft', { params, response: { 200: messageEnvelope } }),
    h.appConfig.cancelPublish,
  );
  server.get(
    '/apps/:app_id/publish-histories',
    route(Permission.AppsBuild, tag, 'Published versions, newest first', {
      params,
      querystring: pageQuery,
      response: { 200: publishHistoryResponse },
    }),
    h.appConfig.histories,
  );
  server.post(
    '/apps/:app_id/fallback-history',
    route(Permission.AppsBuild, tag, 'Copy a published version into the draft', {
      params,
      body: fallbackBody,
      response: { 200: fallbackResponse },
    }),
    h.appConfig.fallback,
  );
}
