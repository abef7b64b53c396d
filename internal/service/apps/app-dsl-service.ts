import { parameterProblems, type ModelSpec } from '../../core/llm/model-catalog.js';
import { configFromDsl, DslError, dslOf, providerName, readDsl, type DslMode } from '../../core/dsl/chat-dsl.js';
import { graphKnowledgeNodes, graphModels, graphTools, workflowDslOf, workflowFromDsl } from '../../core/dsl/workflow-dsl.js';
import { isGraphMode, type WorkflowSpec } from '../../entity/workflow-entity.js';
import type { WorkflowService } from '../workflow/workflow-service.js';
import { builtinTool } from '../../core/tools/builtin-catalog.js';
import { completeConfig, DEFAULT_APP_CONFIG, type AppConfig, type AppToolConfig } from '../../entity/app-config-entity.js';
import { fetchDocument, type SafeFetch } from '../../lib/ssrf-fetch.js';
import type { App } from '../../model/app.js';
import type { AppService } from './app-service.js';
import type { DatasetService } from '../knowledge/dataset-service.js';
import type { LlmModelService } from '../models/llm-model-service.js';
import type { ToolSources } from '../tools/agent-loop.js';
import { missingTools } from '../tools/configured-tools.js';
import type { Actor } from '../identity/permissions.js';
import { isUuid } from '../../lib/uuid.js';

/** Dify's own cap on a DSL file. */
const DSL_MAX_BYTES = 10 * 1024 * 1024;

export interface DslSource {
  mode: 'yaml-content' | 'yaml-url';
  yamlContent?: string | undefined;
  yamlUrl?: string | undefined;
  defaultModel?: { provider: string; model: string } | undefined;
}

/** A DSL file read and fitted to this workspace, before the app is made. */
export interface PreparedImport {
  version: string;
  mode: DslMode;
  app: { name: string; icon: string; description: string };
  config: AppConfig;
  /** A workflow or chatflow file's graph and variables. */
  spec?: WorkflowSpec;
  warnings: string[];
}

export class DslImportError extends Error {
  constructor(
    message: string,
    readonly version = '',
  ) {
    super(message);
    this.name = 'DslImportError';
  }
}

/** What AppDslService is built from (named, so the composition root reads as a list). */
export interface AppDslServiceDeps {
  apps: AppService;
  llmModels: LlmModelService;
  datasets: DatasetService;
  tools: ToolSources;
  fetch: SafeFetch;
  workflows: WorkflowService;
}

/**
 * Import and export of apps as Dify DSL files. Chat and agent-chat apps map to this project's app
 * config; models, knowledge bases and tools the file names but this workspace lacks become warnings
 * (and are left out, or the model replaced by `default_model`), so the app is still made.
 */
export class AppDslService {
  private readonly apps: AppService;
  private readonly llmModels: LlmModelService;
  private readonly datasets: DatasetService;
  private readonly tools: ToolSources;
  private readonly fetch: SafeFetch;
  private readonly workflows: WorkflowService;

  constructor(deps: AppDslServiceDeps) {
    this.apps = deps.apps;
    this.llmModels = deps.llmModels;
    this.datasets = deps.datasets;
    this.tools = deps.tools;
    this.fetch = deps.fetch;
    this.workflows = deps.workflows;
  }

  async prepare(workspaceId: string, source: DslSource, signal: AbortSignal): Promise<PreparedImport> {
    const text = source.mode === 'yaml-url' ? await this.download(source.yamlUrl ?? '', signal) : (source.yamlContent ?? '');
    if (!text.trim()) throw new DslImportError(source.mode === 'yaml-url' ? 'the URL answered an empty file' : 'yaml_content is empty');
    const { parse } = await import('yaml');
    let parsed;
    try {
      parsed = readDsl(parse(text, { maxAliasCount: 100 }));
    } catch (err) {
      if (err instanceof DslError) throw new DslImportError(err.message);
      throw new DslImportError(`the file is not YAML: ${(err as Error).message.split('\n')[0]}`);
    }
    if (parsed.app.mode === 'workflow' || parsed.app.mode === 'advanced-chat') {
      let imported;
      try {
        imported = workflowFromDsl(parsed.workflow, parsed.app.mode);
      } catch (err) {
        throw new DslImportError((err as Error).message, parsed.version);
      }
      await this.fitGraphModels(workspaceId, imported.spec, source.defaultModel, imported.warnings);
      await this.fitGraphDatasets(workspaceId, imported.spec, imported.warnings);
      await this.checkGraphTools(workspaceId, imported.spec, imported.warnings);
      const { spec, warnings } = imported;
      return { version: parsed.version, mode: parsed.app.mode, app: parsed.app, config: DEFAULT_APP_CONFIG, spec, warnings };
    }
    if (parsed.app.mode !== 'chat' && parsed.app.mode !== 'agent-chat') {
      throw new DslImportError(
        `app.mode: ${parsed.app.mode} apps cannot be imported; this server runs chat, agent-chat, workflow and advanced-chat apps`,
        parsed.version,
      );
    }
    const { config, warnings } = configFromDsl(parsed.modelConfig);
    await this.fitModel(workspaceId, config, source.defaultModel, warnings);
    await this.fitDatasets(workspaceId, config, warnings);
    await this.fitTools(workspaceId, config, warnings);
    return { version: parsed.version, mode: parsed.app.mode, app: parsed.app, config, warnings };
  }

