import {
  DEFAULT_APP_CONFIG,
  INPUT_FIELD_TYPES,
  TOOL_TYPE_OF_PROVIDER,
  type AppConfig,
  type AppToolConfig,
  type InputFieldSpec,
  type UserInputFormItem,
} from '../../entity/app-config-entity.js';

/**
 * Dify's app DSL (`kind: app`) for chat and agent-chat apps: its `model_config` to this project's
 * app config and back. Pure mapping; what the workspace has (models, datasets, tools) is checked by
 * the caller. Anything the file asks for that does not exist here becomes a warning, not a failure.
 */

/** The DSL version written on export; imports take 0.1.0 up to the 0.x versions Dify writes today. */
export const DSL_VERSION = '0.3.0';

export type DslMode = 'chat' | 'agent-chat' | 'workflow' | 'advanced-chat' | 'completion';

export interface DslApp {
  name: string;
  mode: DslMode;
  icon: string;
  description: string;
}

export interface ParsedDsl {
  version: string;
  app: DslApp;
  modelConfig: Record<string, unknown>;
  /** A workflow or chatflow file's `workflow` section (graph, features, variables). */
  workflow: Record<string, unknown>;
}

export class DslError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DslError';
  }
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The top of a DSL document (already parsed from YAML): version, app and, for chat apps, model_config. */
export function readDsl(data: unknown): ParsedDsl {
  const doc = obj(data);
  if (Object.keys(doc).length === 0) throw new DslError('the DSL must be a YAML mapping');
  if (doc['kind'] !== undefined && doc['kind'] !== 'app') throw new DslError(`kind: must be app, not ${str(doc['kind'])}`);
  const version = str(doc['version'], '0.1.0');
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new DslError(`version: ${version} is not a DSL version such as 0.1.5`);
  if (Number(version.split('.')[0]) !== 0) throw new DslError(`version: ${version} is newer than this server reads (0.x)`);
  const app = obj(doc['app']);
  if (Object.keys(app).length === 0) throw new DslError('app: the DSL has no app section');
  const mode = str(app['mode']) as DslMode;
  if (!['chat', 'agent-chat', 'workflow', 'advanced-chat', 'completion'].includes(mode)) {
    throw new DslError(`app.mode: ${str(app['mode']) || '(none)'} is not an app mode`);
  }
  return {
    version,
    app: { name: str(app['name']).trim(), mode, icon: str(app['icon']), description: str(app['description']) },
    modelConfig: obj(doc['model_config']),
    workflow: obj(doc['workflow']),
  };
}

/** `langgenius/openai/openai` (plugin ids of newer Dify) and `openai` both name the provider `openai`. */
export function providerName(id: string): string {
  return id.split('/').at(-1) ?? id;
}

const MODEL_PARAMETERS = ['temperature', 'top_p', 'max_tokens', 'presence_penalty', 'frequency_penalty'];

export interface ImportedConfig {
  config: AppConfig;
  warnings: string[];
}

