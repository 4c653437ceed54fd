import type { z } from "zod";
import { lazySchema } from "./lazy-zod.js";

/**
 * Provider response metadata in LangChain's shape. Open: every key the provider's LangChain package
 * keeps (`id`, `finish_reason`, `stop_reason`, `system_fingerprint`, `logprobs`, …) passes through.
 * Once normalized it always has `model_name` (null when the payload does not name its model, as
 * Cohere's does not) and `model_provider`.
 */
export const ResponseMetadataSchema = lazySchema((z) =>
  z.looseObject({
    model_name: z.string().nullable(),
    model_provider: z.string(),
  }),
);
export type ResponseMetadata = z.infer<typeof ResponseMetadataSchema>;
