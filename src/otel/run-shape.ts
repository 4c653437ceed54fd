import type { Attributes, SpanKind } from "@opentelemetry/api";
import { otelApi } from "../shared/otel-api.js";
import type { Serialized } from "../../callbacks/index.js";
import { maskRecurringString } from "../export/redact.js";
import { runNameOf } from "../tracing/run-fields.js";
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
 * A run's span name ({@link runNameOf}: run name, else the serialized class or name, else
 * `fallback`) with any credential in it masked.
 *
 * @example
 * maskedRunName(undefined, { id: ["langchain", "tools", "Calculator"] }, "tool"); // → "Calculator"
 */
export function maskedRunName(
  runName: string | undefined,
  serialized: Serialized | undefined,
  fallback: string,
): string {
  // The name becomes the span name and gen_ai.agent.name / gen_ai.tool.name, sent even with content
  // capture off: a credential in it is masked here, once for all of them.
  return maskRecurringString(runNameOf(runName, serialized, fallback));
}

/**
 * A model call (chat, text completion, embeddings): span `{operation} {request model}`, kind CLIENT
 * (the model runs in another process), LangSmith type `llm` (`embedding` for embeddings), with the
 * operation, provider, requested model and `server.address` / `server.port` when known.
 *
 * @example
 * modelShape({ operation: "chat", provider: "openai", model: "gpt-4o-mini" }).spanName; // → "chat gpt-4o-mini"
 */