  async create(
    actor: Actor,
    app: { name: string; icon?: string | undefined; description: string },
    prepared: PreparedImport,
  ): Promise<App> {
    if (!prepared.spec) return this.apps.create(actor, { ...app, draftConfig: prepared.config });
    const created = await this.apps.create(actor, { ...app, mode: prepared.mode as 'workflow' | 'advanced-chat' });
    await this.workflows.importDraft(created.id, prepared.spec, actor.accountId);
    return created;
  }

  /** The app's draft as a DSL file Dify imports; secret environment values only when asked for. */
  async export(workspaceId: string, appId: string, includeSecrets = false): Promise<string> {
    const app = await this.apps.get(workspaceId, appId);
    const { stringify } = await import('yaml');
    if (isGraphMode(app.mode)) {
      const { workflow } = await this.workflows.draft(workspaceId, appId);
      const spec = includeSecrets
        ? this.workflows.openSpec(workflow.spec)
        : {
            ...workflow.spec,
            environment_variables: workflow.spec.environment_variables.map((v) => (v.value_type === 'secret' ? { ...v, value: '' } : v)),
          };
      return stringify(workflowDslOf({ ...app, mode: app.mode }, spec), { lineWidth: 0 });
    }
    return stringify(dslOf(app, completeConfig(app.draftConfig)), { lineWidth: 0 });
  }

  /** Each node's model this workspace cannot call: replaced by `default_model` where given, else kept with a warning. */
  private async fitGraphModels(
    workspaceId: string,
    spec: WorkflowSpec,
    defaultModel: DslSource['defaultModel'],
    warnings: string[],
  ): Promise<void> {
    for (const { node, key, title, provider, name } of graphModels(spec)) {
      if (await this.usableModel(workspaceId, providerName(provider), name)) continue;
      if (defaultModel) {
        if (!(await this.usableModel(workspaceId, defaultModel.provider, defaultModel.model))) {
          throw new DslImportError(`default_model: ${defaultModel.provider}/${defaultModel.model} is not usable in this workspace`);
        }
        warnings.push(`${title}: ${provider}/${name} has no credentials here; replaced by ${defaultModel.provider}/${defaultModel.model}`);
        node['provider'] = defaultModel.provider;
        node[key] = defaultModel.model;
      } else {
        warnings.push(
          `${title}: ${provider}/${name} cannot be called here (no such model, or no credentials); choose another before running`,
        );
      }
    }
  }

