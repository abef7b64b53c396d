import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';

const parameterRule = z.object({ default: z.number(), min: z.number(), max: z.number() });
export type ParameterRule = z.infer<typeof parameterRule>;
export const PARAMETER_NAMES = ['temperature', 'top_p', 'max_tokens', 'presence_penalty', 'frequency_penalty'] as const;
export type ParameterName = (typeof PARAMETER_NAMES)[number];

const modelFile = z.object({
  model: z.string().min(1),
  label: z.string(),
  type: z.enum(['chat', 'embedding']),
  features: z.array(z.enum(['tool_call', 'vision', 'stream'])),
  context_window: z.number().int().positive(),
  max_output: z.number().int().min(0),
  dimensions: z.number().int().positive().optional(),
  price: z.object({ input: z.number().min(0), output: z.number().min(0) }),
  parameters: z.partialRecord(z.enum(PARAMETER_NAMES), parameterRule.partial()).optional(),
});

const providerFile = z.object({
  id: z.string().regex(/^[a-z0-9_]+$/),
  label: z.string(),
  base_url: z.string(),
  api_key_required: z.boolean(),
  currency: z.enum(['USD', 'CNY']),
  custom_models: z.boolean().optional(),
  models: z.array(modelFile),
});

export type ModelFeature = 'tool_call' | 'vision' | 'stream';

export interface ModelSpec {
  provider: string;
  model: string;
  label: string;
  type: 'chat' | 'embedding';
  features: ModelFeature[];
  contextWindow: number;
  maxOutput: number;
  dimensions?: number;
  /** Price per million tokens, in the provider's currency. */
  price: { input: number; output: number };
  currency: 'USD' | 'CNY';
  parameters: Record<ParameterName, ParameterRule>;
}

export interface ProviderSpec {
  id: string;
  label: string;
  baseUrl: string;
  apiKeyRequired: boolean;
  currency: 'USD' | 'CNY';
  /** The user names the models (openai_compatible); the catalog lists none of its own. */
  customModels: boolean;
  models: ModelSpec[];
}

/** A model the user declared for a custom provider; unknown limits fall back to safe defaults. */
export interface CustomModel {
  model: string;
  context_window?: number | undefined;
  max_output?: number | undefined;
  features?: ModelFeature[] | undefined;
  model_type?: 'chat' | 'embedding' | undefined;
}

const CUSTOM_DEFAULTS = { contextWindow: 8192, maxOutput: 4096, features: ['stream'] as ModelFeature[] };

function parameterTemplate(maxOutput: number, overrides: Partial<Record<ParameterName, Partial<ParameterRule>>> = {}) {
  const base: Record<ParameterName, ParameterRule> = {
    temperature: { default: 0.7, min: 0, max: 2 },
    top_p: { default: 1, min: 0, max: 1 },
    max_tokens: { default: Math.min(1024, maxOutput), min: 1, max: maxOutput },
    presence_penalty: { default: 0, min: -2, max: 2 },
    frequency_penalty: { default: 0, min: -2, max: 2 },
  };
  for (const name of PARAMETER_NAMES) base[name] = { ...base[name], ...overrides[name] };
  return base;
}

/** Providers and models as data (catalog/*.json), checked when loaded. */
export class ModelCatalog {
  private readonly providers: Map<string, ProviderSpec>;

  constructor(providers: ProviderSpec[]) {
    this.providers = new Map(providers.map((p) => [p.id, p]));
  }

  static load(dir = new URL('./catalog/', import.meta.url)): ModelCatalog {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const providers = files.map((file) => {
      const parsed = providerFile.safeParse(JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
      if (!parsed.success) throw new Error(`model catalog ${file} is invalid: ${parsed.error.message}`);
      const p = parsed.data;
      return {
        id: p.id,
        label: p.label,
        baseUrl: p.base_url,
        apiKeyRequired: p.api_key_required,
        currency: p.currency,
        customModels: p.custom_models ?? false,
        models: p.models.map((m) => ({
          provider: p.id,
          model: m.model,
          label: m.label,
          type: m.type,
          features: m.features,
          contextWindow: m.context_window,
          maxOutput: m.max_output,
          ...(m.dimensions ? { dimensions: m.dimensions } : {}),
          price: m.price,
          currency: p.currency,
          parameters: parameterTemplate(Math.max(1, m.max_output), m.parameters),
        })),
      } satisfies ProviderSpec;
    });
    return new ModelCatalog(providers.sort((a, b) => a.id.localeCompare(b.id)));
  }

  list(): ProviderSpec[] {
    return [...this.providers.values()];
  }

  provider(id: string): ProviderSpec | undefined {
    return this.providers.get(id);
  }

  /** A model of a provider; for custom providers, from the models the user declared. */
  model(providerId: string, model: string, customModels: CustomModel[] = []): ModelSpec | undefined {
    const provider = this.providers.get(providerId);
    if (!provider) return undefined;
    if (!provider.customModels) return provider.models.find((m) => m.model === model);
    const custom = customModels.find((m) => m.model === model);
    return custom ? customModelSpec(provider, custom) : undefined;
  }

  /** The provider's models, with a custom provider's declared models filled in. */
  models(providerId: string, customModels: CustomModel[] = []): ModelSpec[] {
    const provider = this.providers.get(providerId);
    if (!provider) return [];
    return provider.customModels ? customModels.map((m) => customModelSpec(provider, m)) : provider.models;
  }
}

function customModelSpec(provider: ProviderSpec, custom: CustomModel): ModelSpec {
  const maxOutput = custom.max_output ?? CUSTOM_DEFAULTS.maxOutput;
  return {
    provider: provider.id,
    model: custom.model,
    label: custom.model,
    type: custom.model_type ?? 'chat',
    features: custom.features ?? CUSTOM_DEFAULTS.features,
    contextWindow: custom.context_window ?? CUSTOM_DEFAULTS.contextWindow,
    maxOutput,
    price: { input: 0, output: 0 },
    currency: provider.currency,
    parameters: parameterTemplate(maxOutput),
  };
}

/** Problems with `parameters` against the model's template, as `name: message`; empty when valid. */
export function parameterProblems(spec: ModelSpec, parameters: Record<string, number>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parameters)) {
    const rule = spec.parameters[name as ParameterName];
    if (!rule) problems.push(`${name}: is not a parameter of ${spec.model}`);
    else if (value < rule.min || value > rule.max) problems.push(`${name}: must be between ${rule.min} and ${rule.max} for ${spec.model}`);
    else if (name === 'max_tokens' && !Number.isInteger(value)) problems.push(`${name}: must be a whole number`);
  }
  return problems;
}

/** The template's defaults, overlaid with the given values. */
export function effectiveParameters(spec: ModelSpec, parameters: Record<string, number>): Record<ParameterName, number> {
  const result = {} as Record<ParameterName, number>;
  for (const name of PARAMETER_NAMES) result[name] = parameters[name] ?? spec.parameters[name].default;
  return result;
}
