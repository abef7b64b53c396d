import type { AnalyticsHandler } from '../../handler/console/analytics-handler.js';
import { analysisParams, analysisResponse, logsQuery, logsResponse } from '../../schema/analytics-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerAnalyticsRoutes(server: HttpServer, h: { analytics: AnalyticsHandler }): void {
  server.get(
    '/analysis/:app_id',
    route(Permission.AppsLogs, 'analytics', 'The last 7 days against the 7 before, with a trend per day', {
      params: analysisParams,
      response: { 200: analysisResponse },
    }),
    h.analytics.analysis,
  );
  server.get(
    '/apps/:app_id/logs',
    route(Permission.AppsLogs, 'analytics', 'Conversations from every source, filtered by date and source', {
      params: analysisParams,
      querystring: logsQuery,
      response: { 200: logsResponse },
    }),
    h.analytics.logs,
  );
}
