import type { UserInputFormItem } from '../../entity/app-config-entity.js';
import { filesOfOutputs } from '../workflow/workflow-file.js';
import { inputSchema, type ToolOutput, type ToolParameter } from './tool-types.js';

/**
 * How a published workflow's start variable becomes a tool argument (Dify's parameter
 * configuration): `llm` arguments are filled by the model, reading `description`; `form` ones are
 * fixed where the tool is configured (an agent's tool params, a tool node's settings).
 */
export interface WorkflowToolParameter {
  name: string;
  description: string;
  form: 'llm' | 'form';
}

export interface WorkflowToolInput extends ToolParameter {
  form: 'llm' | 'form';
}

/** Dify's rule for a workflow tool's name: what a model's function name may hold. */
export const WORKFLOW_TOOL_NAME = /^[A-Za-z0-9_]{1,64}$/;

/**
 * The tool's arguments: every field of the start form, in its order, typed by its control, with
 * its configured description and form (a field nobody configured is the model's, described by its
 * label).
 */
export function workflowToolInputs(form: readonly UserInputFormItem[], configured: readonly WorkflowToolParameter[]): WorkflowToolInput[] {
  const byName = new Map(configured.map((p) => [p.name, p]));
  return form.flatMap((item) => {
    const [control, spec] = Object.entries(item)[0] ?? [];
    if (!control || !spec) return [];
    const config = byName.get(spec.variable);
    const type = control === 'number' ? 'number' : control === 'select' ? 'select' : 'string';
    return [
      {
        name: spec.variable,
        type,
        required: spec.required,
        label: { en_US: spec.label, zh_Hans: spec.label },
        description: config?.description || spec.label,
        form: config?.form ?? 'llm',
        ...(type === 'select' ? { options: spec.options ?? [] } : {}),
        ...(spec.default !== undefined ? { default: type === 'number' ? Number(spec.default) : spec.default } : {}),
      },
    ];
  });
}

/** What keeps a parameter configuration from fitting the start form; empty when it fits. */
export function parameterProblems(form: readonly UserInputFormItem[], configured: readonly WorkflowToolParameter[]): string[] {
  const variables = new Set(form.flatMap((item) => Object.values(item).map((spec) => spec.variable)));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const p of configured) {
    if (seen.has(p.name)) problems.push(`the parameter ${p.name} is configured twice`);
    seen.add(p.name);
    if (!variables.has(p.name)) problems.push(`the workflow's start node has no variable ${p.name}`);
  }
  return problems;
}

/** The arguments the model fills, as JSON Schema for its function definition. */
export function workflowToolSchema(inputs: readonly WorkflowToolInput[]): Record<string, unknown> {
  return inputSchema(inputs.filter((i) => i.form === 'llm'));
}

/**
 * A run's outputs as the tool's answer, as Dify's workflow tool gives them: the outputs as JSON
 * text, and the uploads among them as files the user is shown.
 */
export function workflowToolOutput(outputs: Record<string, unknown>): ToolOutput {
  const text = JSON.stringify(outputs);
  const files = filesOfOutputs(outputs).flatMap((f) => (f.related_id ? [f.related_id] : []));
  return files.length > 0 ? { text, files } : text;
}
