import type { ConversationVariable, EnvironmentVariable, WorkflowSpec } from '../../entity/workflow-entity.js';
import { graphProblems, readGraph, type WorkflowMode } from '../workflow/graph.js';
import { RUNNABLE_NODE_TYPES } from '../workflow/node-executors.js';
import { DSL_VERSION } from './chat-dsl.js';

/**
 * Dify's DSL for workflow and chatflow apps: the `workflow` section (the canvas graph, features,
 * environment and conversation variables) to this project's workflow spec and back. The graph is
 * kept as the file has it, node for node, so an export imports into Dify unchanged; what will not
 * run here (node types, broken references) becomes a warning.
 */

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

export interface ImportedWorkflow {
  spec: WorkflowSpec;
  warnings: string[];
}

export function workflowFromDsl(workflow: Obj, mode: WorkflowMode): ImportedWorkflow {
  const warnings: string[] = [];
  const graph = obj(workflow['graph']);
  const { graph: read, problems } = readGraph(graph);
  if (!read) throw new Error(`workflow.graph: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  const unknown = new Map<string, string[]>();
  for (const node of read.nodes) {
    if (RUNNABLE_NODE_TYPES.includes(node.data.type)) continue;
    unknown.set(node.data.type, [...(unknown.get(node.data.type) ?? []), node.data.title ?? node.id]);
  }
  for (const [type, titles] of unknown) {
    warnings.push(`workflow.graph: ${type} nodes (${titles.join(', ')}) cannot run here yet; publishing waits until they are replaced`);
  }
  for (const problem of graphProblems(read, mode)) warnings.push(`workflow.graph: ${problem.message}`);
  const environment: EnvironmentVariable[] = [];
  for (const raw of arr(workflow['environment_variables'])) {
    const v = obj(raw);
    const type = str(v['value_type']);
    if (type !== 'string' && type !== 'number' && type !== 'secret') {
      warnings.push(
        `workflow.environment_variables: ${str(v['name'])} has type ${type || '(none)'}, which is not string, number or secret; left out`,
      );
      continue;
    }
    const value = type === 'number' ? Number(v['value'] ?? 0) : str(v['value']);
    if (type === 'secret' && value === '')
      warnings.push(`workflow.environment_variables: the secret ${str(v['name'])} came without its value; set it before running`);
    environment.push({
      ...(v['id'] ? { id: str(v['id']) } : {}),
      name: str(v['name']),
      value_type: type,
      value,
      description: str(v['description']),
    });
  }
  const conversation: ConversationVariable[] = arr(workflow['conversation_variables']).map((raw) => {
    const v = obj(raw);
    return {
      ...(v['id'] ? { id: str(v['id']) } : {}),
      name: str(v['name']),
      value_type: str(v['value_type']) || 'string',
      value: v['value'] ?? null,
      description: str(v['description']),
    };
  });
  return {
    spec: {
      graph: { nodes: arr(graph['nodes']), edges: arr(graph['edges']), ...(graph['viewport'] ? { viewport: graph['viewport'] } : {}) },
      features: obj(workflow['features']),
      environment_variables: environment,
      conversation_variables: conversation,
    },
    warnings,
  };
}

/** A workflow or chatflow app as Dify's DSL; secret environment values are left empty unless given (an export that asks for them). */
export function workflowDslOf(app: { name: string; icon: string; description: string; mode: WorkflowMode }, spec: WorkflowSpec): Obj {
  return {
    app: {
      name: app.name,
      mode: app.mode,
      icon: app.icon,
      icon_background: '#FFEAD5',
      description: app.description,
      use_icon_as_answer_icon: false,
    },
    kind: 'app',
    version: DSL_VERSION,
    dependencies: [],
    workflow: {
      graph: spec.graph,
      features: spec.features,
      environment_variables: spec.environment_variables,
      conversation_variables: spec.conversation_variables,
    },
  };
}

/**
 * The models a graph's nodes call, by node: `data.model` of llm, question-classifier and parameter-extractor
 * nodes, an agent's `agent_parameters.model.value`; `key` is the field that holds the model's name there.
 */
export function graphModels(
  spec: WorkflowSpec,
): Array<{ node: Obj; key: 'name' | 'model'; title: string; provider: string; name: string }> {
  return spec.graph.nodes.flatMap((raw) => {
    const data = obj(obj(raw)['data']);
    const agent = data['type'] === 'agent';
    const model = agent ? obj(obj(obj(data['agent_parameters'])['model'])['value']) : obj(data['model']);
    const key = agent ? 'model' : 'name';
    if (!model['provider'] && !model[key]) return [];
    return [
      { node: model, key, title: str(data['title']) || str(obj(raw)['id']), provider: str(model['provider']), name: str(model[key]) },
    ];
  });
}

/** The `data` of each knowledge-retrieval node, whose `dataset_ids` name datasets of the exporting workspace. */
export function graphKnowledgeNodes(spec: WorkflowSpec): Obj[] {
  return spec.graph.nodes.map((raw) => obj(obj(raw)['data'])).filter((data) => data['type'] === 'knowledge-retrieval');
}

/** Each tool a graph calls (a tool node's, an agent node's enabled ones): its node's title, provider type, provider and name. */
export function graphTools(spec: WorkflowSpec): Array<{ title: string; type: string; provider: string; tool: string }> {
  return spec.graph.nodes.flatMap((raw) => {
    const data = obj(obj(raw)['data']);
    const title = str(data['title']) || 'tool';
    if (data['type'] === 'tool') {
      return [{ title, type: str(data['provider_type']), provider: str(data['provider_id']), tool: str(data['tool_name']) }];
    }
    if (data['type'] !== 'agent') return [];
    const chosen = obj(obj(data['agent_parameters'])['tools'])['value'];
    return (Array.isArray(chosen) ? chosen.map(obj) : [])
      .filter((t) => t['enabled'] !== false)
      .map((t) => ({
        title,
        type: str(t['type']) || 'builtin',
        provider: str(t['provider_id']) || str(t['provider_name']),
        tool: str(t['tool_name']),
      }));
  });
}
