import type { WorkflowHandler } from '../../handler/console/workflow-handler.js';
import { appIdParams } from '../../schema/app-schema.js';
import { messageEnvelope, pageQuery } from '../../schema/common-schema.js';
import {
  appTaskParams,
  draftRunBody,
  nodeParams,
  nodeRunBody,
  nodeRunResponse,
  runDetailResponse,
  runIdParams,
  runPageResponse,
  saveDraftBody,
  saveDraftResponse,
  workflowResponse,
} from '../../schema/workflow-schema.js';
import { z } from 'zod';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

export function registerWorkflowRoutes(server: HttpServer, h: { workflow: WorkflowHandler }): void {
  const tag = 'workflows';
  const w = h.workflow;
  server.get(
    '/apps/:app_id/workflows/draft',
    route(Permission.AppsBuild, tag, "The workflow or chatflow app's draft graph (secret environment values hidden)", {
      params: appIdParams,
      response: { 200: workflowResponse },
    }),
    w.getDraft,
  );
  server.post(
    '/apps/:app_id/workflows/draft',
    route(
      Permission.AppsBuild,
      tag,
      'Save the draft graph; it is checked first (one start, all reachable, no cycles, variables that resolve)',
      {
        params: appIdParams,
        body: saveDraftBody,
        response: { 200: saveDraftResponse },
      },
    ),
    w.saveDraft,
  );
  server.post(
    '/apps/:app_id/workflows/draft/run',
    route(Permission.AppsBuild, tag, "Run the saved draft; streams Dify's workflow events (SSE)", {
      params: appIdParams,
      body: draftRunBody,
      response: { 200: z.string().describe('text/event-stream') },
    }),
    w.runDraft,
  );
  server.post(
    '/apps/:app_id/workflows/draft/nodes/:node_id/run',
    route(Permission.AppsBuild, tag, 'Run one node of the saved draft with the values it reads given by hand (not kept in the history)', {
      params: nodeParams,
      body: nodeRunBody,
      response: { 200: nodeRunResponse },
    }),
    w.runNode,
  );
  server.get(
    '/apps/:app_id/workflow-runs',
    route(Permission.AppsBuild, tag, "The app's runs, newest first (debug and published)", {
      params: appIdParams,
      querystring: pageQuery,
      response: { 200: runPageResponse },
    }),
    w.list,
  );
  server.get(
    '/apps/:app_id/workflow-runs/:run_id',
    route(Permission.AppsBuild, tag, "One run with each node's inputs, outputs, status, error, time and tokens", {
      params: runIdParams,
      response: { 200: runDetailResponse },
    }),
    w.detail,
  );
  server.post(
    '/apps/:app_id/workflow-runs/tasks/:task_id/stop',
    route(Permission.AppsBuild, tag, 'Stop a running run (any node)', { params: appTaskParams, response: { 200: messageEnvelope } }),
    w.stop,
  );
}
