import { generateText, jsonSchema, registerTelemetryIntegration, stepCountIs, tool } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { afterEach, describe, expect, it } from "vitest";
import { withCallbacks } from "../../callbacks/index.js";
import { runledgerTelemetry, wrapAISDKModel } from "../../src/ai-sdk/index.js";
import { InMemoryRunExporter } from "../../src/export/index.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";

const USAGE = {
  inputTokens: { total: 50, noCache: 50, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 10, text: 10, reasoning: 0 },
};

function toolLoopModel(): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    provider: "openai.chat",
    modelId: "gpt-4o-mini",
    doGenerate: [
      {
        content: [
          { type: "tool-call", toolCallId: "call_ok", toolName: "weather", input: '{"city":"Paris"}' },
          { type: "tool-call", toolCallId: "call_bad", toolName: "broken", input: "{}" },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage: USAGE,
        warnings: [],
      },
      {
        content: [{ type: "text", text: "Sunny in Paris." }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: USAGE,
        warnings: [],
      },
    ],
  });
}

const tools = {
  weather: tool({
    inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } } }),
    execute: ({ city }) => Promise.resolve({ forecast: `Sunny in ${city}` }),
  }),
  broken: tool({
    inputSchema: jsonSchema<{ city?: string }>({ type: "object", properties: { city: { type: "string" } } }),
    execute: (): Promise<string> => Promise.reject(new Error("weather service down")),
  }),
};

async function runAgent(telemetry?: { integrations: ReturnType<typeof runledgerTelemetry>[] }) {
  const exporter = new InMemoryRunExporter();
  const tracer = new RunTracer({ exporter });
  const agent = traceable(
    () =>
      generateText({
        model: wrapAISDKModel(toolLoopModel()),
        prompt: "Weather in Paris?",
        tools,
        stopWhen: stepCountIs(2),
        ...(telemetry === undefined ? {} : { experimental_telemetry: telemetry }),
      }),
    { name: "agent" },
  );
  await withCallbacks([tracer], agent);
  await tracer.forceFlush();
  return exporter.getFinishedRuns();
}

afterEach(() => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = undefined;
});

describe("runledgerTelemetry: tool runs through the AI SDK's telemetry integrations", () => {
  it("records each tool execution under the current run, with its input and its output or error", async () => {
    const runs = await runAgent({ integrations: [runledgerTelemetry()] });
    const agent = runs.find((run) => run.name === "agent");
    const toolRuns = runs.filter((run) => run.run_type === "tool");
    expect(toolRuns.map((run) => run.name).sort()).toEqual(["broken", "weather"]);
    for (const run of toolRuns) expect(run.parent_run_id).toBe(agent?.id);
    const weather = toolRuns.find((run) => run.name === "weather");
    expect(weather?.inputs).toMatchObject({ input: '{"city":"Paris"}' });
    expect(weather?.outputs).toMatchObject({ output: { forecast: "Sunny in Paris" } });
    expect(weather?.error ?? undefined).toBeUndefined();
    expect(toolRuns.find((run) => run.name === "broken")?.error).toContain("weather service down");
    expect(runs.filter((run) => run.run_type === "llm")).toHaveLength(2);
  });

  it("needs no per-call option once registered globally (registerTelemetryIntegration)", async () => {
    registerTelemetryIntegration(runledgerTelemetry());
    const runs = await runAgent();
    expect(
      runs
        .filter((run) => run.run_type === "tool")
        .map((run) => run.name)
        .sort(),
    ).toEqual(["broken", "weather"]);
  });
});
