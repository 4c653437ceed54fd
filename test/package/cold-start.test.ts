import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

// What `import("runledger")` loads, checked on the built package (`npm test` builds first): zod and
// @opentelemetry/api are loaded at first use, never by the import, so a serverless cold start does
// not pay for them (bench/cold-start.ts measures the time; this keeps the win from regressing).
const root = resolve(import.meta.dirname, "../..");
const ENTRIES = { esm: resolve(root, "dist/esm/src/index.js"), cjs: resolve(root, "dist/cjs/src/index.js") };
const DEFERRED = ["zod", "@opentelemetry/api"];

// Every module file of the built ESM graph that `from` reaches through static imports, and the
// packages those import.
function staticGraph(from: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, "utf8");
    for (const match of code.matchAll(/^\s*(?:import|export)\b[^"'`;]*?\bfrom\s*"([^"]+)"|^\s*import\s*"([^"]+)"/gm)) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
      else
        packages.add(
          specifier
            .split("/")
            .slice(0, specifier.startsWith("@") ? 2 : 1)
            .join("/"),
        );
    }
  };
  visit(from);
  return { files, packages };
}

// Loads an entry in a fresh Node.js process, then lists the packages whose files are loaded
// (require.cache: zod and @opentelemetry/api are loaded through `require`, in both builds), before and
// after `firstUse` runs.
function loadedPackages(kind: "esm" | "cjs", firstUse: string): { atImport: string[]; afterUse: string[] } {
  const load =
    kind === "esm"
      ? `const rl = await import(${JSON.stringify(pathToFileURL(ENTRIES.esm).href)});`
      : `const rl = require(${JSON.stringify(ENTRIES.cjs)});`;
  const script = `
    import { createRequire } from "node:module";
    const require = createRequire(${JSON.stringify(pathToFileURL(resolve(root, "package.json")).href)});
    const packages = () => [...new Set(Object.keys(require.cache).flatMap((file) => {
      const match = /[\\\\/]node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(file);
      return match ? [match[1].replace("\\\\", "/")] : [];
    }))].sort();
    ${load}
    await new Promise((done) => setImmediate(done));
    const atImport = packages();
    ${firstUse}
    process.stdout.write(JSON.stringify({ atImport, afterUse: packages() }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
  return JSON.parse(out) as { atImport: string[]; afterUse: string[] };
}

describe("cold start: what importing runledger loads", () => {
  it("the built ESM root entry imports neither zod nor @opentelemetry/api, and is a handful of files", () => {
    const graph = staticGraph(ENTRIES.esm);
    for (const name of DEFERRED) expect(graph.packages).not.toContain(name);
    // The split bundle: an entry and its shared chunks, not tsc's ~160 modules (each costs load time).
    expect(graph.files.size).toBeLessThan(20);
  });

  for (const kind of ["esm", "cjs"] as const) {
    it(`loads zod and @opentelemetry/api only when first used (${kind})`, () => {
      const { atImport, afterUse } = loadedPackages(
        kind,
        "rl.RunSchema.safeParse({}); new rl.OpenTelemetryCallbackHandler();",
      );
      for (const name of DEFERRED) expect(atImport, `${name} loaded by the import`).not.toContain(name);
      // The check sees them once they are used: it can fail.
      expect(afterUse).toEqual(expect.arrayContaining(DEFERRED));
    });
  }

  it("an app's ESM @opentelemetry/api and runledger's lazily loaded copy share the registered SDK", () => {
    // The app registers its tracer provider and context manager through the ESM API; runledger's copy
    // (CommonJS, loaded at first use) must see both: toHeaders writes the active span's traceparent,
    // and the handler's spans nest under the app's span, in the app's provider.
    const script = `
      import { context, trace } from "@opentelemetry/api";
      import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
      import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
      const rl = await import(${JSON.stringify(pathToFileURL(ENTRIES.esm).href)});
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      const exporter = new InMemorySpanExporter();
      trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
      const handler = new rl.OpenTelemetryCallbackHandler();
      const result = trace.getTracer("app").startActiveSpan("app request", (span) => {
        const headers = rl.traceable(() => rl.toHeaders(rl.getCurrentRun()), { name: "step" })();
        const chain = rl.CallbackManager.configure({ callbacks: [handler] }).handleChainStart({ name: "chain" }, {});
        void chain.handleChainEnd({});
        span.end();
        return { headers, app: span.spanContext() };
      });
      const spans = exporter.getFinishedSpans().map((s) => ({
        name: s.name, traceId: s.spanContext().traceId, parent: s.parentSpanContext?.spanId }));
      process.stdout.write(JSON.stringify({ ...result, spans }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    const { headers, app, spans } = JSON.parse(out) as {
      headers: { traceparent?: string };
      app: { traceId: string; spanId: string; traceFlags: number };
      spans: { name: string; traceId: string; parent?: string }[];
    };
    const flags = app.traceFlags.toString(16).padStart(2, "0");
    expect(headers.traceparent).toBe(`00-${app.traceId}-${app.spanId}-${flags}`);
    expect(spans).toContainEqual({ name: "chain", traceId: app.traceId, parent: app.spanId });
  });
});
