import type { ServiceWorkflowHandler } from '../../handler/service-api/workflow-handler.js';
import { resultResponse, taskStopParams, userBody } from '../../schema/service-api-schema.js';
import {
  serviceRunItem,
  serviceRunParams,
  workflowLogsQuery,
  workflowLogsResponse,
  workflowRunBody,
  workflowRunResponse,
} from '../../schema/workflow-schema.js';
import type { HttpServer } from '../../server/http.js';
import { serviceRoute } from '../route-options.js';

/** Dify's service API for workflow apps: run, read a run, stop, logs. */
export function registerServiceWorkflowRoutes(server: HttpServer, h: { serviceWorkflow: ServiceWorkflowHandler }): void {
  const s = h.serviceWorkflow;
  server.post(
    '/v1/workflows/run',
    serviceRoute('Run the published workflow (blocking JSON or streaming SSE)', {
      body: workflowRunBody,
      response: { 200: workflowRunResponse },
    }),
    s.run,
  );
  server.get(
    '/v1/workflows/run/:workflow_run_id',
    serviceRoute('A workflow run: status, inputs, outputs, totals', { params: serviceRunParams, response: { 200: serviceRunItem } }),
    s.get,
  );
  server.post(
    '/v1/workflows/tasks/:task_id/stop',
    serviceRoute('Stop a running workflow (the user who started it)', {
      params: taskStopParams,
      body: userBody,
      response: { 200: resultResponse },
    }),
    s.stop,
  );
  server.get(
    '/v1/workflows/logs',
    serviceRoute("The published app's runs, newest first", { querystring: workflowLogsQuery, response: { 200: workflowLogsResponse } }),
    s.logs,
  );
}