export function modelShape(request: ModelRequest): RunShape {
  const attributes: Attributes = { [ATTR.GEN_AI_OPERATION_NAME]: request.operation };
  if (request.provider !== undefined) attributes[ATTR.GEN_AI_PROVIDER_NAME] = request.provider;
  if (request.model !== undefined) attributes[ATTR.GEN_AI_REQUEST_MODEL] = request.model;
  if (request.serverAddress !== undefined) attributes[ATTR.SERVER_ADDRESS] = request.serverAddress;
  if (request.serverPort !== undefined) attributes[ATTR.SERVER_PORT] = request.serverPort;
  return {
    spanName: request.model === undefined ? request.operation : `${request.operation} ${request.model}`,
    spanKind: otelApi().SpanKind.CLIENT,
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
  return {
    spanName: `${OPERATION.EXECUTE_TOOL} ${name}`,
    spanKind: otelApi().SpanKind.INTERNAL,
    runType: "tool",
    attributes,
  };
}

/**
 * A retriever run: span `retrieval {gen_ai.data_source.id}` (plain `retrieval` without one), kind
 * CLIENT as the GenAI spec's retrieval span, with the data source id. The data source, first found
 * of: the run's `gen_ai.data_source.id` metadata (set it to your index / collection id), LangChain's
 * `ls_vector_store_provider` metadata, the retriever's run name (its class, e.g.
 * `VectorStoreRetriever`). Credentials in it are masked, as in every name.
 *
 * @example
 * retrieverShape(dataSourceOf({ "gen_ai.data_source.id": "kb-docs" }, "VectorStoreRetriever")).spanName;
 * // → "retrieval kb-docs"
 */
export function retrieverShape(dataSourceId: string | undefined): RunShape {
  const attributes: Attributes = { [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.RETRIEVAL };
  if (dataSourceId !== undefined) attributes[ATTR.GEN_AI_DATA_SOURCE_ID] = dataSourceId;
  return {
    spanName: dataSourceId === undefined ? OPERATION.RETRIEVAL : `${OPERATION.RETRIEVAL} ${dataSourceId}`,
    spanKind: otelApi().SpanKind.CLIENT,
    runType: "retriever",
    attributes,
  };
}

/**
 * The data source of a retriever run (see `retrieverShape`), masked.
 *
 * @example
 * dataSourceOf({ ls_vector_store_provider: "PGVectorStore" }, "VectorStoreRetriever"); // → "PGVectorStore"
 */
export function dataSourceOf(metadata: Readonly<Record<string, unknown>> | undefined, runName: string): string {
  for (const key of [ATTR.GEN_AI_DATA_SOURCE_ID, "ls_vector_store_provider"]) {
    const value = metadata?.[key];
    if (typeof value === "string" && value.length > 0) return maskRecurringString(value);
  }
  return runName;
}

/**
 * The metadata key that sets a chain run's GenAI operation: `invoke_workflow` or `invoke_agent`
 * (other values are ignored). LangChain passes a run's metadata on to its child runs; the key applies
 * to the outermost run that carries it, not to the children that inherit it.
 */
export const OPERATION_METADATA_KEY = ATTR.GEN_AI_OPERATION_NAME;

/**
 * The chain operation a run's metadata asks for (`OPERATION_METADATA_KEY`), if any.
 *
 * @example
 * operationOverrideOf({ "gen_ai.operation.name": "invoke_workflow" }); // → "invoke_workflow"
 */
export function operationOverrideOf(metadata: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = metadata?.[OPERATION_METADATA_KEY];
  return value === OPERATION.INVOKE_WORKFLOW || value === OPERATION.INVOKE_AGENT ? value : undefined;
}

/**
 * A chain run (kind INTERNAL). The rule:
 * - `operation` (from the run's metadata, `OPERATION_METADATA_KEY`) decides when given:
 *   `invoke_workflow {name}` with `gen_ai.workflow.name`, or `invoke_agent {name}`;
 * - else an agent (its name or its component's class name contains "agent", as LangChain's
 *   `AgentExecutor`, LangGraph's `createReactAgent` or any run the user names "…agent…") is
 *   `invoke_agent {name}` with `gen_ai.agent.name`;
 * - else the chain (root or nested: a sequence, a lambda, a graph, a `traceable` function) is a plain
 *   span named after the run, with no GenAI operation: the spec reserves `invoke_workflow` for runs
 *   that group several agents. A root chain becomes one when it runs agents of two or more names
 *   (see `workflowShape`; the handler renames its span then).
 * A chain that reports another LangSmith run type (prompt, parser, …) is a plain span of that type.
 *
 * @example
 * chainShape("research_agent", undefined, undefined, undefined).spanName;    // → "invoke_agent research_agent"
 * chainShape("pipeline", undefined, undefined, "invoke_workflow").spanName;  // → "invoke_workflow pipeline"
 * chainShape("RunnableSequence", undefined, undefined, undefined).spanName;  // → "RunnableSequence"
 */
export function chainShape(
  name: string,
  serialized: Serialized | undefined,
  runType: string | undefined,
  operation: string | undefined,
): RunShape {
  const lsRunType = typeof runType === "string" && runType.length > 0 ? runType : "chain";
  if (lsRunType !== "chain")
    return { spanName: name, spanKind: otelApi().SpanKind.INTERNAL, runType: lsRunType, attributes: {} };
  if (operation === OPERATION.INVOKE_WORKFLOW) return workflowShape(name);
  const className = maskedRunName(undefined, serialized, "");
  if (operation === OPERATION.INVOKE_AGENT || AGENT.test(name) || AGENT.test(className)) {
    return {
      spanName: `${OPERATION.INVOKE_AGENT} ${name}`,
      spanKind: otelApi().SpanKind.INTERNAL,
      runType: "chain",
      attributes: { [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.INVOKE_AGENT, [ATTR.GEN_AI_AGENT_NAME]: name },
    };
  }
  return { spanName: name, spanKind: otelApi().SpanKind.INTERNAL, runType: "chain", attributes: {} };
}

/**
 * A workflow: a chain grouping several agents, span `invoke_workflow {name}` with `gen_ai.workflow.name`.
 *
 * @example
 * workflowShape("support_graph").spanName; // → "invoke_workflow support_graph"
 */
export function workflowShape(name: string): RunShape {
  return {
    spanName: `${OPERATION.INVOKE_WORKFLOW} ${name}`,
    spanKind: otelApi().SpanKind.INTERNAL,
    runType: "chain",
    attributes: { [ATTR.GEN_AI_OPERATION_NAME]: OPERATION.INVOKE_WORKFLOW, [ATTR.GEN_AI_WORKFLOW_NAME]: name },
  };
}
