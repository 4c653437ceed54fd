import type { Span } from "@opentelemetry/api";
import { emitWarning } from "../../callbacks/warnings.js";
import type { LLMResult } from "../../schemas/index.js";
import { maskSecretsInString, secretMaskingReplacer } from "../export/redact.js";
import { finishReasonOf, generationsOf, recordOf, stringOf } from "./attributes.js";
import { ATTR } from "./semconv.js";

/** A text part of a GenAI message (the spec's message JSON schema). */
export interface TextPart {
  type: "text";
  content: string;
}
/** Reasoning / thinking content received from the model. */
export interface ReasoningPart {
  type: "reasoning";
  content: string;
}
/** A tool call the model requested. */
export interface ToolCallPart {
  type: "tool_call";
  id: string | null;
  name: string;
  arguments: unknown;
}
/** A tool's result sent back to the model. */
export interface ToolCallResponsePart {
  type: "tool_call_response";
  id: string | null;
  response: unknown;
}
/** Media referenced by URI. */
export interface UriPart {
  type: "uri";
  modality: string;
  uri: string;
  mime_type?: string;
}
/** Media sent inline (base64). */
export interface BlobPart {
  type: "blob";
  modality: string;
  content: string;
  mime_type?: string;
}
/** Any other part, kept with its own fields. */
export interface GenericPart {
  type: string;
  [key: string]: unknown;
}
/** One part of a message. */
export type MessagePart =
  TextPart | ReasoningPart | ToolCallPart | ToolCallResponsePart | UriPart | BlobPart | GenericPart;

/** A message sent to the model (`gen_ai.input.messages` item). */
export interface InputMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
}
/** A message the model returned: one per generation (`gen_ai.output.messages` item). */
export interface OutputMessage extends InputMessage {
  finish_reason: string;
}

/** Content about to be recorded on a span, by kind; what a `ContentMasker` receives. */
export type CapturedContent =
  /** Instructions the provider's API takes apart from the chat history (`gen_ai.system_instructions`). */
  | { kind: "system.instructions"; parts: MessagePart[] }
  | { kind: "input.messages"; messages: InputMessage[] }
  | { kind: "output.messages"; messages: OutputMessage[] }
  | { kind: "tool.arguments"; value: unknown }
  | { kind: "tool.result"; value: unknown }
  | { kind: "retrieval.query"; value: string }
  /** A run's inputs / outputs as LangSmith records them (`gen_ai.prompt` / `gen_ai.completion`). */
  | { kind: "run.inputs"; value: unknown }
  | { kind: "run.outputs"; value: unknown };

/**
 * Redacts or truncates captured content before it is recorded: return the (possibly modified) content
 * of the same kind, or undefined to record nothing. If it throws, nothing is recorded.
 */
export type ContentMasker = (content: CapturedContent) => CapturedContent | undefined;

// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT values that put content on spans: the released
// switch (`true`) and the latest experimental modes that include spans. `EVENT_ONLY`, `NO_CONTENT`,
// `false` and anything else leave spans without content (runledger emits no GenAI events).
const SPAN_CAPTURE_MODES: ReadonlySet<string> = new Set(["TRUE", "SPAN_ONLY", "SPAN_AND_EVENT"]);

/**
 * Whether content is recorded on spans: the option when given, else
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (the GenAI instrumentations' switch): `true`,
 * or the latest experimental modes `SPAN_ONLY` and `SPAN_AND_EVENT` (case-insensitive). Off by
 * default, and for `false`, `NO_CONTENT` and `EVENT_ONLY` (runledger emits no GenAI events): messages
 * and tool arguments are likely to hold personal data.
 *
 * @example
 * contentCaptureEnabled(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true" });      // → true
 * contentCaptureEnabled(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "SPAN_ONLY" }); // → true
 * contentCaptureEnabled(false, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true" });          // → false
 */
export function contentCaptureEnabled(
  option: boolean | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (option !== undefined) return option;
  return SPAN_CAPTURE_MODES.has((env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT ?? "").trim().toUpperCase());
}

