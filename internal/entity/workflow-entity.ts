/** What an app is, chosen at creation: chat apps run a config, workflow and chatflow apps run a graph. */
export const APP_MODES = ['chat', 'agent-chat', 'workflow', 'advanced-chat'] as const;
export type AppModeName = (typeof APP_MODES)[number];

export const isGraphMode = (mode: string): mode is 'workflow' | 'advanced-chat' => mode === 'workflow' || mode === 'advanced-chat';

/** A workflow run's status, named as Dify names it. */
export const WorkflowRunStatus = {
  Running: 'running',
  Succeeded: 'succeeded',
  PartialSucceeded: 'partial-succeeded',
  Failed: 'failed',
  Stopped: 'stopped',
} as const;
export type WorkflowRunStatus = (typeof WorkflowRunStatus)[keyof typeof WorkflowRunStatus];

/** The error a run carries when the server stopped under it. */
export const WORKFLOW_INTERRUPTED_ERROR = 'the run was interrupted: the server stopped while it was running';

/** Where a run was started: the editor's debug run, or published traffic (Dify's `triggered_from`). */
export const WorkflowTrigger = { Debugging: 'debugging', AppRun: 'app-run' } as const;
export type WorkflowTrigger = (typeof WorkflowTrigger)[keyof typeof WorkflowTrigger];

/** A graph and its settings, as the editor saves it and a version freezes it. */
export interface WorkflowSpec {
  graph: { nodes: unknown[]; edges: unknown[]; viewport?: unknown };
  features: Record<string, unknown>;
  environment_variables: EnvironmentVariable[];
  conversation_variables: ConversationVariable[];
}

export interface EnvironmentVariable {
  id?: string | undefined;
  name: string;
  value_type: 'string' | 'number' | 'secret';
  value: string | number;
  description?: string | undefined;
}

export interface ConversationVariable {
  id?: string | undefined;
  name: string;
  value_type: string;
  value: unknown;
  description?: string | undefined;
}
