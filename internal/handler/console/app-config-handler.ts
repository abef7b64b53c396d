import { page, success, successMessage } from '../../../pkg/response/response.js';
import { paginatorOf } from '../../../pkg/paginator/paginator.js';
import { unixSeconds } from '../../lib/time.js';
import { currentActor, currentWorkspaceId } from '../../middleware/auth.js';
import { isGraphMode } from '../../entity/workflow-entity.js';
import { workflowView } from '../../schema/workflow-schema.js';
import type { AppService } from '../../service/apps/app-service.js';
import type { WorkflowService } from '../../service/workflow/workflow-service.js';
import { configView, versionView, type draftConfigBody, type fallbackBody } from '../../schema/app-config-schema.js';
import type { appIdParams } from '../../schema/app-schema.js';
import type { pageQuery } from '../../schema/common-schema.js';
import type { AppConfigService } from '../../service/apps/app-config-service.js';
import type { Validated } from '../request-types.js';
import type { AppConfig } from '../../entity/app-config-entity.js';

type AppRequest = Validated<{ params: typeof appIdParams }>;

export class AppConfigHandler {
  constructor(
    private readonly appConfigService: AppConfigService,
    private readonly apps: AppService,
    private readonly workflows: WorkflowService,
  ) {}

  getDraft = async (req: AppRequest) =>
    success(
      await this.draftView(currentWorkspaceId(req), await this.appConfigService.getDraft(currentWorkspaceId(req), req.params.app_id)),
    );

  updateDraft = async (req: Validated<{ params: typeof appIdParams; body: typeof draftConfigBody }>) => {
    const { warnings: _echoed, ...patch } = req.body;
    const workspaceId = currentWorkspaceId(req);
    return success(
      await this.draftView(workspaceId, await this.appConfigService.updateDraft(workspaceId, req.params.app_id, patch)),
      'draft saved',
    );
  };

  /** The draft with what would keep it from running. */
  private async draftView(workspaceId: string, config: AppConfig) {
    return { ...configView(config), warnings: await this.appConfigService.draftWarnings(workspaceId, config) };
  }

  publish = async (req: AppRequest) => {
    const actor = currentActor(req);
    const version = await this.appConfigService.publish(actor.workspaceId, req.params.app_id, actor.accountId);
    return success(
      { version: version.version, app_config_version_id: version.id, published_at: unixSeconds(version.createdAt) },
      `published as version ${version.version}`,
    );
  };

  cancelPublish = async (req: AppRequest) => {
    await this.appConfigService.cancelPublish(currentWorkspaceId(req), req.params.app_id);
    return successMessage('publication cancelled');
  };

  histories = async (req: Validated<{ params: typeof appIdParams; query: typeof pageQuery }>) => {
    const pageRequest = { currentPage: req.query.current_page, pageSize: req.query.page_size };
    const workspaceId = currentWorkspaceId(req);
    if (await this.hasGraph(workspaceId, req.params.app_id)) {
      const { list, total } = await this.workflows.histories(workspaceId, req.params.app_id, pageRequest);
      const items = list.map((w) => ({
        id: w.id,
        version: w.version,
        workflow: workflowView(w, this.workflows.visibleSpec(w.spec)),
        created_at: unixSeconds(w.createdAt),
      }));
      return page(items, paginatorOf(pageRequest, total));
    }
    const { list, total } = await this.appConfigService.histories(workspaceId, req.params.app_id, pageRequest);
    return page(list.map(versionView), paginatorOf(pageRequest, total));
  };

  fallback = async (req: Validated<{ params: typeof appIdParams; body: typeof fallbackBody }>) => {
    const { workspaceId, accountId } = currentActor(req);
    if (await this.hasGraph(workspaceId, req.params.app_id)) {
      const draft = await this.workflows.fallback(workspaceId, req.params.app_id, req.body.app_config_version_id, accountId);
      return success(workflowView(draft, this.workflows.visibleSpec(draft.spec)), 'version copied into the draft');
    }
    const config = await this.appConfigService.fallback(workspaceId, req.params.app_id, req.body.app_config_version_id);
    return success(await this.draftView(workspaceId, config), 'version copied into the draft');
  };

  private async hasGraph(workspaceId: string, appId: string): Promise<boolean> {
    return isGraphMode((await this.apps.get(workspaceId, appId)).mode);
  }
}
