import { describeValue } from "../../../callbacks/describe-value.js";
import type { ToolCall } from "../../../schemas/index.js";
import { isRecord } from "../common/records.js";
import type { InvalidToolCall } from "../common/types.js";

/** Tool calls of one response, split into parsed ones and ones whose arguments were not JSON objects. */
export interface ToolCallResult {
  tool_calls: ToolCall[];
  invalid_tool_calls: InvalidToolCall[];
}

interface PendingCall {
  id: string | undefined;
  name: string | undefined;
  /** Argument text pieces, joined once at the end. */
  pieces: string[];
  /** Arguments that arrived already parsed (Anthropic `input`, Gemini `args`, Ollama `arguments`). */
  parsed: unknown;
}

/**
 * Collects tool calls as they stream: pieces of the same call (same index) are merged, argument
 * text is concatenated and parsed once in `result()`. Adding a piece is O(1) and parses nothing.
 */
export class ToolCallAccumulator {
  private readonly byIndex = new Map<number | string, PendingCall>();
  private readonly order: PendingCall[] = [];

  /** Adds a piece of the call at `index`: any of its id, name, argument text or parsed arguments. */
  add(index: number | string, id: unknown, name: unknown, argsText: unknown, parsedArgs?: unknown): void {
    let call = this.byIndex.get(index);
    if (call === undefined) {
      call = { id: undefined, name: undefined, pieces: [], parsed: undefined };
      this.byIndex.set(index, call);
      this.order.push(call);
    }
    if (typeof id === "string" && id !== "") call.id = id;
    if (typeof name === "string" && name !== "") call.name = name;
    if (typeof argsText === "string" && argsText !== "") call.pieces.push(argsText);
    if (parsedArgs !== undefined) call.parsed = parsedArgs;
  }

  /** Replaces the argument text of the call at `index` with its final, complete value. */
  setArgs(index: number | string, argsText: unknown): void {
    const call = this.byIndex.get(index);
    if (call !== undefined && typeof argsText === "string") call.pieces = [argsText];
  }

  /** Adds a complete call that has no index of its own (it gets the next free position). */
  addComplete(id: unknown, name: unknown, argsText: unknown, parsedArgs?: unknown): void {
    this.add(`#${this.order.length}`, id, name, argsText, parsedArgs);
  }

  /** The index the next complete call would get; lets callers attach later pieces to the last call. */
  get size(): number {
    return this.order.length;
  }

  result(): ToolCallResult {
    const out: ToolCallResult = { tool_calls: [], invalid_tool_calls: [] };
    for (const call of this.order) addFinished(out, call);
    return out;
  }
}

function addFinished(out: ToolCallResult, call: PendingCall): void {
  const text = call.pieces.length === 1 ? (call.pieces[0] ?? "") : call.pieces.join("");
  let args: unknown = call.parsed;
  let error: string | undefined;
  if (text !== "") {
    try {
      args = JSON.parse(text);
    } catch (cause) {
      error = `arguments are not valid JSON: ${describeValue(cause)}`;
    }
  }
  args ??= {};
  if (error === undefined && !isRecord(args)) error = "arguments are not a JSON object";
  if (error !== undefined || call.name === undefined) {
    const invalid: InvalidToolCall = {
      args: text,
      error: error ?? "the tool call has no name",
      type: "invalid_tool_call",
    };
    if (call.id !== undefined) invalid.id = call.id;
    if (call.name !== undefined) invalid.name = call.name;
    out.invalid_tool_calls.push(invalid);
    return;
  }
  const toolCall: ToolCall = { name: call.name, args: args as Record<string, unknown>, type: "tool_call" };
  if (call.id !== undefined) toolCall.id = call.id;
  out.tool_calls.push(toolCall);
}