// The output-messages schema's finish reasons (stop, length, content_filter, tool_call, error) for
// each provider's own value, compared lower-case: OpenAI, Anthropic, Gemini, Bedrock, Cohere, Mistral,
// Ollama, OpenAI Responses' status.
const FINISH_REASON: Readonly<Record<string, string>> = {
  stop: "stop",
  end_turn: "stop",
  stop_sequence: "stop",
  completed: "stop",
  complete: "stop",
  eos: "stop",
  pause_turn: "stop",
  length: "length",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  incomplete: "length",
  content_filter: "content_filter",
  content_filtered: "content_filter",
  safety: "content_filter",
  recitation: "content_filter",
  blocklist: "content_filter",
  prohibited_content: "content_filter",
  spii: "content_filter",
  image_safety: "content_filter",
  guardrail_intervened: "content_filter",
  refusal: "content_filter",
  tool_calls: "tool_call",
  tool_call: "tool_call",
  tool_use: "tool_call",
  function_call: "tool_call",
  error: "error",
  failed: "error",
  malformed_function_call: "error",
};

/**
 * A provider's finish reason as the GenAI output-messages schema names it (`stop`, `length`,
 * `content_filter`, `tool_call`, `error`); a reason it has no equivalent for is kept as given.
 *
 * @example
 * specFinishReason("end_turn");   // → "stop"
 * specFinishReason("MAX_TOKENS"); // → "length"
 */
export function specFinishReason(reason: string): string {
  return FINISH_REASON[reason.toLowerCase()] ?? reason;
}

const ATTRIBUTE_BY_KIND: Readonly<Record<CapturedContent["kind"], string>> = {
  "system.instructions": ATTR.GEN_AI_SYSTEM_INSTRUCTIONS,
  "input.messages": ATTR.GEN_AI_INPUT_MESSAGES,
  "output.messages": ATTR.GEN_AI_OUTPUT_MESSAGES,
  "tool.arguments": ATTR.GEN_AI_TOOL_CALL_ARGUMENTS,
  "tool.result": ATTR.GEN_AI_TOOL_CALL_RESULT,
  "retrieval.query": ATTR.GEN_AI_RETRIEVAL_QUERY_TEXT,
  "run.inputs": ATTR.GEN_AI_PROMPT,
  "run.outputs": ATTR.GEN_AI_COMPLETION,
};

const ROLE_BY_TYPE: Readonly<Record<string, string>> = {
  human: "user",
  user: "user",
  ai: "assistant",
  assistant: "assistant",
  system: "system",
  developer: "system",
  tool: "tool",
  function: "tool",
};

/**
 * Records captured content on spans as the spec's JSON strings, after the optional masker and with
 * credentials masked (`maskSecrets`). Only created when content capture is on, so with capture off
 * no content is even converted.
 *
 * @example
 * const recorder = new ContentRecorder((c) => c.kind === "tool.result" ? undefined : c);
 * recorder.record(span, { kind: "input.messages", messages: inputMessagesFromPrompts(["Hi"]) });
 */
export class ContentRecorder {
  private readonly mask: ContentMasker | undefined;

  constructor(mask?: ContentMasker) {
    this.mask = mask;
  }

  /** Masks, serializes and sets `content` on `span`; on any failure records nothing (with a warning). */
  record(span: Span, content: CapturedContent): void {
    let masked: CapturedContent | undefined = content;
    if (this.mask !== undefined) {
      try {
        masked = this.mask(content);
      } catch (error) {
        // Failing closed: unmasked content must never reach the exporter.
        emitWarning("content_mask_failed", `maskContent threw on ${content.kind}; nothing recorded`, error);
        return;
      }
      if (masked !== undefined && masked.kind !== content.kind) {
        emitWarning("content_mask_failed", `maskContent returned ${masked.kind} for ${content.kind}; nothing recorded`);
        return;
      }
    }
    if (masked === undefined) return;
    const value = serialize(masked);
    if (value !== undefined) span.setAttribute(ATTRIBUTE_BY_KIND[masked.kind], value);
  }
}

// Credentials are masked whatever the masker did (a key pasted into a prompt, a tool's api_key argument).
function serialize(content: CapturedContent): string | undefined {
  const payload =
    content.kind === "system.instructions"
      ? content.parts
      : content.kind === "input.messages" || content.kind === "output.messages"
        ? content.messages
        : content.value;
  if (typeof payload === "string") return maskSecretsInString(payload);
  try {
    const json: string | undefined = JSON.stringify(payload, secretMaskingReplacer);
    return json;
  } catch (error) {
    emitWarning("otel_attribute_dropped", `Captured ${content.kind} is not serializable; left out of the span`, error);
    return undefined;
  }
}

/**
 * The input messages of an LLM (text-completion) run: each prompt as a user message.
 *
 * @example
 * inputMessagesFromPrompts(["Say hi"]); // → [{ role: "user", parts: [{ type: "text", content: "Say hi" }] }]
 */
