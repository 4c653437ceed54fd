import type { LLMResult } from "../schemas/index.js";
// callback-manager.js imports this module too; CallbackManager is only used at call time, so the
// cycle is safe in both module systems.
import { CallbackManager } from "./callback-manager.js";
import { runWithCallbackContext } from "./context.js";
import { CALLBACK_EVENTS, dispatch, dispatchToken, reportHandlerError } from "./dispatch.js";
import type { CallbackHandler, NewTokenFields, NewTokenIndices } from "./base-callback-handler.js";

/** What a run manager knows about its run and the handlers that follow it. */
export interface RunManagerInit {
  runId: string;
  parentRunId?: string;
  handlers: readonly CallbackHandler[];
  inheritableHandlers: readonly CallbackHandler[];
  tags: string[];
  inheritableTags: string[];
  metadata: Record<string, unknown>;
  inheritableMetadata: Record<string, unknown>;
  /** Promise of the start event's awaited handlers, when there were any. */
  started?: Promise<void>;
}

const FIRST_TOKEN: NewTokenIndices = Object.freeze({ prompt: 0, completion: 0 });

/**
 * What every run manager shares: the run's id, its handlers, tags and metadata. Event methods need no
 * run id. They return a promise only when a handler with `awaitHandlers` returned one; otherwise
 * undefined (so `await manager.handleX(...)` is always safe and the common case allocates nothing).
 */
export abstract class BaseRunManager {
  readonly runId: string;
  readonly parentRunId: string | undefined;
  readonly handlers: readonly CallbackHandler[];
  readonly inheritableHandlers: readonly CallbackHandler[];
  readonly tags: string[];
  readonly inheritableTags: string[];
  readonly metadata: Record<string, unknown>;
  readonly inheritableMetadata: Record<string, unknown>;
  /** Settles when the start event's awaited handlers have; undefined when none were awaited. */
  readonly started: Promise<void> | undefined;

  constructor(init: RunManagerInit) {
    this.runId = init.runId;
    this.parentRunId = init.parentRunId;
    this.handlers = init.handlers;
    this.inheritableHandlers = init.inheritableHandlers;
    this.tags = init.tags;
    this.inheritableTags = init.inheritableTags;
    this.metadata = init.metadata;
    this.inheritableMetadata = init.inheritableMetadata;
    this.started = init.started;
  }

  /**
   * A manager for runs nested in this one: inheritable handlers, tags and metadata only, plus `tag`
   * as a local tag of the children.
   */
  getChild(tag?: string): CallbackManager {
    return new CallbackManager({
      parentRunId: this.runId,
      handlers: this.inheritableHandlers,
      inheritableHandlers: this.inheritableHandlers,
      tags: tag === undefined ? this.inheritableTags : [...this.inheritableTags, tag],
      inheritableTags: this.inheritableTags,
      metadata: this.inheritableMetadata,
      inheritableMetadata: this.inheritableMetadata,
    });
  }

  /**
   * Runs `fn` as this run's body: runs started inside it (through `CallbackManager.configure`) become
   * its children, and handlers with `wrapRunExecution` (the OpenTelemetry handler) make their context
   * current around it.
   *
   * @example
   * const run = CallbackManager.configure().handleChainStart({ name: "agent" }, { question });
   * const answer = await run.runInContext(() => agent(question));
   * run.handleChainEnd({ answer });
   */
  runInContext<T>(fn: () => T): T {
    const scope = {
      handlers: this.inheritableHandlers,
      parentRunId: this.runId,
      tags: this.inheritableTags,
      metadata: this.inheritableMetadata,
    };
    let body = (): T => runWithCallbackContext(scope, fn);
    for (const handler of this.handlers) {
      if (handler.wrapRunExecution === undefined) continue;
      const wrap: <U>(runId: string, fn: () => U) => U = handler.wrapRunExecution.bind(handler);
      const inner = body;
      body = () => {
        let called = false;
        const once = (): T => {
          called = true;
          return inner();
        };
        try {
          return wrap(this.runId, once);
        } catch (error) {
          // A wrapper that failed before running the body must not cost the user their call.
          if (called) throw error;
          reportHandlerError(handler, "wrapRunExecution", error);
          return inner();
        }
      };
    }
    return body();
  }

