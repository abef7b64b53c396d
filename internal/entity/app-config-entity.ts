/**
 * An app's configuration as stored (jsonb) and sent on the wire: snake_case throughout,
 * so the draft, every published version and the API share one shape.
 */
export interface ModelConfig {
  provider: string;
  model: string;
  parameters: Record<string, number>;
}

export interface ReviewConfig {
  enable: boolean;
  keywords: string[];
  inputs_config: { enable: boolean; preset_response: string };
  outputs_config: { enable: boolean };
}

export interface RetrievalConfig {
  retrieval_strategy: 'semantic' | 'full_text' | 'hybrid';
  k: number;
  score: number;
}

/** The controls an input variable can have, named as Dify names them. */
export const INPUT_FIELD_TYPES = ['text-input', 'paragraph', 'select', 'number'] as const;
export type InputFieldType = (typeof INPUT_FIELD_TYPES)[number];

export interface InputFieldSpec {
  label: string;
  /** The name `{{variable}}` stands for in the prompt and the key of `inputs` in a request. */
  variable: string;
  required: boolean;
  /** text-input and paragraph: longest accepted value. */
  max_length?: number | undefined;
  /** select: the accepted values. */
  options?: string[] | undefined;
  default?: string | undefined;
}

/** One entry of Dify's `user_input_form`: a single key naming the control, e.g. `{ "text-input": { ... } }`. */
export type UserInputFormItem = Partial<Record<InputFieldType, InputFieldSpec>>;

export const FILE_TRANSFER_METHODS = ['remote_url', 'local_file'] as const;
export type FileTransferMethod = (typeof FILE_TRANSFER_METHODS)[number];

/** Dify's `file_upload`: whether a message may carry images, how many, and how they may arrive. */
export interface FileUploadConfig {
  image: { enabled: boolean; number_limits: number; detail: 'low' | 'high'; transfer_methods: FileTransferMethod[] };
}

export const APP_TOOL_TYPES = ['builtin_tool', 'api_tool', 'mcp_tool', 'workflow_tool'] as const;
export type AppToolType = (typeof APP_TOOL_TYPES)[number];

/** Dify's `provider_type` of a tool (DSL files, tool and agent nodes) as the type it has here. */
export const TOOL_TYPE_OF_PROVIDER: Readonly<Record<string, AppToolType>> = {
  builtin: 'builtin_tool',
  api: 'api_tool',
  mcp: 'mcp_tool',
  workflow: 'workflow_tool',
};

/** A tool the app's agent may call; `params` fix the tool's form arguments (the model fills the rest). */
export interface AppToolConfig {
  type: AppToolType;
  /** For built-ins, the provider's name, such as `time`; for API tools, MCP servers and workflow tools, their id. */
  provider_id: string;
  tool_id: string;
  params: Record<string, string | number | boolean>;
}

export const AGENT_STRATEGIES = ['function_call', 'react'] as const;
export type AgentStrategyName = (typeof AGENT_STRATEGIES)[number];

/** Without a strategy: function calling where the model has the tool_call feature, ReAct otherwise. */
export interface AgentModeConfig {
  strategy?: AgentStrategyName | undefined;
  max_iterations: number;
}

export interface AppConfig {
  model_config: ModelConfig;
  preset_prompt: string;
  /** Variables an end user fills in when a conversation starts; `{{variable}}` in the prompt is replaced by the value. */
  user_input_form: UserInputFormItem[];
  dialog_round: number;
  long_term_memory: { enable: boolean };
  opening_statement: string;
  opening_questions: string[];
  suggested_after_answer: { enable: boolean };
  review_config: ReviewConfig;
  /** Knowledge bases searched for every message; the found segments go into the prompt. */
  datasets: string[];
  retrieval_config: RetrievalConfig;
  /** Images sent with a message go to the model with it; the model must have the vision feature. */
  file_upload: FileUploadConfig;
  /** With tools, every message is answered by an agent that may call them. */
  tools: AppToolConfig[];
  agent_mode: AgentModeConfig;
}

export const DEFAULT_APP_CONFIG: AppConfig = {
  model_config: { provider: 'openai', model: 'gpt-4o-mini', parameters: { temperature: 0.5, top_p: 0.85, max_tokens: 1024 } },
  preset_prompt: '',
  user_input_form: [],
  dialog_round: 3,
  long_term_memory: { enable: false },
  opening_statement: '',
  opening_questions: [],
  suggested_after_answer: { enable: true },
  review_config: { enable: false, keywords: [], inputs_config: { enable: false, preset_response: '' }, outputs_config: { enable: false } },
  datasets: [],
  retrieval_config: { retrieval_strategy: 'hybrid', k: 4, score: 0 },
  file_upload: { image: { enabled: false, number_limits: 3, detail: 'low', transfer_methods: ['remote_url', 'local_file'] } },
  tools: [],
  agent_mode: { max_iterations: 5 },
};

/** The app's mode as Dify names it: an app with tools is an agent. */
export function appMode(config: Pick<AppConfig, 'tools'>): 'chat' | 'agent-chat' {
  return config.tools.length > 0 ? 'agent-chat' : 'chat';
}

/** A stored config with any field added since it was written filled from the defaults. */
export function completeConfig(stored: Partial<AppConfig> | null | undefined): AppConfig {
  return { ...DEFAULT_APP_CONFIG, ...(stored ?? {}) };
}

export const DIALOG_ROUND_MAX = 100;
export const OPENING_QUESTIONS_MAX = 10;
export const REVIEW_KEYWORDS_MAX = 100;
export const APP_DATASETS_MAX = 10;
export const INPUT_FIELDS_MAX = 20;
export const IMAGES_PER_MESSAGE_MAX = 10;
export const APP_TOOLS_MAX = 20;
export const AGENT_ITERATIONS_MAX = 20;
