import type { WorkflowToolHandler } from '../../handler/console/workflow-tool-handler.js';
import { appIdParams } from '../../schema/app-schema.js';
import { messageEnvelope } from '../../schema/common-schema.js';
import {
  createWorkflowToolBody,
  workflowToolBody,
  workflowToolListResponse,
  workflowToolParams,
  workflowToolResponse,
} from '../../schema/workflow-tool-schema.js';
import type { HttpServer } from '../../server/http.js';
import { Permission } from '../../service/identity/permissions.js';
import { route } from '../route-options.js';

/** Published workflow apps as tools that agents, agent nodes and tool nodes call (Dify's workflow tools). */
export function registerWorkflowToolRoutes(server: HttpServer, h: { workflowTool: WorkflowToolHandler }): void {
  const tag = 'tools';
  const build = Permission.AppsBuild;
  const one = { params: workflowToolParams, response: { 200: workflowToolResponse } };
  server.post(
    '/workflow-tools',
    route(build, tag, "Offer a published workflow app as a tool: its start variables are the tool's arguments", {
      body: createWorkflowToolBody,
      response: { 200: workflowToolResponse },
    }),
    h.workflowTool.create,
  );
  server.get(
    '/workflow-tools',
    route(build, tag, "The workspace's workflow tools, newest first", { response: { 200: workflowToolListResponse } }),
    h.workflowTool.list,
  );
  server.get(
    '/workflow-tools/:workflow_tool_id',
    route(build, tag, 'One workflow tool and the arguments it takes', one),
    h.workflowTool.get,
  );
  server.post(
    '/workflow-tools/:workflow_tool_id',
    route(build, tag, "Change a workflow tool; it is saved against the app's version published now", { ...one, body: workflowToolBody }),
    h.workflowTool.update,
  );
  server.post(
    '/workflow-tools/:workflow_tool_id/delete',
    route(build, tag, 'Delete a workflow tool (the app stays)', { params: workflowToolParams, response: { 200: messageEnvelope } }),
    h.workflowTool.delete,
  );
  server.get(
    '/apps/:app_id/workflow-tool',
    route(build, tag, 'The tool a workflow app is offered as, if it is one', {
      params: appIdParams,
      response: { 200: workflowToolResponse },
    }),
    h.workflowTool.getByApp,
  );
}
