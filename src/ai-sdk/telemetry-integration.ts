import { CallbackManager, type CallbackManagerForToolRun } from "../../callbacks/index.js";
import { asRecord, asString, isRecord } from "../providers/common/records.js";
import type { WrapClientOptions } from "../providers/wrap/wrap-options.js";

/** Options of `runledgerTelemetry` (tool runs are named after their tool). */
export type RunledgerTelemetryOptions = Omit<WrapClientOptions, "runName">;

/**
 * An AI SDK telemetry integration (the `TelemetryIntegration` of `ai` 6: an object of lifecycle
 * listeners), typed structurally.
 */
export interface RunledgerTelemetry {
  onToolCallStart(event: unknown): Promise<void> | undefined;
  onToolCallFinish(event: unknown): Promise<void> | undefined;
}

/**
 * An AI SDK telemetry integration that makes every tool execution of `generateText` / `streamText`
 * (and agents built on them) a tool run, with no wrapping: its input, then its output or error
 * (a tool that throws, or is aborted). Runs go to the ambient handlers (`withCallbacks`,
 * `withUsageMetadata`, a `RunTracer`, the OpenTelemetry handler) and `options.callbacks`, under the
 * current run. Pair it with `runledgerMiddleware`, which records the model calls: the AI SDK's
 * integrations see no model call errors, so they cannot record model runs completely themselves.
 *
 * Register it once for the whole app, or pass it to one call:
 *
 * @example
 * import { generateText, registerTelemetryIntegration } from "ai";
 * import { runledgerTelemetry } from "runledger/ai-sdk";
 *
 * registerTelemetryIntegration(runledgerTelemetry());
 * // or per call: generateText({ model, tools, prompt, experimental_telemetry: { integrations: [runledgerTelemetry()] } })
 */
export function runledgerTelemetry(options?: RunledgerTelemetryOptions): RunledgerTelemetry {
  const given = options ?? {};
  // Tool runs between their start and finish events, by tool call id (unique per call).
  const open = new Map<string, CallbackManagerForToolRun>();
  return {
    onToolCallStart(event: unknown): Promise<void> | undefined {
      const record = asRecord(event);
      const call = asRecord(record?.toolCall);
      const id = asString(call?.toolCallId);
      if (call === undefined || id === undefined) return undefined;
      const name = asString(call.toolName) ?? "tool";
      const metadata = isRecord(record?.metadata) ? record.metadata : undefined;
      const manager = CallbackManager.configure({
        callbacks: given.callbacks,
        tags: given.tags,
        metadata: { ...given.metadata, ...metadata },
      });
      const run = manager.handleToolStart(
        { lc: 1, type: "not_implemented", id: ["ai", "tool", name] },
        inputText(call.input),
        undefined,
        undefined,
        undefined,
        undefined,
        name,
        id,
      );
      open.set(id, run);
      return run.started;
    },
    onToolCallFinish(event: unknown): Promise<void> | undefined {
      const record = asRecord(event);
      const id = asString(asRecord(record?.toolCall)?.toolCallId);
      const run = id === undefined ? undefined : open.get(id);
      if (id === undefined || run === undefined) return undefined;
      open.delete(id);
      return record?.success === true ? run.handleToolEnd(record.output) : run.handleToolError(record?.error);
    },
  };
}

// LangChain's tool runs take their input as text: the AI SDK gives the parsed arguments.
function inputText(input: unknown): string {
  if (typeof input === "string") return input;
  try {
    return JSON.stringify(input) ?? "";
  } catch {
    return String(input);
  }
}