/** A chat or agent-chat app's model_config as this project's config; what has no counterpart here is listed. */
export function configFromDsl(modelConfig: Obj): ImportedConfig {
  const warnings: string[] = [];
  const model = obj(modelConfig['model']);
  const params = obj(model['completion_params']);
  const parameters = Object.fromEntries(
    MODEL_PARAMETERS.filter((k) => typeof params[k] === 'number' && Number.isFinite(params[k])).map((k) => [k, params[k] as number]),
  );
  if (str(modelConfig['prompt_type']) === 'advanced') {
    warnings.push('prompt_type: advanced (expert-mode) prompts are not supported; the simple pre_prompt is used');
  }
  const dataset = obj(modelConfig['dataset_configs']);
  const datasets = arr(obj(dataset['datasets'])['datasets'])
    .map((d) => obj(obj(d)['dataset']))
    .filter((d) => d['enabled'] !== false)
    .map((d) => str(d['id']))
    .filter(Boolean);
  const topK = Number(dataset['top_k']);
  const threshold = Number(dataset['score_threshold']);
  const review = obj(modelConfig['sensitive_word_avoidance']);
  const reviewConfig = obj(review['config'] ?? review['configs']);
  const agent = obj(modelConfig['agent_mode']);
  const strategy = str(agent['strategy']);
  for (const feature of ['annotation_reply', 'text_to_speech', 'speech_to_text', 'more_like_this']) {
    if (obj(modelConfig[feature])['enabled'] === true) warnings.push(`${feature}: not supported here; left out`);
  }
  const config: AppConfig = {
    ...DEFAULT_APP_CONFIG,
    model_config: { provider: providerName(str(model['provider'])), model: str(model['name']), parameters },
    preset_prompt: str(modelConfig['pre_prompt']).slice(0, 20_000),
    user_input_form: inputForm(arr(modelConfig['user_input_form']), warnings),
    opening_statement: str(modelConfig['opening_statement']).slice(0, 2000),
    opening_questions: arr(modelConfig['suggested_questions'])
      .map((q) => str(q).trim())
      .filter(Boolean)
      .slice(0, 10),
    suggested_after_answer: { enable: obj(modelConfig['suggested_questions_after_answer'])['enabled'] === true },
    review_config: {
      enable: review['enabled'] === true && str(review['type'], 'keywords') === 'keywords',
      keywords: str(reviewConfig['keywords'])
        .split('\n')
        .map((k) => k.trim())
        .filter(Boolean)
        .slice(0, 100),
      inputs_config: {
        enable: obj(reviewConfig['inputs_config'])['enabled'] === true,
        preset_response: str(obj(reviewConfig['inputs_config'])['preset_response']),
      },
      outputs_config: { enable: obj(reviewConfig['outputs_config'])['enabled'] === true },
    },
    datasets: [...new Set(datasets)].slice(0, 10),
    retrieval_config: {
      ...DEFAULT_APP_CONFIG.retrieval_config,
      k: Number.isInteger(topK) && topK >= 1 ? Math.min(topK, 10) : DEFAULT_APP_CONFIG.retrieval_config.k,
      score: dataset['score_threshold_enabled'] === true && threshold >= 0 && threshold <= 1 ? threshold : 0,
    },
    file_upload: fileUpload(obj(modelConfig['file_upload'])),
    tools: agent['enabled'] === false ? [] : tools(arr(agent['tools']), warnings),
    agent_mode: {
      ...(strategy === 'function_call' || strategy === 'react' ? { strategy } : {}),
      max_iterations: Math.min(Math.max(Math.trunc(Number(agent['max_iteration'])) || 5, 1), 20),
    },
  };
  return { config, warnings };
}

function inputForm(items: unknown[], warnings: string[]): UserInputFormItem[] {
  const form: UserInputFormItem[] = [];
  for (const item of items) {
    const [type, raw] = Object.entries(obj(item))[0] ?? [];
    const spec = obj(raw);
    const variable = str(spec['variable']);
    if (!type || !(INPUT_FIELD_TYPES as readonly string[]).includes(type)) {
      warnings.push(`user_input_form: the ${type ?? 'empty'} variable ${variable} is not supported here; left out`);
      continue;
    }
    const field: InputFieldSpec = { label: str(spec['label'], variable), variable, required: spec['required'] === true };
    const maxLength = Number(spec['max_length']);
    if ((type === 'text-input' || type === 'paragraph') && Number.isInteger(maxLength) && maxLength > 0) field.max_length = maxLength;
    if (type === 'select') field.options = arr(spec['options']).map((o) => str(o));
    if (spec['default'] !== undefined && spec['default'] !== null && spec['default'] !== '') field.default = str(spec['default']);
    form.push({ [type]: field });
  }
  return form;
}

