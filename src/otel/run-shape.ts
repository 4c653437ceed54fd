import { SpanKind, type Attributes } from "@opentelemetry/api";
import type { Serialized } from "../../callbacks/index.js";
import { maskSecretsInString } from "../export/redact.js";
import { recordOf, type ModelRequest } from "./attributes.js";
import { ATTR, OPERATION } from "./semconv.js";

/** How a run appears as a span: its name, kind, LangSmith run type and GenAI operation. */
export interface RunShape {
  spanName: string;
  spanKind: SpanKind;
  /** LangSmith run type (`langsmith.span.kind`). */
  runType: string;
  /**
   * `gen_ai.*` attributes that identify the operation (operation name, provider and model, tool /
   * agent / workflow name): the span's creation attributes, which samplers see.
   */
  attributes: Attributes;
}

const AGENT = /agent/i;

/**
 * The name of a run: the given run name, else the serialized component's name, else the last part of
 * its id (`["langchain", "chat_models", "openai", "ChatOpenAI"]` → `ChatOpenAI`), else `fallback`.
 *
 * @example
 * runNameOf({ id: ["langchain", "tools", "Calculator"] }, undefined, "tool"); // → "Calculator"
 */
export function runNameOf(serialized: Serialized | undefined, runName: string | undefined, fallback: string): string {
  // The name becomes the span name and gen_ai.agent.name / gen_ai.tool.name, sent even with content
  // capture off: a credential in it is masked here, once for all of them.
  return maskSecretsInString(nameOf(serialized, runName, fallback));
}

function nameOf(serialized: Serialized | undefined, runName: string | undefined, fallback: string): string {
  if (typeof runName === "string" && runName.length > 0) return runName;
  const record = recordOf(serialized);
  const name = record?.name;
  if (typeof name === "string" && name.length > 0) return name;
  const id = record?.id;
  if (Array.isArray(id)) {
    const last: unknown = id[id.length - 1];
    if (typeof last === "string" && last.length > 0) return last;
  }
  return fallback;
}

/**
 * A model call (chat, text completion, embeddings): span `{operation} {request model}`, kind CLIENT
 * (the model runs in another process), LangSmith type `llm` (`embedding` for embeddings), with the
 * operation, provider and requested model.
 *
 * @example
 * modelShape({ operation: "chat", provider: "openai", model: "gpt-4o-mini" }).spanName; // → "chat gpt-4o-mini"
 */
export function modelShape(request: ModelRequest): RunShape {
  const attributes: Attributes = { [ATTR.GEN_AI_OPERATION_NAME]: request.operation };
  if (request.provider !== undefined) attributes[ATTR.GEN_AI_PROVIDER_NAME] = request.provider;
  if (request.model !== undefined) attributes[ATTR.GEN_AI_REQUEST_MODEL] = request.model;
  return {
    spanName: request.model === undefined ? request.operation : `${request.operation} ${request.model}`,
    spanKind: SpanKind.CLIENT,
    runType: request.operation === OPERATION.EMBEDDINGS ? "embedding" : "llm",
    attributes,
  };
}

/**
 * A tool run: span `execute_tool {tool name}`, kind INTERNAL, with the tool's name, call id and
 * description when known.
 *
 * @example
 * toolShape("get_weather", "call_1", undefined).spanName; // → "execute_tool get_weather"
 */
export function toolShape(name: string, toolCallId: string | undefined, serialized: Serialized | undefined): RunShape {
  const attributes: Attributes = {
    [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.EXECUTE_TOOL,
    [ATTR.GEN_AI_TOOL_NAME]: name,
  };
  if (typeof toolCallId === "string" && toolCallId.length > 0) attributes[ATTR.GEN_AI_TOOL_CALL_ID] = toolCallId;
  const description = recordOf(serialized)?.description;
  if (typeof description === "string" && description.length > 0) attributes[ATTR.GEN_AI_TOOL_DESCRIPTION] = description;
  return { spanName: `${OPERATION.EXECUTE_TOOL} ${name}`, spanKind: SpanKind.INTERNAL, runType: "tool", attributes };
}

/**
 * A retriever run: span `retrieval {retriever name}`, kind INTERNAL (LangChain retrievers and vector
 * stores often run in-process; a remote store's HTTP client span nests under it).
 *
 * @example
 * retrieverShape("VectorStoreRetriever").spanName; // → "retrieval VectorStoreRetriever"
 */
export function retrieverShape(name: string): RunShape {
  return {
    spanName: `${OPERATION.RETRIEVAL} ${name}`,
    spanKind: SpanKind.INTERNAL,
    runType: "retriever",
    attributes: { [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.RETRIEVAL },
  };
}

/**
 * A chain run (kind INTERNAL). The rule:
 * - an agent (its name or its component's class name contains "agent", as LangChain's
 *   `AgentExecutor`, LangGraph's `createReactAgent` or any run the user names "…agent…") is
 *   `invoke_agent {name}` with `gen_ai.agent.name`;
 * - any other root chain is `invoke_workflow {name}` with `gen_ai.workflow.name`: the whole
 *   orchestration the user started;
 * - a nested chain that is not an agent (a sequence, a lambda, a prompt template, an output parser)
 *   is a plain span named after the run, with no GenAI operation: it is plumbing, not an operation.
 * A chain that reports another LangSmith run type (prompt, parser, …) is a plain span of that type.
 *
 * @example
 * chainShape("research_agent", undefined, undefined, false).spanName; // → "invoke_agent research_agent"
 * chainShape("pipeline", undefined, undefined, true).spanName;        // → "invoke_workflow pipeline"
 * chainShape("RunnableSequence", undefined, undefined, false).spanName; // → "RunnableSequence"
 */
export function chainShape(
  name: string,
  serialized: Serialized | undefined,
  runType: string | undefined,
  isRoot: boolean,
): RunShape {
  const lsRunType = typeof runType === "string" && runType.length > 0 ? runType : "chain";
  if (lsRunType !== "chain") return { spanName: name, spanKind: SpanKind.INTERNAL, runType: lsRunType, attributes: {} };
  const className = runNameOf(serialized, undefined, "");
  if (AGENT.test(name) || AGENT.test(className)) {
    return {
      spanName: `${OPERATION.INVOKE_AGENT} ${name}`,
      spanKind: SpanKind.INTERNAL,
      runType: "chain",
      attributes: { [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.INVOKE_AGENT, [ATTR.GEN_AI_AGENT_NAME]: name },
    };
  }
  if (isRoot) {
    return {
      spanName: `${OPERATION.INVOKE_WORKFLOW} ${name}`,
      spanKind: SpanKind.INTERNAL,
      runType: "chain",
      attributes: { [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.INVOKE_WORKFLOW, [ATTR.GEN_AI_WORKFLOW_NAME]: name },
    };
  }
  return { spanName: name, spanKind: SpanKind.INTERNAL, runType: "chain", attributes: {} };
}
