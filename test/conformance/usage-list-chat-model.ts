import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import type { UsageMetadata } from "../../schemas/index.js";

/**
 * A real LangChain.js chat model answering with the next of a list of messages, each with its usage
 * and the model's name in response_metadata: LangChain's FakeChatModelWithResponseMetadata of
 * test_usage_callback.py (a GenericFakeChatModel over `iter(messages)`).
 */
export class UsageListChatModel extends BaseChatModel {
  private next = 0;

  constructor(
    private readonly usages: readonly UsageMetadata[],
    private readonly modelName: string,
  ) {
    super({});
  }

  _llmType(): string {
    return "usage-list-fake";
  }

  async _generate(): Promise<ChatResult> {
    const usage = this.usages[this.next++ % this.usages.length] as UsageMetadata;
    const text = `Response ${this.next}`;
    const message = new AIMessage({
      content: text,
      usage_metadata: usage,
      response_metadata: { model_name: this.modelName },
    });
    return { generations: [{ text, message }] };
  }
}
