import { page, success } from '../../../pkg/response/response.js';
import { paginatorOf } from '../../../pkg/paginator/paginator.js';
import { currentWorkspaceId } from '../../middleware/auth.js';
import { logView, type analysisParams, type logsQuery } from '../../schema/analytics-schema.js';
import type { AnalyticsService } from '../../service/analytics/analytics-service.js';
import type { Validated } from '../request-types.js';

export class AnalyticsHandler {
  constructor(private readonly analytics: AnalyticsService) {}

  analysis = async (req: Validated<{ params: typeof analysisParams }>) =>
    success(await this.analytics.analyse(currentWorkspaceId(req), req.params.app_id));

  logs = async (req: Validated<{ params: typeof analysisParams; query: typeof logsQuery }>) => {
    const q = req.query;
    const pageRequest = { currentPage: q.current_page, pageSize: q.page_size };
    const { list, total } = await this.analytics.logs(currentWorkspaceId(req), req.params.app_id, {
      ...pageRequest,
      start: q.start ? new Date(q.start * 1000) : undefined,
      end: q.end ? new Date(q.end * 1000) : undefined,
      invokeFrom: q.invoke_from,
    });
    return page(list.map(logView), paginatorOf(pageRequest, total));
  };
}