  private async download(url: string, signal: AbortSignal): Promise<string> {
    // A file's page on GitHub is its raw text one host over, as Dify reads it.
    const raw = url.replace(/^https:\/\/github\.com\/([^/]+\/[^/]+)\/blob\//, 'https://raw.githubusercontent.com/$1/');
    const read = await fetchDocument(this.fetch, raw, { signal, maxBytes: DSL_MAX_BYTES });
    if ('problem' in read) throw new DslImportError(`yaml_url: ${read.problem}`);
    return read.text;
  }

  /** A model this workspace cannot call is replaced by `default_model` where given, else kept with a warning. */
  private async fitModel(
    workspaceId: string,
    config: AppConfig,
    defaultModel: DslSource['defaultModel'],
    warnings: string[],
  ): Promise<void> {
    const wanted = config.model_config;
    let spec = await this.usableModel(workspaceId, wanted.provider, wanted.model);
    if (!spec && defaultModel) {
      spec = await this.usableModel(workspaceId, defaultModel.provider, defaultModel.model);
      if (!spec) throw new DslImportError(`default_model: ${defaultModel.provider}/${defaultModel.model} is not usable in this workspace`);
      warnings.push(
        `model_config.model: ${wanted.provider}/${wanted.model} has no credentials here; replaced by ${spec.provider}/${spec.model}`,
      );
      config.model_config = { provider: spec.provider, model: spec.model, parameters: wanted.parameters };
    } else if (!spec) {
      warnings.push(
        `model_config.model: ${wanted.provider}/${wanted.model} cannot be called here (no such model, or no credentials); choose another before chatting`,
      );
    }
    if (spec) {
      for (const problem of parameterProblems(spec, config.model_config.parameters)) {
        const name = problem.split(':')[0]!;
        delete config.model_config.parameters[name];
        warnings.push(`model_config.parameters.${problem}; left out`);
      }
      if (config.file_upload.image.enabled && !spec.features.includes('vision')) {
        config.file_upload.image.enabled = false;
        warnings.push(`file_upload: ${spec.model} does not read images; image upload switched off`);
      }
    }
  }

  /** Knowledge nodes keep the datasets this workspace has; the others are named in a warning. */
  private async fitGraphDatasets(workspaceId: string, spec: WorkflowSpec, warnings: string[]): Promise<void> {
    for (const data of graphKnowledgeNodes(spec)) {
      const wanted = Array.isArray(data['dataset_ids']) ? data['dataset_ids'].filter((id): id is string => typeof id === 'string') : [];
      const owned = new Set(await this.datasets.ownedIds(workspaceId, wanted.filter(isUuid)));
      const missing = wanted.filter((id) => !owned.has(id));
      if (missing.length === 0) continue;
      warnings.push(
        `${String(data['title'] ?? 'knowledge-retrieval')}: knowledge bases ${missing.join(', ')} are not in this workspace; left out`,
      );
      data['dataset_ids'] = wanted.filter((id) => owned.has(id));
    }
  }

  /** Tool and agent nodes whose tools this workspace lacks stay in the graph (they fail when run) and are named in a warning. */
  private async checkGraphTools(workspaceId: string, spec: WorkflowSpec, warnings: string[]): Promise<void> {
    for (const { title, type, provider, tool } of graphTools(spec)) {
      const entry = { provider_id: provider, tool_id: tool, params: {} };
      const found =
        type === 'builtin'
          ? builtinTool(providerName(provider), tool) !== undefined
          : (type === 'api' || type === 'mcp' || type === 'workflow') && isUuid(provider)
            ? (await missingTools(this.tools, workspaceId, [{ ...entry, type: `${type}_tool` }])).length === 0
            : false;
      if (!found)
        warnings.push(
          `${title}: the ${type || 'untyped'} tool ${provider}/${tool} does not exist in this workspace; the node fails until it is replaced`,
        );
    }
  }

  private async usableModel(workspaceId: string, provider: string, model: string): Promise<ModelSpec | undefined> {
    if (!(await this.llmModels.providerKeys(workspaceId, provider))) return undefined;
    return this.llmModels.getModel(workspaceId, provider, model).catch(() => undefined);
  }

  private async fitDatasets(workspaceId: string, config: AppConfig, warnings: string[]): Promise<void> {
    const owned = new Set(await this.datasets.ownedIds(workspaceId, config.datasets));
    for (const id of config.datasets.filter((d) => !owned.has(d)))
      warnings.push(`dataset_configs: knowledge base ${id} is not in this workspace; left out`);
    config.datasets = config.datasets.filter((d) => owned.has(d));
  }

  private async fitTools(workspaceId: string, config: AppConfig, warnings: string[]): Promise<void> {
    const others = config.tools.filter((t) => t.type !== 'builtin_tool');
    const missing = new Set(await missingTools(this.tools, workspaceId, others));
    const kept: AppToolConfig[] = [];
    const seen = new Set<string>();
    for (const tool of config.tools) {
      const name = `${tool.provider_id}/${tool.tool_id}`;
      if (seen.has(name)) continue;
      seen.add(name);
      if (tool.type !== 'builtin_tool') {
        if (missing.has(name) || !isUuid(tool.provider_id)) {
          warnings.push(`agent_mode.tools: ${name} does not exist in this workspace; left out`);
        } else kept.push(tool);
        continue;
      }
      const found = builtinTool(tool.provider_id, tool.tool_id);
      if (!found) {
        warnings.push(`agent_mode.tools: there is no built-in tool ${name} here; left out`);
        continue;
      }
      const params = Object.fromEntries(
        Object.entries(tool.params).filter(([key, value]) => {
          const param = found.tool.params.find((p) => p.name === key);
          const fits = param?.type === 'select' ? param.options?.includes(String(value)) : param && typeof value === param.type;
          if (!fits) warnings.push(`agent_mode.tools: ${name} takes no ${key} of ${JSON.stringify(value)}; left out`);
          return fits;
        }),
      );
      kept.push({ ...tool, params });
    }
    config.tools = kept.slice(0, 20);
  }
}
