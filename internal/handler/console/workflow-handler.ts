import type { FastifyReply } from 'fastify';
import { page, success, successMessage } from '../../../pkg/response/response.js';
import { paginatorOf } from '../../../pkg/paginator/paginator.js';
import { WorkflowTrigger } from '../../entity/workflow-entity.js';
import { InvokeFrom } from '../../entity/conversation-entity.js';
import { unixSeconds } from '../../lib/time.js';
import { currentActor, currentWorkspaceId } from '../../middleware/auth.js';
import type { appIdParams } from '../../schema/app-schema.js';
import type { pageQuery } from '../../schema/common-schema.js';
import {
  nodeExecutionView,
  runView,
  workflowView,
  type appTaskParams,
  type draftRunBody,
  type nodeParams,
  type nodeRunBody,
  type runIdParams,
  type saveDraftBody,
} from '../../schema/workflow-schema.js';
import type { WorkflowRunService } from '../../service/workflow/workflow-run-service.js';
import type { ChatflowService } from '../../service/chat/chatflow-service.js';
import { ValidationError } from '../../exception/app-error.js';
import type { WorkflowService } from '../../service/workflow/workflow-service.js';
import type { Validated } from '../request-types.js';
import { disconnectSignal, streamEvents } from '../sse-response.js';

type AppRequest = Validated<{ params: typeof appIdParams }>;

/** The editor's side of workflow and chatflow apps: the draft graph, debug runs, run history, stop. */
export class WorkflowHandler {
  constructor(
    private readonly workflows: WorkflowService,
    private readonly runs: WorkflowRunService,
    private readonly chatflow: ChatflowService,
    private readonly ssePingIntervalMs: number,
  ) {}

  getDraft = async (req: AppRequest) => {
    const { workflow } = await this.workflows.draft(currentWorkspaceId(req), req.params.app_id);
    return success(workflowView(workflow, this.workflows.visibleSpec(workflow.spec)));
  };

  saveDraft = async (req: Validated<{ params: typeof appIdParams; body: typeof saveDraftBody }>) => {
    const actor = currentActor(req);
    const { hash, ...spec } = req.body;
    const saved = await this.workflows.saveDraft(actor.workspaceId, req.params.app_id, actor.accountId, spec, hash);
    return success({ result: 'success' as const, hash: saved.hash, updated_at: unixSeconds(saved.updatedAt) }, 'draft saved');
  };

  /** Runs the draft as it is saved, streaming Dify's workflow events; the run is kept in the history. */
  runDraft = async (req: Validated<{ params: typeof appIdParams; body: typeof draftRunBody }>, reply: FastifyReply) => {
    const actor = currentActor(req);
    const [app, workflow] = await Promise.all([
      this.workflows.draft(actor.workspaceId, req.params.app_id).then((d) => d.app),
      this.workflows.runnableDraft(actor.workspaceId, req.params.app_id),
    ]);
    const common = {
      app,
      workflow,
      inputs: req.body.inputs,
      endUser: '',
      accountId: actor.accountId,
      invokeFrom: InvokeFrom.Debugger,
      trigger: WorkflowTrigger.Debugging,
      files: req.body.files,
    };
    if (app.mode === 'advanced-chat') {
      if (!req.body.query) throw new ValidationError('query is required: this is a chatflow');
      const turn = await this.chatflow.start({ ...common, query: req.body.query, conversationId: req.body.conversation_id });
      await streamEvents(req, reply, turn.events, this.ssePingIntervalMs);
      return;
    }
    const run = await this.runs.start(common);
    await streamEvents(req, reply, run.events, this.ssePingIntervalMs);
  };

  /** One node of the saved draft, with the values it reads given by hand. */
  runNode = async (req: Validated<{ params: typeof nodeParams; body: typeof nodeRunBody }>, reply: FastifyReply) => {
    const workspaceId = currentWorkspaceId(req);
    const [{ app }, workflow] = await Promise.all([
      this.workflows.draft(workspaceId, req.params.app_id),
      this.workflows.runnableDraft(workspaceId, req.params.app_id),
    ]);
    const ran = await this.runs.runNode(app, workflow, req.params.node_id, req.body.inputs, disconnectSignal(reply));
    const usage = ran.outcome?.usage;
    return success({
      node_id: ran.node.id,
      node_type: ran.node.data.type,
      title: ran.node.data.title ?? '',
      status: ran.status,
      inputs: ran.outcome?.inputs ?? {},
      process_data: ran.outcome?.processData ?? null,
      outputs: ran.outcome?.outputs ?? {},
      error: ran.error ?? null,
      elapsed_time: ran.elapsedMs / 1000,
      execution_metadata: usage
        ? { total_tokens: usage.totalTokens, total_price: usage.totalPrice.toFixed(7), currency: usage.currency }
        : null,
    });
  };

  stop = async (req: Validated<{ params: typeof appTaskParams }>) => {
    await this.runs.stop(currentWorkspaceId(req), req.params.app_id, req.params.task_id);
    return successMessage('stop requested');
  };

  list = async (req: Validated<{ params: typeof appIdParams; query: typeof pageQuery }>) => {
    const pageRequest = { currentPage: req.query.current_page, pageSize: req.query.page_size };
    await this.workflows.graphApp(currentWorkspaceId(req), req.params.app_id);
    const { list, total } = await this.runs.list(currentWorkspaceId(req), req.params.app_id, pageRequest);
    return page(list.map(runView), paginatorOf(pageRequest, total));
  };

  detail = async (req: Validated<{ params: typeof runIdParams }>) => {
    const { run, nodes } = await this.runs.detail(currentWorkspaceId(req), req.params.app_id, req.params.run_id);
    return success({ ...runView(run), node_executions: nodes.map(nodeExecutionView) });
  };
}
