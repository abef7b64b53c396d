import { page, success, successMessage } from '../../../pkg/response/response.js';
import { paginatorOf } from '../../../pkg/paginator/paginator.js';
import { currentActor, currentWorkspaceId } from '../../middleware/auth.js';
import { appView, type appIdParams, type createAppBody, type updateAppBody } from '../../schema/app-schema.js';
import type { pageQuery } from '../../schema/common-schema.js';
import type { AppService } from '../../service/apps/app-service.js';
import type { WorkflowService } from '../../service/workflow/workflow-service.js';
import { isGraphMode } from '../../entity/workflow-entity.js';
import type { Validated } from '../request-types.js';

export class AppHandler {
  constructor(
    private readonly appService: AppService,
    private readonly workflows: WorkflowService,
  ) {}

  createApp = async (req: Validated<{ body: typeof createAppBody }>) =>
    success(appView(await this.appService.create(currentActor(req), req.body)), 'app created');

  getApp = async (req: Validated<{ params: typeof appIdParams }>) =>
    success(appView(await this.appService.getVisible(currentActor(req), req.params.app_id)));

  updateApp = async (req: Validated<{ params: typeof appIdParams; body: typeof updateAppBody }>) =>
    success(appView(await this.appService.update(currentWorkspaceId(req), req.params.app_id, req.body)), 'app updated');

  deleteApp = async (req: Validated<{ params: typeof appIdParams }>) => {
    await this.appService.delete(currentWorkspaceId(req), req.params.app_id);
    return successMessage('app deleted');
  };

  copyApp = async (req: Validated<{ params: typeof appIdParams }>) => {
    const copy = await this.appService.copy(currentActor(req), req.params.app_id);
    if (isGraphMode(copy.mode)) await this.workflows.copyDraft(req.params.app_id, copy.id);
    return success(appView(copy), 'app copied');
  };

  listApps = async (req: Validated<{ query: typeof pageQuery }>) => {
    const pageRequest = { currentPage: req.query.current_page, pageSize: req.query.page_size };
    const { list, total } = await this.appService.list(currentActor(req), {
      ...pageRequest,
      searchWord: req.query.search_word || undefined,
    });
    return page(list.map(appView), paginatorOf(pageRequest, total));
  };
}
