// The Chat Completions format: OpenAI's, and the one Groq, Mistral, Fireworks and Together speak too.
import type { ApiAdapter, Extraction, StreamState } from "./adapter.js";
import { CHAT_USAGE_KEYS, convertOpenAIUsage } from "./openai-usage.js";
import { asArray, asRecord, asString, copyUnknownKeys, isRecord, itemsOf, type JsonRecord } from "../common/records.js";
import { ToolCallAccumulator } from "../stream/tool-calls.js";
import type { ProviderName } from "../common/types.js";
import { missingUsage } from "../wrap/usage-outcome.js";

/**
 * How one OpenAI-compatible provider's LangChain package presents a Chat Completions payload. The
 * format is shared; only these choices differ between OpenAI, Groq, Mistral, Fireworks and Together.
 */
export interface ChatCompletionsProfile {
  provider: ProviderName;
  /** response_metadata.model_provider as the provider's LangChain package sets it. */
  modelProvider: string;
  /** Emit `{}` detail maps when there are no details (langchain-openai does). */
  emptyDetailMaps: boolean;
  /** system_fingerprint reported when the response has none ("" in langchain-openai and ChatFireworks). */
  systemFingerprintDefault?: string;
  /** service_tier reported when the response has none (ChatGroq reports its default, "on_demand"). */
  serviceTierDefault?: string;
  /** Also report the model under `model` (langchain-mistralai does, for backwards compatibility). */
  modelKey: boolean;
}

/** Top-level keys the format defines; anything else a provider adds is kept in response_metadata. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  "id",
  "object",
  "created",
  "model",
  "choices",
  "usage",
  "service_tier",
  "system_fingerprint",
  "x_groq",
  "obfuscation",
]);

/** `{ choices: [...] }`, the Chat Completions response and chunk shape. */
export function isChatCompletion(raw: JsonRecord): boolean {
  return Array.isArray(raw.choices);
}

/** Builds the Chat Completions adapter for one OpenAI-compatible provider. */
export function chatCompletionsAdapter(profile: ChatCompletionsProfile): ApiAdapter {
  return {
    api: "chat_completions",
    responseShape: "Chat Completions ({ choices: [{ message }], usage })",
    chunkShape: "Chat Completions chunk ({ choices: [{ delta }] } or { choices: [], usage })",
    matchesResponse: isChatCompletion,
    matchesChunk: isChatCompletion,
    normalize: (raw) => normalizeChatCompletion(raw, profile),
    createStream: (usageRequested) => new ChatCompletionsStream(profile, usageRequested === true),
  };
}

/** The usage record of a payload: Groq puts it under `x_groq` in streams. */
function usageOf(raw: JsonRecord): unknown {
  if (raw.usage !== undefined && raw.usage !== null) return raw.usage;
  return asRecord(raw.x_groq)?.usage;
}

function firstChoice(raw: JsonRecord): JsonRecord | undefined {
  const choices = asArray(raw.choices);
  if (choices === undefined) return undefined;
  for (const choice of choices) {
    if (isRecord(choice) && (choice.index === undefined || choice.index === 0)) return choice;
  }
  return undefined;
}

function normalizeChatCompletion(raw: JsonRecord, profile: ChatCompletionsProfile): Extraction {
  const choice = firstChoice(raw);
  const message = asRecord(choice?.message);
  const tools = new ToolCallAccumulator();
  for (const item of itemsOf(message?.tool_calls)) {
    const call = asRecord(item);
    const fn = asRecord(call?.function);
    tools.addComplete(call?.id, fn?.name, fn?.arguments, isRecord(fn?.arguments) ? fn.arguments : undefined);
  }
  const usage = usageOf(raw);
  const metadata: JsonRecord = {};
  if (usage !== undefined && usage !== null) metadata.token_usage = usage;
  addCommonMetadata(metadata, raw, profile);
  if ("system_fingerprint" in raw) metadata.system_fingerprint = raw.system_fingerprint;
  else if (profile.systemFingerprintDefault !== undefined)
    metadata.system_fingerprint = profile.systemFingerprintDefault;
  metadata.finish_reason = choice?.finish_reason ?? null;
  if (choice !== undefined && "logprobs" in choice) metadata.logprobs = choice.logprobs;
  copyUnknownKeys(raw, KNOWN_KEYS, metadata);
  return {
    text: contentText(message?.content),
    toolCalls: tools.result(),
    usage: convertOpenAIUsage(usage, "usage", CHAT_USAGE_KEYS, raw.service_tier, profile.emptyDetailMaps),
    metadata,
    modelName: asString(raw.model) ?? null,
    modelProvider: profile.modelProvider,
  };
}

function addCommonMetadata(metadata: JsonRecord, raw: JsonRecord, profile: ChatCompletionsProfile): void {
  if (typeof raw.id === "string") metadata.id = raw.id;
  const tier = raw.service_tier ?? profile.serviceTierDefault;
  if (tier !== undefined && tier !== null) metadata.service_tier = tier;
  if (profile.modelKey && typeof raw.model === "string") metadata.model = raw.model;
}

/** Message content: a string, or (some compatible servers) a list of text parts. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  const parts = asArray(content);
  if (parts === undefined) return "";
  let text = "";
  for (const part of parts) {
    const block = asRecord(part);
    if (block?.type === "text" && typeof block.text === "string") text += block.text;
  }
  return text;
}

/**
 * A Chat Completions stream. Usage in these streams is always the running total, wherever it shows
 * up (OpenAI's final `choices: []` chunk, Mistral's and Together's finish chunk, Groq's
 * `x_groq.usage`, servers that repeat it on every chunk), so the latest record wins: it is never
 * summed, and never lost when only the last chunk has it.
 */
