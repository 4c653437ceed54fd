// The runledger demo: a small support agent calls OpenAI and Anthropic through the real SDK clients
// wrapped by runledger, and OpenAI through the Vercel AI SDK with runledger's middleware, against a loopback server that plays back recorded responses (or the real
// APIs with --live). It prints the run tree, the usage and cost per model, and where the trace went.
//
//   npm run demo              recorded providers, no network
//   npm run demo -- --live    real APIs (OPENAI_API_KEY and ANTHROPIC_API_KEY)
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npm run demo   also exports spans via OTLP
import Anthropic from "@anthropic-ai/sdk";
import { createOpenAI } from "@ai-sdk/openai";
import { wrapLanguageModel } from "ai";
import OpenAI from "openai";
import { resolve } from "node:path";
import {
  BudgetExceededError,
  JsonlRunExporter,
  RunTracer,
  withBudget,
  withCallbacks,
  withUsageMetadata,
  wrapAnthropic,
  wrapOpenAI,
  type CallbackHandler,
} from "../src/index.js";
import { runledgerMiddleware } from "../src/ai-sdk/index.js";
import { runCli } from "../src/cli/run-cli.js";
import { startOtlpExport } from "./demo/otlp.js";
import { startProviderServer, type ProviderServer } from "./demo/provider-server.js";
import { createSupportAgent } from "./demo/support-agent.js";

const live = process.argv.includes("--live");
const tracesFile = resolve(process.env.RUNLEDGER_TRACES_FILE ?? "runledger-traces.jsonl");

async function main(): Promise<void> {
  if (live && (!process.env.OPENAI_API_KEY || !process.env.ANTHROPIC_API_KEY)) {
    throw new Error("--live needs OPENAI_API_KEY and ANTHROPIC_API_KEY");
  }
  const server: ProviderServer | undefined = live ? undefined : await startProviderServer();
  const openai = wrapOpenAI(new OpenAI(server ? { apiKey: "recorded", baseURL: server.openaiBaseURL } : {}));
  // maxRetries 0: the agent retries itself, so the failed attempt shows in the trace.
  const anthropic = wrapAnthropic(
    new Anthropic(server ? { apiKey: "recorded", baseURL: server.anthropicBaseURL, maxRetries: 0 } : { maxRetries: 0 }),
  );

  // The Vercel AI SDK: its model calls become runs through runledger's middleware.
  const aiSdkOpenAI = createOpenAI(server ? { apiKey: "recorded", baseURL: server.openaiBaseURL } : {});
  const triageModel = wrapLanguageModel({ model: aiSdkOpenAI.chat("gpt-4.1-nano"), middleware: runledgerMiddleware() });

  const tracer = new RunTracer({ exporter: new JsonlRunExporter({ path: tracesFile }) });
  const otlp = await startOtlpExport();
  const handlers: CallbackHandler[] = otlp ? [tracer, otlp.handler] : [tracer];
  const agent = createSupportAgent(openai, anthropic, triageModel, (text) => process.stdout.write(text));

  console.log(`runledger demo (${live ? "live providers" : "recorded providers on loopback"})\n`);
  process.stdout.write("Q: Where is my order A-1042?\nA: ");
  try {
    const { result, usage } = await withUsageMetadata(async (usageHandler) => {
      const answer = await withCallbacks(handlers, () => agent("Where is my order A-1042?"));
      return { answer, costs: usageHandler.costs };
    });
    await tracer.forceFlush();
    console.log("\n\nRun tree and usage (runledger report --trace):\n");
    await runCli(["report", tracesFile, "--trace", result.answer.traceId], {
      stdout: process.stdout,
      stderr: process.stderr,
    });
    console.log("\nwithUsageMetadata() →");
    console.log(JSON.stringify(usage, null, 2));
    console.log("\nCost per model (USD):");
    for (const [model, cost] of Object.entries(result.costs)) {
      console.log(
        `  ${model.padEnd(28)} $${cost.total_cost.toFixed(6)}  (input $${cost.input_cost.toFixed(6)}, output $${cost.output_cost.toFixed(6)})`,
      );
    }
    console.log(`\nTrace ${result.answer.traceId} appended to ${tracesFile}`);
    console.log(`See it all: npm run cli -- report ${tracesFile}  ·  npm run cli -- html ${tracesFile} -o report.html`);
    if (otlp) console.log(`Spans exported via OTLP to ${otlp.endpoint}`);
    await runawayLoop(openai);
  } finally {
    await tracer.shutdown();
    await otlp?.shutdown();
    await server?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

// A bug makes an agent call the model forever: a budget stops it inside the app, before the bill does.
async function runawayLoop(openai: OpenAI): Promise<void> {
  console.log("\nA runaway loop under withBudget({ maxTokens: 5000 }):");
  let calls = 0;
  try {
    await withBudget({ maxTokens: 5000 }, async () => {
      for (;;) {
        await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Again" }] });
        calls++;
      }
    });
  } catch (error) {
    if (!(error instanceof BudgetExceededError)) throw error;
    console.log(
      `  stopped after ${calls} calls: ${error.usage.total_tokens} tokens, $${error.cost.toFixed(6)} (the next call was refused before it was sent)`,
    );
  }
}