function fileUpload(upload: Obj): AppConfig['file_upload'] {
  const image = obj(upload['image']);
  // Newer Dify writes one `file_upload` for every file type; its image part is what this project takes.
  const enabled = image['enabled'] === true || (upload['enabled'] === true && arr(upload['allowed_file_types']).includes('image'));
  const methods = arr(image['transfer_methods'] ?? upload['allowed_file_upload_methods']).filter(
    (m): m is 'remote_url' | 'local_file' => m === 'remote_url' || m === 'local_file',
  );
  const limit = Number(image['number_limits'] ?? upload['number_limits']);
  return {
    image: {
      enabled,
      number_limits: Number.isInteger(limit) && limit >= 1 ? Math.min(limit, 10) : 3,
      detail: str(image['detail']) === 'high' ? 'high' : 'low',
      transfer_methods: methods.length > 0 ? [...new Set(methods)] : ['remote_url', 'local_file'],
    },
  };
}

function tools(entries: unknown[], warnings: string[]): AppToolConfig[] {
  const out: AppToolConfig[] = [];
  for (const entry of entries.map(obj)) {
    if (entry['enabled'] === false) continue;
    const type = TOOL_TYPE_OF_PROVIDER[str(entry['provider_type'])];
    const name = `${str(entry['provider_id'])}/${str(entry['tool_name'])}`;
    if (!type) {
      warnings.push(`agent_mode.tools: ${name} is a ${str(entry['provider_type']) || 'untyped'} tool, which this server does not have`);
      continue;
    }
    const params = Object.fromEntries(
      Object.entries(obj(entry['tool_parameters'])).filter(
        (p): p is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof p[1]) && p[1] !== '',
      ),
    );
    const providerId = type === 'builtin_tool' ? providerName(str(entry['provider_id'])) : str(entry['provider_id']);
    out.push({ type, provider_id: providerId, tool_id: str(entry['tool_name']), params });
  }
  return out;
}

/** An app as Dify's DSL: `app`, `kind`, `version` and the chat app's `model_config`. */
export function dslOf(app: { name: string; icon: string; description: string }, config: AppConfig): Obj {
  const mode = config.tools.length > 0 ? 'agent-chat' : 'chat';
  const image = config.file_upload.image;
  const review = config.review_config;
  return {
    app: { name: app.name, mode, icon: app.icon, icon_background: '#FFEAD5', description: app.description, use_icon_as_answer_icon: false },
    kind: 'app',
    version: DSL_VERSION,
    model_config: {
      model: {
        provider: config.model_config.provider,
        name: config.model_config.model,
        mode: 'chat',
        completion_params: config.model_config.parameters,
      },
      prompt_type: 'simple',
      pre_prompt: config.preset_prompt,
      user_input_form: config.user_input_form,
      opening_statement: config.opening_statement,
      suggested_questions: config.opening_questions,
      suggested_questions_after_answer: { enabled: config.suggested_after_answer.enable },
      sensitive_word_avoidance: {
        enabled: review.enable,
        type: 'keywords',
        config: {
          keywords: review.keywords.join('\n'),
          inputs_config: { enabled: review.inputs_config.enable, preset_response: review.inputs_config.preset_response },
          outputs_config: { enabled: review.outputs_config.enable },
        },
      },
      dataset_configs: {
        retrieval_model: 'multiple',
        top_k: config.retrieval_config.k,
        score_threshold: config.retrieval_config.score,
        score_threshold_enabled: config.retrieval_config.score > 0,
        datasets: { datasets: config.datasets.map((id) => ({ dataset: { enabled: true, id } })) },
      },
      retriever_resource: { enabled: true },
      file_upload: { image: { ...image, transfer_methods: image.transfer_methods } },
      agent_mode: {
        enabled: config.tools.length > 0,
        ...(config.agent_mode.strategy ? { strategy: config.agent_mode.strategy } : {}),
        max_iteration: config.agent_mode.max_iterations,
        tools: config.tools.map((t) => ({
          enabled: true,
          provider_type: t.type.replace('_tool', ''),
          provider_id: t.provider_id,
          tool_name: t.tool_id,
          tool_parameters: t.params,
        })),
      },
      annotation_reply: { enabled: false },
      more_like_this: { enabled: false },
      speech_to_text: { enabled: false },
      text_to_speech: { enabled: false },
    },
  };
}