  handleText(text: string): Promise<void> | undefined {
    return dispatch(this.handlers, CALLBACK_EVENTS.handleText, text, this.runId, this.parentRunId, this.tags);
  }

  handleCustomEvent(eventName: string, data: unknown): Promise<void> | undefined {
    return dispatch(
      this.handlers,
      CALLBACK_EVENTS.handleCustomEvent,
      eventName,
      data,
      this.runId,
      this.tags,
      this.metadata,
    );
  }
}

/**
 * The manager of one LLM or chat-model run.
 *
 * @example
 * const run = CallbackManager.configure({ callbacks: [handler] }).handleChatModelStart(llm, [messages]);
 * for await (const delta of stream) run.handleLLMNewToken(delta.text);
 * run.handleLLMEnd({ generations: [[{ text, message }]] });
 */
export class CallbackManagerForLLMRun extends BaseRunManager {
  handleLLMNewToken(
    token: string,
    idx: NewTokenIndices = FIRST_TOKEN,
    _runId?: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: NewTokenFields,
  ): Promise<void> | undefined {
    return dispatchToken(this.handlers, token, idx, this.runId, this.parentRunId, this.tags, fields);
  }

  handleLLMEnd(
    output: LLMResult,
    _runId?: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): Promise<void> | undefined {
    return dispatch(
      this.handlers,
      CALLBACK_EVENTS.handleLLMEnd,
      output,
      this.runId,
      this.parentRunId,
      this.tags,
      extraParams,
    );
  }

  handleLLMError(
    err: unknown,
    _runId?: string,
    _parentRunId?: string,
    _tags?: string[],
    extraParams?: Record<string, unknown>,
  ): Promise<void> | undefined {
    return dispatch(
      this.handlers,
      CALLBACK_EVENTS.handleLLMError,
      err,
      this.runId,
      this.parentRunId,
      this.tags,
      extraParams,
    );
  }
}

/** The manager of one chain run (a function, an agent step, a workflow). */
export class CallbackManagerForChainRun extends BaseRunManager {
  handleChainEnd(
    outputs: Record<string, unknown>,
    kwargs?: { inputs?: Record<string, unknown> },
  ): Promise<void> | undefined {
    return dispatch(
      this.handlers,
      CALLBACK_EVENTS.handleChainEnd,
      outputs,
      this.runId,
      this.parentRunId,
      this.tags,
      kwargs,
    );
  }

  handleChainError(
    err: unknown,
    _runId?: string,
    _parentRunId?: string,
    _tags?: string[],
    kwargs?: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> },
  ): Promise<void> | undefined {
    return dispatch(
      this.handlers,
      CALLBACK_EVENTS.handleChainError,
      err,
      this.runId,
      this.parentRunId,
      this.tags,
      kwargs,
    );
  }
}

/** The manager of one tool run. */
export class CallbackManagerForToolRun extends BaseRunManager {
  handleToolEnd(output: unknown): Promise<void> | undefined {
    return dispatch(this.handlers, CALLBACK_EVENTS.handleToolEnd, output, this.runId, this.parentRunId, this.tags);
  }

  handleToolError(err: unknown): Promise<void> | undefined {
    return dispatch(this.handlers, CALLBACK_EVENTS.handleToolError, err, this.runId, this.parentRunId, this.tags);
  }
}

/** The manager of one retriever run. */
export class CallbackManagerForRetrieverRun extends BaseRunManager {
  handleRetrieverEnd(documents: unknown[]): Promise<void> | undefined {
    return dispatch(
      this.handlers,
      CALLBACK_EVENTS.handleRetrieverEnd,
      documents,
      this.runId,
      this.parentRunId,
      this.tags,
    );
  }

  handleRetrieverError(err: unknown): Promise<void> | undefined {
    return dispatch(this.handlers, CALLBACK_EVENTS.handleRetrieverError, err, this.runId, this.parentRunId, this.tags);
  }
}
