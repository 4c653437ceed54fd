import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { UsageMetadata } from "../../schemas/index.js";

/**
 * A real LangChain.js chat model (a BaseChatModel subclass) that answers with fixed text, usage and
 * response metadata, as a provider integration would: the test double for interop tests.
 */
export class UsageChatModel extends BaseChatModel {
  constructor(private readonly reply: { text: string; usage: UsageMetadata; model: string }) {
    super({});
  }

  _llmType(): string {
    return "usage-fake";
  }

  override invocationParams(): Record<string, unknown> {
    return { model: "requested-model" };
  }

  async _generate(_messages: BaseMessage[]): Promise<ChatResult> {
    const message = new AIMessage({
      content: this.reply.text,
      usage_metadata: this.reply.usage,
      response_metadata: { model_name: this.reply.model, finish_reason: "stop" },
    });
    return { generations: [{ text: this.reply.text, message }] };
  }

  override async *_streamResponseChunks(
    _messages: BaseMessage[],
    _options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const words = this.reply.text.split(" ");
    for (const [i, word] of words.entries()) {
      const last = i === words.length - 1;
      const text = last ? word : `${word} `;
      const chunk = new ChatGenerationChunk({
        text,
        message: new AIMessageChunk({
          content: text,
          // Usage arrives once, on the last chunk, as OpenAI's include_usage stream sends it.
          ...(last ? { usage_metadata: this.reply.usage, response_metadata: { model_name: this.reply.model } } : {}),
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(text, undefined, undefined, undefined, undefined, { chunk });
    }
  }
}
