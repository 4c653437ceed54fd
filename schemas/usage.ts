import type { z } from "zod";
import { lazySchema } from "./lazy-zod.js";

/** A token count: a non-negative safe integer. */
export const TokenCountSchema = lazySchema((z) => z.int().nonnegative());

/**
 * Breakdown of input tokens. Every entry is a subset of `input_tokens` (cache reads and writes are
 * counted in `input_tokens` too). The map is open: provider-specific keys such as `text`, `image` or
 * `ephemeral_5m_input_tokens` are kept.
 */
export interface InputTokenDetails {
  audio?: number;
  cache_creation?: number;
  cache_read?: number;
  [key: string]: number | undefined;
}

/** Breakdown of output tokens; `reasoning` is a subset of `output_tokens`. Open like the input map. */
export interface OutputTokenDetails {
  audio?: number;
  reasoning?: number;
  [key: string]: number | undefined;
}

/**
 * Token usage of one model call, in the LangSmith/LangChain shape. The optional cost keys (USD) are
 * where LangSmith reads a run's cost (its `UsageMetadata` has the same five); a caller's are kept.
 */
export interface UsageMetadata {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_token_details?: InputTokenDetails;
  output_token_details?: OutputTokenDetails;
  input_cost?: number;
  output_cost?: number;
  total_cost?: number;
  input_cost_details?: Record<string, number>;
  output_cost_details?: Record<string, number>;
}

// A decimal in plain or exponent notation, as LangSmith's API writes costs ("0.000123", "1.5e-05").
const DECIMAL = /^\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * An amount in USD: a non-negative number, or on read the decimal string LangSmith's API returns
 * (`"0.00042"`), converted to a number.
 */
export const UsdSchema: z.ZodType<number> = lazySchema((z) =>
  z.union([
    z.number().nonnegative(),
    z
      .string()
      .regex(DECIMAL, "not a decimal amount")
      .transform((value) => Number(value)),
  ]),
);

export const InputTokenDetailsSchema: z.ZodType<InputTokenDetails> = lazySchema((z) =>
  z
    .object({
      audio: TokenCountSchema.optional(),
      cache_creation: TokenCountSchema.optional(),
      cache_read: TokenCountSchema.optional(),
    })
    .catchall(TokenCountSchema),
);

export const OutputTokenDetailsSchema: z.ZodType<OutputTokenDetails> = lazySchema((z) =>
  z
    .object({
      audio: TokenCountSchema.optional(),
      reasoning: TokenCountSchema.optional(),
    })
    .catchall(TokenCountSchema),
);

export const UsageMetadataSchema: z.ZodType<UsageMetadata> = lazySchema((z) =>
  z.object({
    input_tokens: TokenCountSchema,
    output_tokens: TokenCountSchema,
    total_tokens: TokenCountSchema,
    input_token_details: InputTokenDetailsSchema.optional(),
    output_token_details: OutputTokenDetailsSchema.optional(),
    input_cost: UsdSchema.optional(),
    output_cost: UsdSchema.optional(),
    total_cost: UsdSchema.optional(),
    input_cost_details: z.record(z.string(), UsdSchema).optional(),
    output_cost_details: z.record(z.string(), UsdSchema).optional(),
  }),
);
