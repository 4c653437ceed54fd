/**
 * The parts of the AI SDK's language-model specification runledger reads, typed structurally so the
 * `ai` and `@ai-sdk/provider` packages are never imported: `LanguageModelV2` (AI SDK 5), `LanguageModelV3`
 * (AI SDK 6) and `LanguageModelV4` (AI SDK 7). Everything read from these objects is checked at run time.
 */

/** A language model of any supported specification version. */
export interface AISDKLanguageModel {
  readonly specificationVersion: string;
  /** The provider id, e.g. `openai.chat`, `anthropic.messages`, `google.generative-ai`. */
  readonly provider: string;
  readonly modelId: string;
  doGenerate(options: never): PromiseLike<unknown>;
  doStream(options: never): PromiseLike<unknown>;
}

/** The call options (`LanguageModelV2CallOptions` … `V4CallOptions`): prompt, settings, tools, signal. */
export interface AISDKCallOptions {
  prompt?: unknown;
  maxOutputTokens?: number;
  temperature?: number;
  stopSequences?: string[];
  abortSignal?: AbortSignal;
  headers?: Record<string, string | undefined>;
  [key: string]: unknown;
}
