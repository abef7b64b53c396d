import type { ModelSpec } from './model-catalog.js';

/** Usage and price in the shape Dify clients read from `message_end.metadata.usage`. */
export interface UsageReport {
  prompt_tokens: number;
  prompt_unit_price: string;
  prompt_price_unit: string;
  prompt_price: string;
  completion_tokens: number;
  completion_unit_price: string;
  completion_price_unit: string;
  completion_price: string;
  total_tokens: number;
  total_price: string;
  currency: string;
  latency: number;
  time_to_first_token: number;
}

const PER_MILLION = '0.000001';

export function usageReport(
  spec: Pick<ModelSpec, 'price' | 'currency'>,
  promptTokens: number,
  completionTokens: number,
  latencySeconds: number,
  firstTokenSeconds: number,
): UsageReport & { totalPriceNumber: number } {
  const promptPrice = (promptTokens * spec.price.input) / 1e6;
  const completionPrice = (completionTokens * spec.price.output) / 1e6;
  const total = promptPrice + completionPrice;
  return {
    prompt_tokens: promptTokens,
    prompt_unit_price: String(spec.price.input),
    prompt_price_unit: PER_MILLION,
    prompt_price: promptPrice.toFixed(7),
    completion_tokens: completionTokens,
    completion_unit_price: String(spec.price.output),
    completion_price_unit: PER_MILLION,
    completion_price: completionPrice.toFixed(7),
    total_tokens: promptTokens + completionTokens,
    total_price: total.toFixed(7),
    currency: spec.currency,
    latency: round(latencySeconds),
    time_to_first_token: round(firstTokenSeconds),
    // Stored as the same 7-decimal figure the client saw, so sums in SQL match the streamed prices.
    totalPriceNumber: Number(total.toFixed(7)),
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
