import { randomUUID } from "node:crypto";

/** The flags LangChain.js's `BaseCallbackHandlerInput` takes. */
export interface FakeHandlerInput {
  ignoreLLM?: boolean;
  ignoreChain?: boolean;
  ignoreAgent?: boolean;
  ignoreRetriever?: boolean;
  raiseError?: boolean;
}

/**
 * The counting handler of @langchain/core's `callbacks/tests/callbacks.test.ts` (FakeCallbackHandler),
 * as a plain class so the same instance can be given to LangChain.js's CallbackManager (the oracle)
 * and to runledger's. Awaited, as LangChain.js awaits a `raiseError` handler.
 */
export class FakeCallbackHandler {
  name = `fake-${randomUUID()}`;
  awaitHandlers = true;
  raiseError = false;
  ignoreLLM = false;
  ignoreChain = false;
  ignoreAgent = false;
  ignoreRetriever = false;
  ignoreCustomEvent = false;
  starts = 0;
  ends = 0;
  errors = 0;
  chainStarts = 0;
  chainEnds = 0;
  llmStarts = 0;
  llmEnds = 0;
  llmStreams = 0;
  toolStarts = 0;
  toolEnds = 0;
  retrieverStarts = 0;
  retrieverEnds = 0;
  texts = 0;
  prompts: string[][] = [];

  constructor(input: FakeHandlerInput = {}) {
    Object.assign(this, input);
    if (input.raiseError === true) this.awaitHandlers = true;
  }

  async handleLLMStart(_llm: unknown, prompts: string[]): Promise<void> {
    this.starts += 1;
    this.llmStarts += 1;
    this.prompts.push(prompts);
  }
  async handleLLMEnd(): Promise<void> {
    this.ends += 1;
    this.llmEnds += 1;
  }
  async handleLLMNewToken(): Promise<void> {
    this.llmStreams += 1;
  }
  async handleLLMError(): Promise<void> {
    this.errors += 1;
  }
  async handleChainStart(): Promise<void> {
    this.starts += 1;
    this.chainStarts += 1;
  }
  async handleChainEnd(): Promise<void> {
    this.ends += 1;
    this.chainEnds += 1;
  }
  async handleChainError(): Promise<void> {
    this.errors += 1;
  }
  async handleToolStart(): Promise<void> {
    this.starts += 1;
    this.toolStarts += 1;
  }
  async handleToolEnd(): Promise<void> {
    this.ends += 1;
    this.toolEnds += 1;
  }
  async handleToolError(): Promise<void> {
    this.errors += 1;
  }
  async handleText(): Promise<void> {
    this.texts += 1;
  }
  async handleRetrieverStart(): Promise<void> {
    this.starts += 1;
    this.retrieverStarts += 1;
  }
  async handleRetrieverEnd(): Promise<void> {
    this.ends += 1;
    this.retrieverEnds += 1;
  }
  async handleRetrieverError(): Promise<void> {
    this.errors += 1;
  }

  /** The counters only, for comparing two handlers. */
  counts(): Record<string, number> {
    const { starts, ends, errors, chainStarts, chainEnds, llmStarts, llmEnds, llmStreams } = this;
    const { toolStarts, toolEnds, retrieverStarts, retrieverEnds, texts } = this;
    return {
      starts,
      ends,
      errors,
      chainStarts,
      chainEnds,
      llmStarts,
      llmEnds,
      llmStreams,
      toolStarts,
      toolEnds,
      retrieverStarts,
      retrieverEnds,
      texts,
    };
  }
}

/** FakeCallbackHandlerWithChatStart of the same file. */
export class FakeCallbackHandlerWithChatStart extends FakeCallbackHandler {
  chatModelStarts = 0;
  async handleChatModelStart(): Promise<void> {
    this.starts += 1;
    this.chatModelStarts += 1;
  }
}

/** FakeCallbackHandlerWithErrors of the same file: raiseError, failing chain and LLM starts. */
export class FakeCallbackHandlerWithErrors extends FakeCallbackHandler {
  constructor(input: FakeHandlerInput) {
    super({ ...input, raiseError: true });
  }
  override async handleChainStart(): Promise<void> {
    throw Error("error!");
  }
  override async handleLLMStart(): Promise<void> {
    throw Error("llm start error!");
  }
}
