import { describe, expect, it } from "vitest";
import {
  UsageMetadataCallbackHandler,
  withCallbacks,
  withUsageMetadata,
  type CallbackHandler,
} from "../../src/index.js";
import { UsageChatModel } from "../support/usage-chat-model.js";

const usage = {
  input_tokens: 8,
  output_tokens: 10,
  total_tokens: 18,
  input_token_details: { audio: 0, cache_read: 0 },
  output_token_details: { audio: 0, reasoning: 0 },
};
const model = new UsageChatModel({ text: "Hello there friend", usage, model: "gpt-4o-mini-2024-07-18" });

describe("LangChain.js interop", () => {
  it("counts a real LangChain.js chat model's usage when the handler is passed in callbacks", async () => {
    const handler = new UsageMetadataCallbackHandler();
    await model.invoke("Hello", { callbacks: [handler] });
    expect(handler.usageMetadata).toEqual({ "gpt-4o-mini-2024-07-18": usage });
  });

  it("catches LangChain.js calls inside withUsageMetadata without callbacks being passed", async () => {
    const { result, usage: seen } = await withUsageMetadata(async () => {
      await model.invoke("Hello");
      return (await model.invoke("Again")).content;
    });
    expect(result).toBe("Hello there friend");
    expect(seen["gpt-4o-mini-2024-07-18"]).toEqual({
      ...usage,
      input_tokens: 16,
      output_tokens: 20,
      total_tokens: 36,
    });
  });

  it("counts a streamed LangChain.js call once", async () => {
    const { usage: seen } = await withUsageMetadata(async () => {
      let text = "";
      for await (const chunk of await model.stream("Hello")) text += String(chunk.content);
      expect(text).toBe("Hello there friend");
    });
    expect(seen).toEqual({ "gpt-4o-mini-2024-07-18": usage });
  });

  it("counts once when the scope's handler is also passed explicitly", async () => {
    const { usage: seen } = await withUsageMetadata((handler) => model.invoke("Hello", { callbacks: [handler] }));
    expect(seen).toEqual({ "gpt-4o-mini-2024-07-18": usage });
    const streamed = await withUsageMetadata(async (handler) => {
      for await (const _chunk of await model.stream("Hello", { callbacks: [handler] })) void _chunk;
    });
    expect(streamed.usage).toEqual({ "gpt-4o-mini-2024-07-18": usage });
  });

  it("keeps concurrent scopes apart and rolls nested ones up for LangChain.js calls too", async () => {
    const [one, three] = await Promise.all([
      withUsageMetadata(() => model.invoke("a")),
      withUsageMetadata(async () => {
        await model.invoke("b");
        const inner = await withUsageMetadata(async () => {
          await model.invoke("c");
          await model.invoke("d");
        });
        expect(inner.usage["gpt-4o-mini-2024-07-18"]?.total_tokens).toBe(36);
      }),
    ]);
    expect(one.usage["gpt-4o-mini-2024-07-18"]?.total_tokens).toBe(18);
    expect(three.usage["gpt-4o-mini-2024-07-18"]?.total_tokens).toBe(54);
  });

  it("stops reaching LangChain.js when the scope ends", async () => {
    const handler = new UsageMetadataCallbackHandler();
    await withCallbacks([handler], () => model.invoke("inside"));
    await model.invoke("outside");
    expect(handler.usageMetadata["gpt-4o-mini-2024-07-18"]?.total_tokens).toBe(18);
  });

  it("passes a plain-object handler's events through and keeps its prototype methods", async () => {
    class Proto {
      ends = 0;
      handleLLMEnd(): void {
        this.ends++;
      }
    }
    const handler = new Proto() as Proto & CallbackHandler;
    await withCallbacks([handler], () => model.invoke("x"));
    expect(handler.ends).toBe(1);
  });
});
