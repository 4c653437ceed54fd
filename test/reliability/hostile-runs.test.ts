import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CallbackManager, withCallbacks, type CallbackHandler } from "../../callbacks/index.js";
import type { Run } from "../../schemas/index.js";
import { JsonlRunExporter, maskRunSecrets, RunPrivacy } from "../../src/export/index.js";
import { toJsonSafeRun } from "../../src/export/json-safe.js";
import { RunTracer, traceable } from "../../src/tracing/index.js";
import { captureWarnings } from "../support/warnings-capture.js";

const warnings = captureWarnings();

// Values the red team handed to traced code (arguments, metadata, results, handler lists): each made
// the call, the background export or flush throw or spin before.
function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}
const throwingTraps = (): object =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error("get trap");
      },
      ownKeys: () => {
        throw new Error("ownKeys trap");
      },
      getPrototypeOf: () => {
        throw new Error("getPrototypeOf trap");
      },
    },
  );
const HOSTILE: Record<string, () => unknown> = {
  "revoked Proxy": revokedProxy,
  "Proxy whose traps throw": throwingTraps,
  "Map keyed by a null-prototype object": () => new Map([[Object.create(null) as object, "v"]]),
  "Map keyed by a revoked Proxy": () => new Map([[revokedProxy(), "v"]]),
  "throwing getter": () => ({
    get boom(): never {
      throw new Error("getter");
    },
  }),
  "throwing toJSON": () => ({
    toJSON(): never {
      throw Object.create(null) as Error;
    },
  }),
  "null-prototype object": () => Object.assign(Object.create(null) as object, { a: 1 }),
  "Set of revoked Proxies": () => new Set([revokedProxy(), revokedProxy()]),
  "error with a throwing message": () =>
    Object.defineProperty(new Error("x"), "message", {
      get: (): never => {
        throw new Error("message getter");
      },
    }),
};

const MARKER = "[Unreadable]";

describe("hostile values never crash or hang the host: a marker in the record, every run counted", () => {
  it.each(Object.keys(HOSTILE))(
    "%s as argument, metadata and result: the call, export and flush complete",
    async (name) => {
      const make = HOSTILE[name] as () => unknown;
      const path = join(mkdtempSync(join(tmpdir(), "runledger-hostile-")), "traces.jsonl");
      const tracer = new RunTracer({ exporter: new JsonlRunExporter({ path }) });
      let ran = 0;
      const asArgument = traceable((_value: unknown) => (ran++, "ok"), { name: "argument", tracer });
      const inMetadata = traceable(() => (ran++, "ok"), { name: "metadata", tracer, metadata: { value: make() } });
      const asResult = traceable(() => (ran++, { value: make() }), { name: "result", tracer });
      const asSecondArgument = traceable((_a: unknown, _b: unknown) => (ran++, "ok"), { name: "args", tracer });
      expect(asArgument(make())).toBe("ok");
      expect(inMetadata()).toBe("ok");
      expect(Object.keys(asResult() as object)).toEqual(["value"]);
      expect(asSecondArgument(1, make())).toBe("ok");
      expect(ran).toBe(4);
      await tracer.forceFlush();
      await tracer.shutdown();
      const { exported, dropped } = tracer.exportStats;
      expect(exported + dropped).toBe(4);
      expect(exported).toBe(4);
      const lines = readFileSync(path, "utf8").trim().split("\n");
      expect(lines).toHaveLength(4);
      for (const line of lines) JSON.parse(line); // every line is a whole JSON record
    },
  );

  it("the JSON-safe copy turns each into a marker and keeps the rest; masking it is total", () => {
    for (const [name, make] of Object.entries(HOSTILE)) {
      const run = {
        id: "1",
        name,
        run_type: "chain",
        start_time: 0,
        inputs: { value: make(), kept: "yes" },
        extra: { metadata: { value: make(), map: new Map([["k", make()]]) } },
      } as unknown as Run;
      const safe = maskRunSecrets(toJsonSafeRun(run)); // the reference the fused export must equal
      const text = JSON.stringify(safe);
      expect(JSON.parse(text)).toEqual(safe);
      expect(safe.inputs.kept).toBe("yes");
      if (!["null-prototype object"].includes(name)) expect(text).toContain(MARKER);
      expect(new RunPrivacy().prepare(run)).toEqual(safe);
    }
  });

  it("a null handler entry and a handler that throws a null-prototype object: the call runs, one warning", async () => {
    const throwsNullPrototype: CallbackHandler = {
      name: "NullProtoThrower",
      handleChainStart() {
        throw Object.create(null) as Error;
      },
      handleLLMNewToken() {
        throw Object.create(null) as Error;
      },
    };
    let ran = false;
    await withCallbacks([null as unknown as CallbackHandler, throwsNullPrototype], async () => {
      traceable(() => {
        ran = true;
      })();
      const manager = CallbackManager.configure({
        callbacks: [null as unknown as CallbackHandler, throwsNullPrototype],
      });
      const llm = manager.handleChatModelStart({ name: "Chat" }, [[]]);
      await llm.handleLLMNewToken("a");
      void llm.handleLLMEnd({ generations: [] });
    });
    expect(ran).toBe(true);
    const messages = warnings.filter((w) => w.code === "handler_error").map((w) => w.message);
    expect(messages).toContain("Error in callback handler NullProtoThrower, handleChainStart: [unprintable object]");
    expect(messages).toContain("Error in callback handler NullProtoThrower, handleLLMNewToken: [unprintable object]");
  });

  it("a traced function that throws a null-prototype object or a revoked Proxy: the app gets its own error back, the run records a marker", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "runledger-hostile-")), "traces.jsonl");
    const tracer = new RunTracer({ exporter: new JsonlRunExporter({ path }) });
    for (const thrown of [Object.create(null) as object, revokedProxy()]) {
      const fails = traceable(
        () => {
          throw thrown;
        },
        { name: "fails", tracer },
      );
      let caught: unknown;
      try {
        fails();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBe(thrown);
    }
    await tracer.shutdown();
    expect(tracer.exportStats).toEqual({ exported: 2, dropped: 0 });
    const errors = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as Run).error);
    expect(errors).toEqual(["[unprintable object]", "[unprintable object]"]);
  });
});
