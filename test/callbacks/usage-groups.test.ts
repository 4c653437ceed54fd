import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { addUsage, type UsageMetadata } from "../../schemas/index.js";
import { CallbackManager, UsageMetadataCallbackHandler, withUsageMetadata, estimateCost } from "../../src/index.js";
import { wrapOpenAI } from "../../src/providers/wrap/wrap-openai.js";
import { traceable } from "../../src/tracing/index.js";
import { UsageChatModel } from "../support/usage-chat-model.js";
import { fixtureRaw, fixtureUsage, jsonReply, useLoopbackServer } from "../support/loopback-server.js";

const loopback = useLoopbackServer();
const USER = [{ role: "user" as const, content: "Say hello" }];
const MODEL = "gpt-4o-mini-2024-07-18";
// The recorded response's usage, as the fixture's rules give it (the oracle, not a typed value).
const usage = fixtureUsage("openai", "chat_completions_plain") as UsageMetadata;

function client(): OpenAI {
  return wrapOpenAI(new OpenAI({ apiKey: "test-key", baseURL: loopback().url("/v1"), maxRetries: 0 }));
}

function ask(): Promise<unknown> {
  loopback().reply(jsonReply(fixtureRaw("openai", "chat_completions_plain")));
  return client().chat.completions.create({ model: "gpt-4o-mini", messages: USER });
}

describe("usage groups (groupBy)", () => {
  it("attributes a real client's calls to the metadata a traceable passes down, runs without it under null", async () => {
    const forUser = (user: string, feature: string) => traceable(ask, { metadata: { user_id: user, feature } });
    const { usage: total, groups } = await withUsageMetadata(
      async () => {
        await forUser("u1", "chat")();
        await forUser("u1", "chat")();
        await forUser("u2", "search")();
        await ask(); // no metadata at all
      },
      { groupBy: ["user_id", "feature"] },
    );
    const twice = addUsage(usage, usage);
    expect(groups).toEqual([
      { key: { user_id: "u1", feature: "chat" }, model: MODEL, usage: twice, cost: estimateCost(MODEL, twice) ?? null },
      {
        key: { user_id: "u2", feature: "search" },
        model: MODEL,
        usage: addUsage(undefined, usage),
        cost: estimateCost(MODEL, usage) ?? null,
      },
      {
        key: { user_id: null, feature: null },
        model: MODEL,
        usage: addUsage(undefined, usage),
        cost: estimateCost(MODEL, usage) ?? null,
      },
    ]);
    expect(groups?.[0]?.cost?.total_cost).toBeGreaterThan(0);
    // Nothing dropped: the groups add up to the per-model total.
    const summed = (groups ?? []).reduce<UsageMetadata | undefined>(
      (sum, group) => addUsage(sum, group.usage),
      undefined,
    );
    expect(summed).toEqual(total[MODEL]);
  });

  it("reads a LangChain.js config's metadata and separates models", async () => {
    const mini = new UsageChatModel({ text: "Hi", usage, model: MODEL });
    const other = new UsageChatModel({ text: "Hi", usage, model: "gpt-4o-2024-08-06" });
    const { groups } = await withUsageMetadata(
      async () => {
        await mini.invoke("a", { metadata: { user_id: "u7" } });
        await other.invoke("b", { metadata: { user_id: "u7", feature: 3 } });
      },
      { groupBy: ["user_id"] },
    );
    expect(groups?.map(({ key, model }) => ({ key, model }))).toEqual([
      { key: { user_id: "u7" }, model: MODEL },
      { key: { user_id: "u7" }, model: "gpt-4o-2024-08-06" },
    ]);
  });

  it("works on a handler passed explicitly, and keeps non-string values apart", async () => {
    const handler = new UsageMetadataCallbackHandler({ groupBy: ["tenant"], estimateCost: () => undefined });
    for (const tenant of [1, "1", { id: 1 }, undefined]) {
      const manager = CallbackManager.configure({ callbacks: [handler], metadata: { tenant } });
      const run = manager.handleChatModelStart({ id: ["Fake"] }, [[]]);
      await run.handleLLMEnd({ generations: [[{ text: "", message: { content: "", usage_metadata: usage } }]] });
    }
    expect(handler.groups.map((group) => [group.key.tenant, group.cost])).toEqual([
      [1, null],
      ["1", null],
      ['{"id":1}', null],
      [null, null],
    ]);
    handler.usageMetadata = {};
    expect(handler.groups).toEqual([]);
  });

  it("gives no groups without groupBy", async () => {
    const result = await withUsageMetadata(() => 1);
    expect(result).not.toHaveProperty("groups");
    expect(new UsageMetadataCallbackHandler().groups).toEqual([]);
  });
});
