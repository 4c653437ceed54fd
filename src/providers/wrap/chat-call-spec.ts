import type { JsonRecord } from "../common/records.js";
import type { ProviderName } from "../common/types.js";
import type { ServingHost } from "./openai-hosts.js";

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
  /** The run's default name: the LangChain chat model class that makes the same call. */
  readonly runName: string;
  /** Request keys that carry the prompt: reported as the run's messages, left out of `invocation_params`. */
  readonly promptKeys: ReadonlySet<string>;
  /** Request keys that may hold the output token limit (`ls_max_tokens`), first present wins. */
  readonly maxTokensKeys: readonly string[];
  /** The request key that holds stop sequences (`ls_stop`). */
  readonly stopKey: string;
  /** The request's messages as the run's input (the system prompt first, when the API keeps it apart). */
  messages(request: JsonRecord): unknown[];
  /** Rewrites the request before it is sent; absent when requests go out unchanged. */
  prepare?(request: JsonRecord): PreparedRequest | undefined;
  /** Reports every text delta of one stream event to `sink`. Called per event: must not allocate. */
  textDeltas(event: JsonRecord, sink: TokenSink): void;
}
