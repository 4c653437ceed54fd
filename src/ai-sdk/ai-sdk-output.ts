import type { ResponseMetadata } from "../../schemas/index.js";
import { asRecord, asString, isRecord, itemsOf, type JsonRecord } from "../providers/common/records.js";
import type { NormalizedResponse, ProviderName } from "../providers/common/types.js";
import { ToolCallAccumulator } from "../providers/stream/tool-calls.js";
import { aiSdkUsage } from "./ai-sdk-usage.js";

// The AI SDK's unified finish reasons, in the spelling of OpenAI and the OpenTelemetry GenAI conventions.
const FINISH_REASONS: Readonly<Record<string, string>> = {
  "tool-calls": "tool_calls",
  "content-filter": "content_filter",
};

/**
 * Gathers one AI SDK model call's output, from a `doGenerate` result or from stream parts as they
 * pass: text, tool calls, finish reason, usage, response id and model, provider metadata. `result()`
 * gives it in runledger's normalized form (`usage_metadata`, `response_metadata`).
 *
 * @example
 * const output = new AISDKOutput("openai.chat", "openai", "gpt-4o-mini");
 * output.addGenerateResult(await model.doGenerate(params));
 * output.result().usage_metadata;
 */
export class AISDKOutput {
  private readonly provider: string;
  private readonly payloadProvider: ProviderName;
  private readonly requestedModel: string;
  // Text pieces, joined once in result(): nothing is allocated per streamed delta.
  private readonly pieces: string[] = [];
  private readonly toolCalls = new ToolCallAccumulator();
  private finishReason: unknown;
  private usage: unknown;
  private providerMetadata: unknown;
  private id: string | undefined;
  private modelId: string | undefined;
  /** True once the model reported how it finished (a `finish` part, or a generate result). */
  finished = false;

  constructor(provider: string, payloadProvider: ProviderName, requestedModel: string) {
    this.provider = provider;
    this.payloadProvider = payloadProvider;
    this.requestedModel = requestedModel;
  }

  /** Reads a `doGenerate` result: its ordered content, finish reason, usage and response information. */
  addGenerateResult(value: unknown): void {
    const result = asRecord(value);
    if (result === undefined) return;
    for (const part of itemsOf(result.content)) {
      if (!isRecord(part)) continue;
      if (part.type === "text" && typeof part.text === "string") this.pieces.push(part.text);
      else if (part.type === "tool-call") this.addToolCall(part);
    }
    this.addResponse(result.response);
    this.finish(result);
  }

  /** Reads one stream part (`LanguageModelV2StreamPart` … `V4StreamPart`); text deltas are the caller's to add. */
  addStreamPart(part: JsonRecord): void {
    switch (part.type) {
      case "text-delta":
        if (typeof part.delta === "string") this.pieces.push(part.delta);
        break;
      case "tool-call":
        this.addToolCall(part);
        break;
      case "response-metadata":
        this.addResponse(part);
        break;
      case "finish":
        this.finish(part);
        break;
    }
  }

  /** The output so far as one normalized response. */
  result(): NormalizedResponse {
    const metadata: ResponseMetadata = {
      model_name: this.modelId ?? this.requestedModel,
      model_provider: this.payloadProvider,
    };
    const reason = finishReasonOf(this.finishReason);
    if (reason !== undefined) metadata.finish_reason = FINISH_REASONS[reason] ?? reason;
    const raw = isRecord(this.finishReason) ? asString(this.finishReason.raw) : undefined;
    if (raw !== undefined) metadata.raw_finish_reason = raw;
    if (this.id !== undefined) metadata.id = this.id;
    if (isRecord(this.providerMetadata)) metadata.provider_metadata = this.providerMetadata;
    const { tool_calls, invalid_tool_calls } = this.toolCalls.result();
    const response: NormalizedResponse = {
      provider: this.payloadProvider,
      text: this.pieces.join(""),
      tool_calls,
      invalid_tool_calls,
      response_metadata: metadata,
    };
    if (this.finished) {
      const usage = aiSdkUsage(this.usage, this.providerMetadata, this.provider);
      if (usage !== undefined) response.usage_metadata = usage;
    }
    return response;
  }

  private addToolCall(part: JsonRecord): void {
    // `input` is the JSON text of the arguments (V2+); parsed once, in result().
    this.toolCalls.addComplete(part.toolCallId, part.toolName, part.input);
  }

  private addResponse(value: unknown): void {
    const response = asRecord(value);
    if (response === undefined) return;
    const id = asString(response.id);
    const modelId = asString(response.modelId);
    if (id !== undefined) this.id = id;
    if (modelId !== undefined && modelId !== "") this.modelId = modelId;
  }

  private finish(part: JsonRecord): void {
    this.finished = true;
    this.finishReason = part.finishReason;
    this.usage = part.usage;
    this.providerMetadata = part.providerMetadata;
  }
}

// V2: a string; V3 and V4: `{ unified, raw }`.
function finishReasonOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  return isRecord(value) ? asString(value.unified) : undefined;
}
