import type { FastifyReply } from 'fastify';
import { InvokeFrom } from '../../entity/conversation-entity.js';
import { WorkflowTrigger } from '../../entity/workflow-entity.js';
import { DifyApiError } from '../../exception/app-error.js';
import { currentAppKey } from '../../middleware/app-key-auth.js';
import type { userBody, taskStopParams } from '../../schema/service-api-schema.js';
import {
  logView,
  serviceRunView,
  type serviceRunParams,
  type workflowLogsQuery,
  type workflowRunBody,
} from '../../schema/workflow-schema.js';
import type { WorkflowStreamEvent } from '../../service/workflow/workflow-events.js';
import type { WorkflowRunService } from '../../service/workflow/workflow-run-service.js';
import type { WorkflowService } from '../../service/workflow/workflow-service.js';
import type { Validated } from '../request-types.js';
import { streamEvents } from '../sse-response.js';

type App = ReturnType<typeof currentAppKey>['app'];

/** Dify's workflow service API (`/v1/workflows/...`), on the published graph of the key's app. */
export class ServiceWorkflowHandler {
  constructor(
    private readonly workflows: WorkflowService,
    private readonly runs: WorkflowRunService,
    private readonly ssePingIntervalMs: number,
  ) {}

  run = async (req: Validated<{ body: typeof workflowRunBody }>, reply: FastifyReply) => {
    const { app } = currentAppKey(req);
    const workflow = await this.published(app);
    const run = await this.runs.start({
      app,
      workflow,
      inputs: req.body.inputs,
      endUser: req.body.user,
      accountId: null,
      invokeFrom: InvokeFrom.ServiceApi,
      trigger: WorkflowTrigger.AppRun,
      files: req.body.files,
      uploader: { appId: app.id, endUser: req.body.user },
    });
    if (req.body.response_mode === 'streaming') {
      await streamEvents(req, reply, run.events, this.ssePingIntervalMs);
      return;
    }
    return blockingRun(run.events);
  };

  get = async (req: Validated<{ params: typeof serviceRunParams }>) => {
    const { app } = currentAppKey(req);
    workflowOnly(app);
    return serviceRunView(await this.runs.serviceRun(app.id, req.params.workflow_run_id));
  };

  stop = async (req: Validated<{ params: typeof taskStopParams; body: typeof userBody }>) => {
    const { app } = currentAppKey(req);
    workflowOnly(app);
    await this.runs.stopForEndUser(app.id, req.body.user, req.params.task_id);
    return { result: 'success' as const };
  };

  logs = async (req: Validated<{ query: typeof workflowLogsQuery }>) => {
    const { app } = currentAppKey(req);
    workflowOnly(app);
    const { page, limit, status, keyword } = req.query;
    const { list, total } = await this.runs.logs(app.id, { currentPage: page, pageSize: limit, status, keyword });
    return { page, limit, total, has_more: page * limit < total, data: list.map(logView) };
  };

  private async published(app: App) {
    workflowOnly(app);
    const workflow = await this.workflows.published(app);
    if (!workflow) throw new DifyApiError(400, 'app_unavailable', 'App unavailable, please check your app configurations.');
    return workflow;
  }
}

/** Dify's refusal of a workflow route on another kind of app. */
function workflowOnly(app: App): void {
  if (app.mode !== 'workflow')
    throw new DifyApiError(400, 'not_workflow_app', 'Please check if your app mode matches the right API route.');
}

/** The run to its end, answered as Dify's blocking workflow response. */
async function blockingRun(events: AsyncGenerator<WorkflowStreamEvent>) {
  for await (const event of events) {
    if (event.event === 'workflow_finished') return { task_id: event.task_id, workflow_run_id: event.workflow_run_id, data: event.data };
  }
  throw new Error('the run ended without its workflow_finished event');
}
