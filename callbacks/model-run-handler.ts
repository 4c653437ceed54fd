import { BaseCallbackHandler, type Serialized } from "./base-callback-handler.js";

/**
 * The base of handlers that follow model runs only (usage totals, budgets): chain, tool, retriever
 * and custom events are skipped, and both start events (LLM and chat model) open the run the same way.
 * Its methods are synchronous, so awaiting them costs nothing; it makes LangChain.js deliver events
 * inline instead of on its background queue, so counts are complete when a model call returns.
 *
 * @example
 * class CallCounter extends ModelRunHandler {
 *   name = "CallCounter";
 *   calls = 0;
 *   protected openRun(): void { this.calls++; }
 * }
 */
export abstract class ModelRunHandler extends BaseCallbackHandler {
  override ignoreChain = true;
  override ignoreTool = true;
  override ignoreRetriever = true;
  override ignoreCustomEvent = true;
  override awaitHandlers = true;

  handleLLMStart(
    _llm: Serialized,
    _prompts: string[],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.openRun(runId, extraParams, metadata);
  }

  handleChatModelStart(
    _llm: Serialized,
    _messages: unknown[][],
    runId: string,
    _parentRunId?: string,
    extraParams?: Record<string, unknown>,
    _tags?: string[],
    metadata?: Record<string, unknown>,
  ): void {
    this.openRun(runId, extraParams, metadata);
  }

  /** A model run started (`metadata` includes what it inherited). */
  protected abstract openRun(
    runId: string,
    extraParams?: Record<string, unknown>,
    metadata?: Record<string, unknown>,
  ): void;
}
