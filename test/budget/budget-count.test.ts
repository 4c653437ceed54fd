import { describe, expect, it } from "vitest";
import { CallbackManager, withBudget } from "../../src/index.js";

// The budget counts streamed tokens by the rule RunTracer and the usage handler use
// (callbacks/streamed-usage.ts): one per new-token event, a chunk reaching it twice counted once.
describe("Budget token count", () => {
  it("counts a chunk delivered twice (explicit callbacks + the scope) once, as the tracer does", async () => {
    const counted = await withBudget({ maxTokens: 1000 }, (budget) => {
      const manager = new CallbackManager({ handlers: [budget] });
      manager.handlers.push(budget); // reached twice, as through LangChain.js's explicit callbacks and the bridge
      const run = manager.handleChatModelStart({ name: "llm" }, [[]], undefined, undefined, {
        invocation_params: { model: "gpt-4o-mini" },
      });
      for (let i = 0; i < 10; i++)
        void run.handleLLMNewToken("t", undefined, undefined, undefined, undefined, { chunk: { i } });
      return budget.tokens;
    });
    expect(counted).toBe(10);
  });

  it("counts every event when tokens come without a chunk (nothing tells two deliveries apart)", async () => {
    const counted = await withBudget({ maxTokens: 1000 }, (budget) => {
      const run = new CallbackManager({ handlers: [budget] }).handleChatModelStart({ name: "llm" }, [[]]);
      for (let i = 0; i < 10; i++) void run.handleLLMNewToken("t");
      return budget.tokens;
    });
    expect(counted).toBe(10);
  });
});