export function inputMessagesFromPrompts(prompts: readonly string[]): InputMessage[] {
  return prompts.map((prompt) => ({ role: "user", parts: [{ type: "text", content: prompt }] }));
}

/**
 * The input messages of a chat-model run, from LangChain messages (class instances, their serialized
 * `{ lc, id, kwargs }` form, or plain `{ role | type, content }` objects), in the order sent.
 *
 * @example
 * inputMessagesFromChat([[{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }]]);
 * // → [{ role: "system", parts: [{ type: "text", content: "Be brief" }] }, { role: "user", parts: [...] }]
 */
export function inputMessagesFromChat(messages: readonly unknown[][]): InputMessage[] {
  const converted: InputMessage[] = [];
  for (const batch of Array.isArray(messages) ? messages : []) {
    for (const message of Array.isArray(batch) ? batch : []) converted.push(toMessage(message));
  }
  return converted;
}

/** A chat request's messages split as the spec records them. */
export interface ChatInput {
  /** The system instructions' parts, in order (empty when there are none). */
  system: MessagePart[];
  /** The chat history: every other message. */
  messages: InputMessage[];
}

/**
 * Splits system messages out of a chat request for a provider whose API takes system instructions
 * apart from the chat history (Anthropic's `system`, Bedrock Converse's `system`, Gemini's
 * `systemInstruction`; LangChain's chat models for them move system messages there). The spec:
 * such instructions go in `gen_ai.system_instructions`; instructions that are part of the chat
 * history (OpenAI's system / developer messages) stay in `gen_ai.input.messages`.
 *
 * @example
 * splitSystemInstructions(inputMessagesFromChat([[{ role: "system", content: "Be brief" }, { role: "user", content: "Hi" }]]));
 * // → { system: [{ type: "text", content: "Be brief" }], messages: [{ role: "user", parts: [...] }] }
 */
export function splitSystemInstructions(messages: readonly InputMessage[]): ChatInput {
  const split: ChatInput = { system: [], messages: [] };
  for (const message of messages) {
    if (message.role === "system") split.system.push(...message.parts);
    else split.messages.push(message);
  }
  return split;
}

/**
 * The output messages of an LLM result: one assistant message per generation, with its finish reason
 * in the schema's terms (`specFinishReason`; `unknown` when the provider gave none).
 *
 * @example
 * outputMessages({ generations: [[{ text: "Hello", generationInfo: { finish_reason: "stop" } }]] });
 * // → [{ role: "assistant", parts: [{ type: "text", content: "Hello" }], finish_reason: "stop" }]
 */
export function outputMessages(output: LLMResult): OutputMessage[] {
  return generationsOf(output).map((generation) => {
    const message = recordOf(generation.message);
    const parts = message === undefined ? textParts(generation.text) : messageParts(message);
    const reason = finishReasonOf(generation);
    return { role: "assistant", parts, finish_reason: reason === undefined ? "unknown" : specFinishReason(reason) };
  });
}

function toMessage(raw: unknown): InputMessage {
  if (typeof raw === "string") return { role: "user", parts: textParts(raw) };
  const record = recordOf(raw);
  if (record === undefined) return { role: "user", parts: [] };
  const serialized = serializedMessage(record);
  const fields = serialized?.fields ?? record;
  const role = roleOf(serialized?.type ?? messageType(record), fields);
  const message: InputMessage = { role, parts: role === "tool" ? toolResponseParts(fields) : messageParts(fields) };
  const name = stringOf(fields.name);
  if (name !== undefined) message.name = name;
  return message;
}

// LangChain's serialized form: { lc: 1, type: "constructor", id: [..., "HumanMessage"], kwargs: {...} }.
function serializedMessage(
  record: Record<string, unknown>,
): { type: string; fields: Record<string, unknown> } | undefined {
  if (record.lc !== 1 || !Array.isArray(record.id)) return undefined;
  const className: unknown = record.id[record.id.length - 1];
  const fields = recordOf(record.kwargs);
  if (typeof className !== "string" || fields === undefined) return undefined;
  return { type: className.replace(/(MessageChunk|Message)$/, "").toLowerCase(), fields };
}

function messageType(record: Record<string, unknown>): string | undefined {
  for (const key of ["role", "type"]) {
    const value = stringOf(record[key]);
    if (value !== undefined && value.toLowerCase() in ROLE_BY_TYPE) return value.toLowerCase();
  }
  const getType = (record as { _getType?: unknown; getType?: unknown }).getType ?? record._getType;
  if (typeof getType !== "function") return undefined;
  try {
    return stringOf((getType as () => unknown).call(record));
  } catch {
    return undefined;
  }
}

