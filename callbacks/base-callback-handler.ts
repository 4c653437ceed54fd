import type { LLMResult } from "../schemas/index.js";

/**
 * A serialized description of the component that started a run (LangChain's `Serialized`: `{ lc, type,
 * id: string[], kwargs? }`, or any object with a `name`). Typed loosely so LangChain.js's own type fits.
 */
export type Serialized = object;

/** Which prompt and which completion a streamed token belongs to. */
export interface NewTokenIndices {
  prompt: number;
  completion: number;
}

/** Extra data with a streamed token: the chunk it came in (a LangChain generation chunk or raw event). */
export interface NewTokenFields {
  chunk?: unknown;
}

/**
 * The callback methods a handler may implement, with LangChain.js's names and positional signatures,
 * so one handler object works with runledger's CallbackManager and with LangChain.js's.
 */
export interface CallbackHandlerMethods {
  handleLLMStart?(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): unknown;
  handleChatModelStart?(
    llm: Serialized,
    messages: unknown[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): unknown;
  handleLLMNewToken?(
    token: string,
    idx: NewTokenIndices,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    fields?: NewTokenFields,
  ): unknown;
  handleLLMEnd?(
    output: LLMResult,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    extraParams?: Record<string, unknown>,
  ): unknown;
  handleLLMError?(
    err: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    extraParams?: Record<string, unknown>,
  ): unknown;
  handleChainStart?(
    chain: Serialized,
    inputs: Record<string, unknown>,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runType?: string,
    runName?: string,
  ): unknown;
  handleChainEnd?(
    outputs: Record<string, unknown>,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    kwargs?: { inputs?: Record<string, unknown> },
  ): unknown;
  handleChainError?(
    err: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    /** `outputs`: runledger's extension, what the run produced before it failed (a generator's values). */
    kwargs?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> },
  ): unknown;
  handleToolStart?(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): unknown;
  handleToolEnd?(output: unknown, runId: string, parentRunId?: string, tags?: string[]): unknown;
  handleToolError?(err: unknown, runId: string, parentRunId?: string, tags?: string[]): unknown;
  handleRetrieverStart?(
    retriever: Serialized,
    query: string,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    name?: string,
  ): unknown;
  handleRetrieverEnd?(documents: unknown[], runId: string, parentRunId?: string, tags?: string[]): unknown;
  handleRetrieverError?(err: unknown, runId: string, parentRunId?: string, tags?: string[]): unknown;
  handleText?(text: string, runId: string, parentRunId?: string, tags?: string[]): unknown;
  handleCustomEvent?(
    eventName: string,
    data: unknown,
    runId: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
  ): unknown;
  /**
   * runledger's extension (LangChain.js ignores it): runs `fn`, the body of run `runId`, inside the
   * handler's own context, e.g. with the run's OpenTelemetry span active so spans of other
   * instrumentations nest under it. Must call `fn` exactly once and return its result.
   */
  wrapRunExecution?<T>(runId: string, fn: () => T): T;
}

/** The flags a handler may set; all default to false. */
export interface CallbackHandlerFields {
  name?: string;
  ignoreLLM?: boolean;
  ignoreChain?: boolean;
  ignoreTool?: boolean;
  ignoreRetriever?: boolean;
  ignoreCustomEvent?: boolean;
  /** As in LangChain.js: skips agent events and this handler's tool events (`handleTool*`). */
  ignoreAgent?: boolean;
  /**
   * Errors thrown or rejected by this handler reach the caller of the start or end method instead of
   * becoming a warning; its promises are awaited (as LangChain.js does).
   */
  raiseError?: boolean;
  /** Promises returned by this handler are awaited by the caller instead of tracked in the background. */
  awaitHandlers?: boolean;
  /**
   * With `awaitHandlers`: how long the caller waits for one of this handler's promises before going
   * on without it (a `handler_timeout` warning, or a `HandlerTimeoutError` with `raiseError`).
   * Default: the process-wide `setDefaultHandlerTimeout` (30,000 ms). `Infinity` waits forever.
   * Synchronous handlers are never timed.
   */
  handlerTimeoutMs?: number;
}

/** Anything accepted as a handler: a plain object or a class instance with some callback methods. */
export type CallbackHandler = CallbackHandlerMethods & CallbackHandlerFields;

/**
 * Base class for handlers. Subclasses implement any of the callback methods; the flags are plain
 * fields. A subclass instance also works when passed to LangChain.js in `callbacks: [...]` (it has the
 * `name` LangChain.js looks for, so LangChain.js uses the instance as it is).
 *
 * @example
 * class TokenCounter extends BaseCallbackHandler {
 *   name = "TokenCounter";
 *   tokens = 0;
 *   handleLLMNewToken() { this.tokens++; }
 * }
 */
export abstract class BaseCallbackHandler implements CallbackHandler {
  abstract name: string;
  ignoreLLM = false;
  ignoreChain = false;
  ignoreTool = false;
  ignoreRetriever = false;
  ignoreCustomEvent = false;
  ignoreAgent = false;
  raiseError = false;
  awaitHandlers = false;
}
