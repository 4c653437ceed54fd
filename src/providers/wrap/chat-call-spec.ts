import type { JsonRecord } from "../common/records.js";
import type { ProviderName } from "../common/types.js";
import type { ServerLocation, ServingHost } from "./openai-hosts.js";

/** Receives the text deltas of one stream event (the wrapper's per-token hook; allocation-free). */
export interface TokenSink {
  /** `index` is the completion (choice) the text belongs to; 0 for single-completion APIs. */
  token(text: string, index: number, event: JsonRecord): void;
}

/** A request as it goes to the provider, plus what the wrapper must hide of the stream it answers. */
export interface PreparedRequest {
  request: JsonRecord;
  /** Stream events that exist only because the wrapper asked for them: counted, never shown to the caller. */
  hideEvent?: (event: JsonRecord) => boolean;
}

/**
 * What a provider wrapper contributes for one instrumented method (e.g. OpenAI's
 * `chat.completions.create`): how to read the request and the stream events. The shared machinery
 * (wrap-client) does the rest.
 */
export interface ChatCallSpec {
  /** The provider the normalizer reads the responses as, and `ls_provider` unless `host` names another. */
  readonly provider: ProviderName;
  /** The service that serves the calls, when known (an OpenAI-compatible host): it names `ls_provider`. */
  readonly host?: ServingHost;
  /** Where the calls go, for SDKs of one provider (no `host` to name): the run's `server_address` / `server_port`. */
  readonly server?: ServerLocation;
  /** The run's default name: the LangChain chat model class that makes the same call. */
  readonly runName: string;
  /** Request keys that carry the prompt: reported as the run's messages, left out of `invocation_params`. */
  readonly promptKeys: ReadonlySet<string>;
  /** Request keys that may hold the output token limit (`ls_max_tokens`), first present wins. */
  readonly maxTokensKeys: readonly string[];
  /** The request key that holds stop sequences (`ls_stop`). */
  readonly stopKey: string;
  /**
   * The request as the run reports it, when the SDK's request is not flat: `model`, the sampling
   * parameters and the prompt keys at the top (Gemini's `config`, Bedrock's `modelId` and
   * `inferenceConfig`). Every other member reads this view; absent when the request is flat already.
   */
  view?(request: JsonRecord): JsonRecord;
  /** True when the method always streams (Mistral's `chat.stream`); otherwise `request.stream === true` says. */
  readonly streams?: boolean;
  /** The request's messages as the run's input (the system prompt first, when the API keeps it apart). */
  messages(request: JsonRecord): unknown[];
  /** Rewrites the request before it is sent; absent when requests go out unchanged. */
  prepare?(request: JsonRecord): PreparedRequest | undefined;
  /**
   * The provider's payload in a plain call's result, as the normalizers read it (the API's own
   * spelling, when the SDK renamed its keys); absent when the result is the payload.
   */
  response?(result: unknown): unknown;
  /** The async iterable of events in a streaming call's result; absent when the result is the stream. */
  stream?(result: unknown): unknown;
  /**
   * One stream item as the provider sent it (decoded, in the API's own spelling), or undefined to
   * let it pass unread; absent when the SDK yields the API's events as they are.
   */
  event?(item: JsonRecord): JsonRecord | undefined;
  /**
   * Puts a budget's abort signal into the call's arguments (joined with the caller's); absent when
   * the SDK has no per-call signal runledger knows of.
   */
  abortSignal?(args: unknown[], signal: AbortSignal): void;
  /** Reports every text delta of one stream event to `sink`. Called per event: must not allocate. */
  textDeltas(event: JsonRecord, sink: TokenSink): void;
}
