import { success, successMessage } from '../../../pkg/response/response.js';
import { currentActor, currentWorkspaceId } from '../../middleware/auth.js';
import type { appIdParams } from '../../schema/app-schema.js';
import {
  workflowToolView,
  type createWorkflowToolBody,
  type workflowToolBody,
  type workflowToolParams,
} from '../../schema/workflow-tool-schema.js';
import type { WorkflowToolService } from '../../service/tools/workflow-tool-service.js';
import type { Validated } from '../request-types.js';

export class WorkflowToolHandler {
  constructor(private readonly tools: WorkflowToolService) {}

  create = async (req: Validated<{ body: typeof createWorkflowToolBody }>) => {
    const { workflow_app_id: appId, ...input } = req.body;
    const row = await this.tools.create(currentActor(req), appId, input);
    return success(workflowToolView(await this.tools.get(row.workspaceId, row.id)), 'workflow tool created');
  };

  list = async (req: Validated<object>) => success((await this.tools.list(currentWorkspaceId(req))).map(workflowToolView));

  get = async (req: Validated<{ params: typeof workflowToolParams }>) =>
    success(workflowToolView(await this.tools.get(currentWorkspaceId(req), req.params.workflow_tool_id)));

  getByApp = async (req: Validated<{ params: typeof appIdParams }>) =>
    success(workflowToolView(await this.tools.getByApp(currentWorkspaceId(req), req.params.app_id)));

  update = async (req: Validated<{ params: typeof workflowToolParams; body: typeof workflowToolBody }>) => {
    const workspaceId = currentWorkspaceId(req);
    await this.tools.update(workspaceId, req.params.workflow_tool_id, req.body);
    return success(workflowToolView(await this.tools.get(workspaceId, req.params.workflow_tool_id)), 'workflow tool saved');
  };

  delete = async (req: Validated<{ params: typeof workflowToolParams }>) => {
    await this.tools.delete(currentWorkspaceId(req), req.params.workflow_tool_id);
    return successMessage('workflow tool deleted');
  };
}
