import { z } from 'zod';
import type { ModelSpec } from '../core/llm/model-catalog.js';
import type { CredentialStatus, ProviderView } from '../service/models/llm-model-service.js';
import { envelope, httpUrl } from './common-schema.js';

const providerId = z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a provider id such as openai');
export const providerParams = z.object({ provider: providerId });
export const modelParams = z.object({ provider: providerId, model: z.string().min(1).max(200) });

export const credentialBody = z.object({
  api_key: z.string().trim().min(1, 'must not be empty').max(1024).optional(),
  base_url: httpUrl.optional(),
  models: z
    .array(
      z.object({
        model: z.string().trim().min(1, 'must not be empty').max(200),
        context_window: z.number().int().min(256).max(10_000_000).optional(),
        max_output: z.number().int().min(1).max(1_000_000).optional(),
        features: z.array(z.enum(['tool_call', 'vision', 'stream'])).optional(),
        model_type: z.enum(['chat', 'embedding']).optional().describe('chat unless stated'),
      }),
    )
    .max(100)
    .optional(),
  validate: z.boolean().default(true).describe('make a real one-token call before saving'),
});

const rule = z.object({ default: z.number(), min: z.number(), max: z.number() });
export const modelItem = z.object({
  provider: z.string(),
  model: z.string(),
  label: z.string(),
  model_type: z.enum(['chat', 'embedding']),
  features: z.array(z.string()),
  context_window: z.number().int(),
  max_output: z.number().int(),
  dimensions: z.number().int().optional(),
  price: z.object({ input: z.number(), output: z.number(), unit: z.literal('per_million_tokens'), currency: z.string() }),
  parameters: z.record(z.string(), rule),
});
const credentialItem = z.object({
  configured: z.boolean(),
  source: z.enum(['account', 'environment']).nullable(),
  base_url: z.string(),
  api_key: z.string().describe('masked'),
});
const providerItem = z.object({
  provider: z.string(),
  label: z.string(),
  custom_models: z.boolean(),
  api_key_required: z.boolean(),
  credential: credentialItem,
  models: z.array(modelItem),
});

export const providerListResponse = envelope(z.array(providerItem));
export const modelResponse = envelope(modelItem);
export const credentialResponse = envelope(credentialItem);

export function modelView(spec: ModelSpec): z.infer<typeof modelItem> {
  return {
    provider: spec.provider,
    model: spec.model,
    label: spec.label,
    model_type: spec.type,
    features: spec.features,
    context_window: spec.contextWindow,
    max_output: spec.maxOutput,
    ...(spec.dimensions ? { dimensions: spec.dimensions } : {}),
    price: { input: spec.price.input, output: spec.price.output, unit: 'per_million_tokens', currency: spec.currency },
    parameters: spec.type === 'chat' ? spec.parameters : {},
  };
}

export function credentialView(status: CredentialStatus): z.infer<typeof credentialItem> {
  return { configured: status.configured, source: status.source, base_url: status.baseUrl, api_key: status.apiKeyMasked };
}

export function providerView(view: ProviderView): z.infer<typeof providerItem> {
  return {
    provider: view.provider.id,
    label: view.provider.label,
    custom_models: view.provider.customModels,
    api_key_required: view.provider.apiKeyRequired,
    credential: credentialView(view.credential),
    models: view.models.map(modelView),
  };
}