function roleOf(type: string | undefined, fields: Record<string, unknown>): string {
  if (type !== undefined && type in ROLE_BY_TYPE) return ROLE_BY_TYPE[type] as string;
  // LangChain's generic ChatMessage carries its own role.
  return stringOf(fields.role) ?? "user";
}

function toolResponseParts(fields: Record<string, unknown>): MessagePart[] {
  const id = stringOf(fields.tool_call_id) ?? null;
  return [{ type: "tool_call_response", id, response: fields.content }];
}

function messageParts(fields: Record<string, unknown>): MessagePart[] {
  const parts = contentParts(fields.content);
  const toolCalls = Array.isArray(fields.tool_calls) ? fields.tool_calls : [];
  for (const call of toolCalls) {
    const part = toolCallPart(call);
    // Anthropic messages carry each call twice (a tool_use block and tool_calls): keep one.
    if (part === undefined || (part.id !== null && parts.some((p) => p.type === "tool_call" && p.id === part.id)))
      continue;
    parts.push(part);
  }
  return parts;
}

// LangChain's { id, name, args } or OpenAI's { id, function: { name, arguments: "<json>" } }.
function toolCallPart(call: unknown): ToolCallPart | undefined {
  const record = recordOf(call);
  const fn = recordOf(record?.function);
  const name = stringOf(record?.name) ?? stringOf(fn?.name);
  if (record === undefined || name === undefined) return undefined;
  return {
    type: "tool_call",
    id: stringOf(record.id) ?? null,
    name,
    arguments: record.args ?? parseArguments(fn?.arguments),
  };
}

/**
 * Tool-call arguments as an object when they are a JSON string (the spec asks for a best-effort
 * deserialization), else as they are.
 *
 * @example
 * parseArguments('{"city":"Paris"}'); // → { city: "Paris" }
 * parseArguments("Paris");            // → "Paris"
 */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === "string") return textParts(content);
  if (!Array.isArray(content)) return content === undefined || content === null ? [] : [{ type: "json", content }];
  const parts: MessagePart[] = [];
  for (const block of content) {
    const part = blockPart(block);
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

function textParts(text: unknown): MessagePart[] {
  return typeof text === "string" && text.length > 0 ? [{ type: "text", content: text }] : [];
}

function blockPart(block: unknown): MessagePart | undefined {
  if (typeof block === "string") return { type: "text", content: block };
  const record = recordOf(block);
  const type = stringOf(record?.type);
  if (record === undefined || type === undefined) return undefined;
  switch (type) {
    case "text":
    case "input_text":
    case "output_text":
      return { type: "text", content: typeof record.text === "string" ? record.text : "" };
    case "thinking":
    case "reasoning": {
      const content = stringOf(record.thinking) ?? stringOf(record.reasoning) ?? stringOf(record.text) ?? "";
      return { type: "reasoning", content };
    }
    case "tool_use":
    case "tool_call":
      return {
        type: "tool_call",
        id: stringOf(record.id) ?? null,
        name: stringOf(record.name) ?? "",
        arguments: record.input ?? record.args,
      };
    case "tool_result":
      return { type: "tool_call_response", id: stringOf(record.tool_use_id) ?? null, response: record.content };
    case "image_url":
    case "image":
      return mediaPart(record, "image");
    default:
      return { ...record, type };
  }
}

// image_url blocks ({ image_url: "…" | { url } }) and standard image blocks ({ url } or { data, mimeType }).
function mediaPart(record: Record<string, unknown>, modality: string): MessagePart {
  const imageUrl = record.image_url;
  const url = stringOf(imageUrl) ?? stringOf(recordOf(imageUrl)?.url) ?? stringOf(record.url);
  const inline = url === undefined ? undefined : /^data:([^;,]+)?(?:;base64)?,(.*)$/s.exec(url);
  if (inline !== null && inline !== undefined) {
    const part: BlobPart = { type: "blob", modality, content: inline[2] ?? "" };
    if (inline[1] !== undefined) part.mime_type = inline[1];
    return part;
  }
  if (url !== undefined) return { type: "uri", modality, uri: url };
  const data = stringOf(record.data) ?? stringOf(record.base64);
  if (data !== undefined) {
    const part: BlobPart = { type: "blob", modality, content: data };
    const mime = stringOf(record.mimeType) ?? stringOf(record.mime_type);
    if (mime !== undefined) part.mime_type = mime;
    return part;
  }
  return { ...record, type: record.type as string };
}
