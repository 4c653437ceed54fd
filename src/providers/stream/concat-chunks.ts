import { emitWarning } from "../../../callbacks/warnings.js";
import { addUsage, type ToolCall, type UsageMetadata } from "../../../schemas/index.js";
import { parseUsage } from "../../../schemas/usage-parse.js";
import { mergeContent, mergeDicts, mergeLists } from "./merge-values.js";
import { parsePartialJson } from "./partial-json.js";
import { isRecord, type JsonRecord } from "../common/records.js";
import type { InvalidToolCall } from "../common/types.js";

/** Message content: text, or a list of content parts (`{ type: "text", text, index? }`, …). */
export type MessageContent = string | unknown[];

/** A piece of a streamed tool call (LangChain's `ToolCallChunk`): pieces with one `index` form one call. */
export interface ToolCallChunk {
  name?: string;
  args?: string;
  id?: string;
  index?: number;
  type?: "tool_call_chunk";
}

/** The fields of a LangChain `AIMessageChunk` that runledger merges. */
export interface MessageChunk {
  content: MessageContent;
  id?: string;
  usage_metadata?: UsageMetadata;
  response_metadata?: JsonRecord;
  additional_kwargs?: JsonRecord;
  tool_call_chunks?: ToolCallChunk[];
  tool_calls?: ToolCall[];
  invalid_tool_calls?: InvalidToolCall[];
}

/**
 * Merges two message chunks the way LangChain's `full = full + chunk` does: contents appended,
 * response_metadata merged (so `logprobs.content` lists are concatenated in order), tool-call chunks
 * merged by index with their argument text appended and re-parsed (partial JSON included, so the
 * tool calls are usable mid-stream), usage added with every detail key kept. Neither input is changed.
 *
 * @example
 * let full: MessageChunk | undefined;
 * for (const chunk of chunks) full = full === undefined ? chunk : concatChunks(full, chunk);
 * full?.response_metadata?.logprobs; // { content: [ …every token's logprob, in order ] }
 */
export function concatChunks(left: MessageChunk, right: MessageChunk): MessageChunk {
  const merged: MessageChunk = { content: mergeContent(left.content ?? "", right.content ?? "") };
  const id = left.id ?? right.id;
  if (id !== undefined) merged.id = id;
  const metadata = mergeOptional(left.response_metadata, right.response_metadata);
  if (metadata !== undefined) merged.response_metadata = metadata;
  const kwargs = mergeOptional(left.additional_kwargs, right.additional_kwargs);
  if (kwargs !== undefined) merged.additional_kwargs = kwargs;
  const pieces = mergeLists(left.tool_call_chunks ?? [], right.tool_call_chunks ?? []) as ToolCallChunk[];
  if (pieces.length > 0) {
    merged.tool_call_chunks = pieces;
    Object.assign(merged, collapseToolCallChunks(pieces));
  } else if (left.tool_calls !== undefined || right.tool_calls !== undefined) {
    merged.tool_calls = [...(left.tool_calls ?? []), ...(right.tool_calls ?? [])];
  }
  if (left.usage_metadata !== undefined || right.usage_metadata !== undefined) {
    merged.usage_metadata = addUsage(validUsage(left.usage_metadata), validUsage(right.usage_metadata));
  }
  return merged;
}

// Chunks come from outside (an SDK, a wire format): usage is read like any untrusted usage record.
function validUsage(raw: unknown): UsageMetadata | undefined {
  if (raw === undefined) return undefined;
  const { usage, problems } = parseUsage(raw);
  if (problems.length > 0) {
    const kept = usage === undefined ? "usage dropped" : "invalid counts dropped, the rest kept";
    emitWarning("invalid_usage", `concatChunks: invalid usage_metadata (${kept}): ${problems.join("; ")}`);
  }
  return usage;
}

function mergeOptional(left: JsonRecord | undefined, right: JsonRecord | undefined): JsonRecord | undefined {
  if (left === undefined && right === undefined) return undefined;
  return mergeDicts(isRecord(left) ? left : {}, isRecord(right) ? right : {});
}

/** Tool calls from merged chunks: arguments parsed as far as they have arrived. */
function collapseToolCallChunks(
  pieces: readonly ToolCallChunk[],
): Pick<MessageChunk, "tool_calls" | "invalid_tool_calls"> {
  const toolCalls: ToolCall[] = [];
  const invalid: InvalidToolCall[] = [];
  for (const piece of pieces) {
    // Untrusted pieces: arguments that are not text cannot be parsed, and are reported as invalid.
    const text = typeof piece.args === "string" ? piece.args : piece.args === undefined ? "" : undefined;
    const args = text === undefined ? undefined : text === "" ? {} : parsePartialJson(text);
    if (isRecord(args) && typeof piece.name === "string" && piece.name !== "") {
      const call: ToolCall = { name: piece.name, args, type: "tool_call" };
      if (piece.id !== undefined) call.id = piece.id;
      toolCalls.push(call);
    } else {
      const call: InvalidToolCall = {
        args: text ?? "",
        error:
          text === undefined
            ? "arguments are not text"
            : isRecord(args)
              ? "the tool call has no name"
              : "arguments are not a JSON object",
        type: "invalid_tool_call",
      };
      if (piece.id !== undefined) call.id = piece.id;
      if (piece.name !== undefined) call.name = piece.name;
      invalid.push(call);
    }
  }
  return { tool_calls: toolCalls, invalid_tool_calls: invalid };
}
