// runledger's own additions to the generated table (generated-prices.ts): what the source does not model.
// Written by hand, each with its source; everything else comes from the maintained source.
import type { ModelPrice } from "./price-schema.js";

/**
 * LangChain `ls_provider` names (and common spellings) → the source's provider ids. A source id is
 * accepted as it is.
 */
export const PROVIDER_IDS: Readonly<Record<string, string>> = {
  amazon_bedrock: "aws",
  bedrock: "aws",
  bedrock_converse: "aws",
  google_genai: "google",
  google_vertexai: "google",
  vertexai: "google",
  vertex_ai: "google",
  gemini: "google",
  azure_openai: "azure",
  azure_ai: "azure",
  mistralai: "mistral",
  xai: "x-ai",
  moonshot: "moonshotai",
  together_ai: "together",
  "together-ai": "together",
};

/** A service tier's prices for one model: per-million prices of its own, or the standard ones scaled. */
export type ServiceTierPrice = { scale: number } | { input: number; cache_read?: number; output: number };

/** Service tiers a provider prices apart, keyed by tier then by model (`*`: every model of the provider). */
export interface ServiceTierRule {
  provider: string;
  sources: readonly string[];
  tiers: Readonly<Record<string, Readonly<Record<string, ServiceTierPrice>>>>;
}

/**
 * OpenAI's Flex and Batch processing cost half the standard price of every token kind; Priority has
 * its own price per model (long-context prompts excluded). The usage of a Flex or Priority call
 * carries the tier's keys (`flex`, `flex_cache_read`, …: see the provider fixtures' README), so the
 * tier is read from the usage.
 */
export const SERVICE_TIERS: readonly ServiceTierRule[] = [
  {
    provider: "openai",
    sources: [
      "https://openai.com/api/pricing/",
      "https://platform.openai.com/docs/guides/flex-processing",
      "https://openai.com/api-priority-processing/",
    ],
    tiers: {
      flex: { "*": { scale: 0.5 } },
      batch: { "*": { scale: 0.5 } },
      priority: {
        "gpt-5.4-mini": { input: 1.5, cache_read: 0.15, output: 9 },
        "gpt-5.4": { input: 5, cache_read: 0.5, output: 30 },
        "gpt-5.2": { input: 3.5, cache_read: 0.35, output: 28 },
        "gpt-5.1": { input: 2.5, cache_read: 0.25, output: 20 },
        "gpt-5": { input: 2.5, cache_read: 0.25, output: 20 },
        "gpt-5-mini": { input: 0.45, cache_read: 0.045, output: 3.6 },
        "gpt-4.1": { input: 3.5, cache_read: 0.875, output: 14 },
        "gpt-4.1-mini": { input: 0.7, cache_read: 0.175, output: 2.8 },
        "gpt-4.1-nano": { input: 0.2, cache_read: 0.05, output: 0.8 },
        "gpt-4o": { input: 4.25, cache_read: 2.125, output: 17 },
        "gpt-4o-2024-05-13": { input: 8.75, output: 26.25 },
        "gpt-4o-mini": { input: 0.25, cache_read: 0.125, output: 1 },
      },
    },
  },
];

/** A model the source does not price yet, with where its price was read. */
export interface ExtraModelPrice extends ModelPrice {
  provider: string;
  sources: readonly string[];
}

/**
 * Models named in runledger's seeds and fixtures that the source lacks. Each goes once the source
 * prices it (the generated table is searched first).
 */
export const EXTRA_MODELS: readonly ExtraModelPrice[] = [
  {
    // Fireworks' serverless price for base models of 16.1B to 80B parameters, input and output alike.
    provider: "fireworks",
    model: "accounts/fireworks/models/llama-v3p1-70b-instruct",
    prices: { input: 0.9, output: 0.9 },
    sources: ["https://fireworks.ai/pricing"],
  },
];
