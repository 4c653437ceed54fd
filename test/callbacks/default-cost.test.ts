import { describe, expect, it } from "vitest";
import { CallbackManager, estimateCost, UsageMetadataCallbackHandler } from "../../src/index.js";

describe("the main entry", () => {
  it("prices UsageMetadataCallbackHandler usage with the built-in table by default", () => {
    const handler = new UsageMetadataCallbackHandler();
    const usage = { input_tokens: 1_000_000, output_tokens: 1_000_000, total_tokens: 2_000_000 };
    const run = CallbackManager.configure({ callbacks: [handler] }).handleChatModelStart({}, [[]]);
    void run.handleLLMEnd({
      generations: [
        [
          {
            text: "",
            message: {
              content: "",
              usage_metadata: usage,
              response_metadata: { model_name: "gpt-4o-mini-2024-07-18" },
            },
          },
        ],
      ],
    });
    const expected = estimateCost("gpt-4o-mini-2024-07-18", usage);
    expect(expected?.total_cost).toBeGreaterThan(0);
    expect(handler.costs).toEqual({ "gpt-4o-mini-2024-07-18": expected });
    expect(handler.unpricedModels).toEqual([]);
  });
});
