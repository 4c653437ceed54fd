import { emitWarning } from "../../callbacks/warnings.js";
import { assignFields } from "../../callbacks/assign-fields.js";
import { describeValue } from "../../callbacks/describe-value.js";
import { RUN_TYPES, type RunType } from "../../schemas/run.js";

const RUN_TYPE_SET: ReadonlySet<string> = new Set(RUN_TYPES);

/**
 * A run's name: the given run name, else the last element of the serialized component's `id`
 * (LangChain's class path), else its `name`, else `fallback` (the run type, for a Run record) —
 * LangChain.js's order.
 *
 * @example
 * runNameOf(undefined, { id: ["langchain", "chat_models", "openai", "ChatOpenAI"] }, "llm"); // "ChatOpenAI"
 */
export function runNameOf(runName: string | undefined, serialized: object | undefined, fallback: string): string {
  if (typeof runName === "string" && runName.length > 0) return runName;
  // LangChain.js's order: the class path's last element, then a bare `name`.
  const { name, id } = (serialized ?? {}) as { name?: unknown; id?: unknown };
  const last: unknown = Array.isArray(id) ? id[id.length - 1] : undefined;
  if (typeof last === "string" && last.length > 0) return last;
  return typeof name === "string" && name.length > 0 ? name : fallback;
}

/**
 * A LangSmith run type; an unknown one becomes "chain", with a warning.
 *
 * @example
 * runTypeOf("prompt"); // "prompt"
 */
export function runTypeOf(runType: string | undefined): RunType {
  if (runType === undefined) return "chain";
  if (RUN_TYPE_SET.has(runType)) return runType as RunType;
  emitWarning("invalid_run_type", `Unknown run type ${JSON.stringify(runType)} recorded as "chain"`);
  return "chain";
}

/**
 * An object as a run's inputs or outputs; anything else is wrapped as `{ [key]: value }` (LangChain's rule).
 *
 * @example
 * asRecord("hello", "input"); // { input: "hello" }
 */
export function asRecord(value: unknown, key: string): Record<string, unknown> {
  // A copy by assignment: the run record adds `usage_metadata` to it, which V8 makes slow on a spread copy.
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? assignFields({}, value)
    : { [key]: value };
}

/**
 * An error as LangChain.js's tracer records it: the message, then the stack.
 *
 * @example
 * stringifyError(new Error("boom")); // "boom\n\nError: boom\n    at …"
 */
export function stringifyError(error: unknown): string {
  try {
    if (error instanceof Error) return error.stack ? `${error.message}\n\n${error.stack}` : error.message;
  } catch {
    // an Error whose message or stack getter throws: described as any other value
  }
  return describeValue(error);
}