class ChatCompletionsStream implements StreamState {
  private readonly profile: ChatCompletionsProfile;
  private readonly usageRequested: boolean;
  private readonly texts: string[] = [];
  private readonly _tools = new ToolCallAccumulator();
  /** Merged logprobs: each list field (OpenAI's `content`, Together's `tokens`, …) appended in order. */
  private _logprobs: JsonRecord | undefined;
  private sawLogprobsKey = false;
  private finishReason: unknown = null;
  private _usage: unknown;
  private _model: string | undefined;
  private _id: string | undefined;
  private tier: unknown;
  private fingerprint: unknown;
  private extra: JsonRecord | undefined;

  constructor(profile: ChatCompletionsProfile, usageRequested: boolean) {
    this.profile = profile;
    this.usageRequested = usageRequested;
  }

  add(chunk: JsonRecord): void {
    if (this._id === undefined && typeof chunk.id === "string") this._id = chunk.id;
    if (chunk.service_tier !== undefined && chunk.service_tier !== null) this.tier = chunk.service_tier;
    if (typeof chunk.model === "string" && chunk.model !== "") this._model = chunk.model;
    if (typeof chunk.system_fingerprint === "string") this.fingerprint = chunk.system_fingerprint;
    const usage = usageOf(chunk);
    if (isRecord(usage)) this._usage = usage;
    const choices = chunk.choices;
    if (Array.isArray(choices)) {
      for (let i = 0; i < choices.length; i++) {
        const choice: unknown = choices[i];
        if (isRecord(choice) && (choice.index === undefined || choice.index === 0)) this.addChoice(choice);
      }
    }
    for (const key in chunk) {
      if (!KNOWN_KEYS.has(key) && chunk[key] !== null && chunk[key] !== undefined) {
        (this.extra ??= {})[key] = chunk[key];
      }
    }
  }

  private addChoice(choice: JsonRecord): void {
    const delta = choice.delta;
    if (isRecord(delta)) {
      if (typeof delta.content === "string" && delta.content !== "") this.texts.push(delta.content);
      const calls = delta.tool_calls;
      if (Array.isArray(calls)) {
        for (let i = 0; i < calls.length; i++) this.addToolCall(calls[i], i);
      }
    }
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) this.finishReason = choice.finish_reason;
    if ("logprobs" in choice) {
      this.sawLogprobsKey = true;
      if (isRecord(choice.logprobs)) this.addLogprobs(choice.logprobs);
    }
  }

  private addLogprobs(logprobs: JsonRecord): void {
    const merged = (this._logprobs ??= {});
    for (const key in logprobs) {
      const value = logprobs[key];
      const list = merged[key];
      if (Array.isArray(value) && Array.isArray(list)) {
        for (let i = 0; i < value.length; i++) list.push(value[i]);
      } else if (Array.isArray(value)) {
        merged[key] = value.slice();
      } else if (value !== null || !(key in merged)) {
        merged[key] = value;
      }
    }
  }

  private addToolCall(item: unknown, position: number): void {
    if (!isRecord(item)) return;
    const fn = isRecord(item.function) ? item.function : undefined;
    // Some servers (Mistral) send each call whole and without an index: each one is a new call.
    const index = typeof item.index === "number" ? item.index : `#${this._tools.size}-${position}`;
    this._tools.add(index, item.id, fn?.name, fn?.arguments, isRecord(fn?.arguments) ? fn.arguments : undefined);
  }

  finish(): Extraction {
    const profile = this.profile;
    const metadata: JsonRecord = {};
    if (this._usage !== undefined) metadata.token_usage = this._usage;
    addCommonMetadata(metadata, { id: this._id, model: this._model, service_tier: this.tier }, profile);
    if (this.fingerprint !== undefined) metadata.system_fingerprint = this.fingerprint;
    metadata.finish_reason = this.finishReason;
    if (this._logprobs !== undefined) metadata.logprobs = this._logprobs;
    else if (this.sawLogprobsKey) metadata.logprobs = null;
    if (this.extra !== undefined) Object.assign(metadata, this.extra);
    // The hint only where it helps: a stream that asked for usage and lacks it was cut off before the end.
    const hint = this.usageRequested
      ? "; the stream ended before its usage chunk"
      : profile.provider === "openai"
        ? "; request it with stream_options: { include_usage: true }"
        : "";
    return {
      text: this.texts.join(""),
      toolCalls: this._tools.result(),
      usage:
        this._usage === undefined
          ? missingUsage(`no chunk carried usage${hint}`)
          : convertOpenAIUsage(this._usage, "usage", CHAT_USAGE_KEYS, this.tier, profile.emptyDetailMaps),
      metadata,
      modelName: this._model ?? null,
      modelProvider: profile.modelProvider,
    };
  }
}

/** langchain-openai's presentation: empty detail maps, system_fingerprint defaulting to "". */
export const OPENAI_CHAT_PROFILE: ChatCompletionsProfile = {
  provider: "openai",
  modelProvider: "openai",
  emptyDetailMaps: true,
  systemFingerprintDefault: "",
  modelKey: false,
};
