import type { z } from "zod";
import { lazySchema } from "../../schemas/lazy-zod.js";

const UsdPerMillion = lazySchema((z) => z.number().finite().nonnegative());

// The price fields every level shares.
const TokenPriceFieldsSchema = lazySchema((z) =>
  z.object({
    /** Input tokens that are neither cache reads, cache writes nor audio. */
    input: UsdPerMillion,
    /** Input tokens read from a prompt cache (`cache_read`). Defaults to `input`. */
    cached_input: UsdPerMillion.optional(),
    /** Input tokens written to a prompt cache (`cache_creation`, 5-minute TTL). Defaults to `input`. */
    cache_write: UsdPerMillion.optional(),
    /** Cache writes with a 1-hour TTL (`ephemeral_1h_input_tokens`). Defaults to `cache_write`. */
    cache_write_1h: UsdPerMillion.optional(),
    /** Output tokens that are neither reasoning nor audio. */
    output: UsdPerMillion,
    /** Reasoning tokens, where priced apart from output. Defaults to `output`. */
    reasoning: UsdPerMillion.optional(),
    /** Audio input tokens. Defaults to `input`. */
    audio_input: UsdPerMillion.optional(),
    /** Audio output tokens. Defaults to `output`. */
    audio_output: UsdPerMillion.optional(),
  }),
);

/** Per-token prices of one model, in USD per million tokens. */
export const TokenPricesSchema = lazySchema((z) => z.strictObject(TokenPriceFieldsSchema.shape));
export type TokenPrices = z.infer<typeof TokenPricesSchema>;

/**
 * Prices with an optional long-prompt band: when a call's `input_tokens` (cache reads and writes
 * included) exceed `above_input_tokens`, every token of that call is priced from the band; fields
 * the band leaves out keep their base price.
 */
export const ModelPricesSchema = lazySchema((z) =>
  z.strictObject({
    ...TokenPriceFieldsSchema.shape,
    long_context: TokenPricesSchema.partial().extend({ above_input_tokens: z.int().positive() }).optional(),
  }),
);
export type ModelPrices = z.infer<typeof ModelPricesSchema>;

/**
 * A price a user registers or passes to `estimateCost`. `model` is matched after the same
 * normalization as the looked-up name (dates, provider prefixes, version suffixes); `provider`
 * (LangChain's `ls_provider` names) picks this entry over another provider's for the same model.
 */
export const ModelPriceSchema = lazySchema((z) =>
  z.strictObject({
    model: z.string().trim().min(1),
    provider: z.string().trim().min(1).optional(),
    aliases: z.array(z.string().trim().min(1)).optional(),
    prices: ModelPricesSchema,
  }),
);
export type ModelPrice = z.infer<typeof ModelPriceSchema>;
/**
 * A price record as `registerPrices` and `estimateCost`'s `prices` option take it. Every price is in
 * USD per million tokens (the unit providers publish), e.g. `{ input: 2.5, cached_input: 1.25, output: 10 }`.
 */
export type ModelPriceInput = z.input<typeof ModelPriceSchema>;
