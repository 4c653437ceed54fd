import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Run } from "../../schemas/index.js";
import { toJsonSafeRun, toMaskedJsonSafeRun } from "../../src/export/json-safe.js";
import { maskRunSecrets } from "../../src/export/redact.js";
import { maskedRunJson } from "../../src/export/run-json.js";
import { ADVERSARIAL_UNITS, repeatTo } from "../support/adversarial-text.js";
import { hostileValue, pollutingObject } from "../support/hostile-values.js";
import { makeRun } from "./helpers.js";

// The reference: the two walks the export made before (a JSON-safe copy, then masking that copy).
const reference = (run: Run): Run => maskRunSecrets(toJsonSafeRun(run));

const alnum = fc.string({
  unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
  minLength: 8,
  maxLength: 48,
});

// Credential shapes the masking finds (and near-misses it must leave), inside ordinary text.
const secretText = fc.oneof(
  alnum.map((s) => `sk-proj-${s}${s}`),
  alnum.map((s) => `Incorrect API key provided: sk-ant-api03-${s}${s}.`),
  alnum.map((s) => `Authorization: Bearer ${s}`),
  alnum.map((s) => `postgres://admin:${s}@db.internal:5432/app`),
  alnum.map((s) => `password=${s} and more`),
  alnum.map((s) => `{"api_key": "${s}"}`),
  alnum.map((s) => `AKIA${s.toUpperCase().padEnd(16, "Q").slice(0, 16)}`),
  fc.constantFrom(...Object.values(ADVERSARIAL_UNITS)).map((unit) => repeatTo(unit, 300)),
  fc.constantFrom("[REDACTED]", "[Circular]", "", "sk-", "eyJhbGciOi"),
);

const key = fc.oneof(
  fc.constantFrom("api_key", "password", "Authorization", "x-api-key", "token", "secret", "events", "__proto__"),
  fc.constantFrom("name", "text", "model", "content", "kwargs", "message", "toJSON"),
  fc.string({ maxLength: 12 }),
);

// Values a run's free-form parts may hold that are not JSON: each has its own JSON-safe form.
const exotic = fc.oneof(
  fc.date({ noInvalidDate: true }),
  fc.bigInt(),
  fc.constantFrom<unknown>(undefined, () => 1, Symbol("s"), new Uint8Array(5), new ArrayBuffer(3)),
  secretText.map((message) => new Error(message)),
  secretText.map((text) => ({ toJSON: () => ({ text }) })),
  secretText.map(
    (text) =>
      new Map<unknown, unknown>([
        ["password", text],
        [{}, text],
        [2, [text]],
      ]),
  ),
  secretText.map((text) => new Set([text, 1])),
  fc.constant(null).map(() => {
    const loop: Record<string, unknown> = { api_key: "abc" };
    loop.self = loop;
    return loop;
  }),
  fc.constant(null).map(() =>
    Object.defineProperty({}, "boom", {
      enumerable: true,
      get() {
        throw new Error("getter");
      },
    }),
  ),
  fc.constant(null).map(pollutingObject),
  // Lone surrogates and other code units JSON.stringify escapes; objects with no prototype.
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)), maxLength: 4 }),
  secretText.map((text) => Object.assign(Object.create(null) as Record<string, unknown>, { text, password: text })),
  fc.constantFrom<unknown>(new Float64Array([1.5, Number.NaN]), new Date(Number.NaN), Object(1n), new String("ab")),
);

const leaf = fc.oneof(hostileValue, secretText, exotic);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("tree"), { maxLength: 4 }),
    fc.dictionary(key, tie("tree"), { maxKeys: 4 }),
  ),
}));

// Streamed tokens, some of which split a credential across several events.
const tokenEvents = fc.array(
  fc.oneof(
    secretText.chain((text) =>
      fc.integer({ min: 1, max: 6 }).map((parts) => {
        const size = Math.ceil(text.length / parts);
        const tokens: string[] = [];
        for (let i = 0; i < text.length; i += size) tokens.push(text.slice(i, i + size));
        return tokens.map((token) => ({ name: "new_token", time: "t", kwargs: { token, password: token } }));
      }),
    ),
    tree.map((kwargs) => [{ name: "new_token", kwargs }]),
    tree.map((event) => [event]),
  ),
  { maxLength: 5 },
);

function reportWithoutValues(details: {
  failed: boolean;
  seed: number;
  counterexamplePath: string | null;
  errorInstance: unknown;
}): void {
  if (details.failed)
    throw new Error(
      `seed ${details.seed}, path ${details.counterexamplePath}: ${(details.errorInstance as Error).stack}`,
    );
}

// The JSON text of the reference, or the error JSON.stringify throws on it (a hostile Error name).
function referenceText(run: Run): string | Error {
  try {
    return JSON.stringify(reference(run));
  } catch (error) {
    return error as Error;
  }
}

const runParts = [
  fc.record({ inputs: tree, outputs: tree, extra: tree, serialized: tree, error: leaf }),
  fc.oneof(
    tokenEvents.map((groups) => groups.flat() as unknown),
    tree,
  ),
  fc.dictionary(key, tree, { maxKeys: 3 }),
] as const;

describe("maskedRunJson (the export walk straight to JSON text)", () => {
  it("writes byte for byte the JSON text of the masked JSON-safe copy, for hostile and secret-bearing runs", () => {
    const details = fc.check(
      fc.property(...runParts, (parts, events, topLevel) => {
        const run = { ...makeRun("text"), ...topLevel, ...parts, events } as unknown as Run;
        const expected = referenceText(run);
        if (expected instanceof Error) expect(() => maskedRunJson(run)).toThrow(expected.constructor as never);
        else expect(maskedRunJson(run)).toBe(expected); // same text, so it parses to the same value
      }),
      { numRuns: 400 },
    );
    reportWithoutValues(details);
  });

  it("matches on deep nesting, revoked proxies, a run with toJSON, a 10 MB string and a record that only has secrets", () => {
    let deep: Record<string, unknown> = { api_key: "sk-proj-abcdefghijklmnop1234" };
    for (let i = 0; i < 150; i++) deep = { password: "hunter2hunter2", inner: deep };
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const sparseEvents = new Array<NonNullable<Run["events"]>[number]>(3);
    sparseEvents[1] = { name: "new_token", time: "t", kwargs: { token: "sk-", password: "x" } };
    const huge = `${"lorem ipsum ".repeat(873_813)}sk-proj-${"a1".repeat(20)} \ud800 "quoted"`;
    const runs = [
      makeRun("deep", { inputs: deep }),
      makeRun("revoked", { inputs: { proxy, list: [proxy] }, outputs: proxy as Record<string, unknown> }),
      { ...makeRun("custom"), toJSON: () => ({ name: "custom", password: "hunter2hunter2" }) },
      makeRun("huge", { inputs: { huge }, outputs: { list: [huge, 2n ** 70n] } }),
      { api_key: "abc", password: "", token: null } as unknown as Run,
      // A sparse events list: a hole is written as null.
      makeRun("holes", { events: sparseEvents }),
      {} as Run,
    ];
    for (const run of runs) expect(maskedRunJson(run)).toBe(JSON.stringify(reference(run)));
  });
});

// Field names are remembered per field by the shape of the objects under it (run-json.ts): runs whose
// fields hold objects of a few recurring shapes, secret names and plain ones at the same places, each
// written as the reference writes it whatever the runs before it.
const fewKeys = fc.constantFrom("model", "api_key", "text", "password", "a", "b", "x".repeat(300));
const { shapedTree } = fc.letrec((tie) => ({
  shapedTree: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom<unknown>("sk-proj-abcdefghijklmnop1234", "plain", "", 1, null, true),
    fc.array(tie("shapedTree"), { maxLength: 3 }),
    fc.dictionary(fewKeys, tie("shapedTree"), { maxKeys: 4 }),
  ),
}));

describe("maskedRunJson's remembered field names", () => {
  it("writes each run of a sequence as the reference does, objects of recurring shapes under the same fields", () => {
    const details = fc.check(
      fc.property(
        fc.array(
          fc.record({ inputs: shapedTree, extra: shapedTree, top: fc.dictionary(fewKeys, shapedTree, { maxKeys: 3 }) }),
          {
            minLength: 1,
            maxLength: 24,
          },
        ),
        (parts) => {
          for (const { inputs, extra, top } of parts) {
            const run = { ...top, ...makeRun("shape"), inputs, extra } as unknown as Run;
            expect(maskedRunJson(run)).toBe(JSON.stringify(reference(run)));
          }
        },
      ),
      { numRuns: 200 },
    );
    reportWithoutValues(details);
  });

  it("masks a secret-named field at the place a plain field had in the objects before it", () => {
    const runWith = (params: Record<string, unknown>): Run =>
      makeRun("params", { extra: { invocation_params: params } } as Partial<Run>);
    // More than enough plain objects for the shape to settle, then secrets at its places, then a reorder.
    const sequence = [
      ...Array.from({ length: 20 }, (_, i) => ({ model: "gpt-4o-mini", temperature: i })),
      { model: "gpt-4o-mini", api_key: "sk-proj-abcdefghijklmnop1234" },
      { api_key: "sk-proj-abcdefghijklmnop1234", model: "gpt-4o-mini" },
      { model: "gpt-4o-mini", temperature: 1, password: "hunter2hunter2" },
    ];
    for (const params of sequence) {
      const run = runWith(params);
      const text = maskedRunJson(run);
      expect(text).toBe(JSON.stringify(reference(run)));
      expect(text).not.toContain("sk-proj-");
      expect(text).not.toContain("hunter2");
    }
  });
});

describe("maskedRunJson's text buffer (Latin-1 bytes until a character does not fit)", () => {
  const expectReference = (run: Run): void => expect(maskedRunJson(run)).toBe(JSON.stringify(reference(run)));
  const texts = [
    "plain",
    "café crème, 25 °C, ½ price",
    "price: 5 €",
    "emoji 🙂 and a lone \ud800 surrogate",
    'quote " backslash \\ newline \n tab \t bell \u0007',
    "ÿ\u0100",
  ];

  it("writes short and long strings and field names inside and beyond Latin-1 as JSON.stringify does", () => {
    for (const text of texts)
      for (const value of [text, text.repeat(20), `${"a".repeat(80)}${text}`]) {
        expectReference(makeRun("text", { inputs: { value, [text]: 1, list: [value, "after"] } }));
        // The same text first in the record and last: the rest written as a string after it, or before it in bytes.
        expectReference({ ...makeRun(value), outputs: { tail: value } } as unknown as Run);
      }
  });

  it("drops the partial text of a value that throws or has no JSON form, on either side of the switch to a string", () => {
    const throwingArray = (first: string): unknown =>
      new Proxy([first, "x"], {
        has(target, key) {
          if (key === "1") throw new Error("has");
          return key in target;
        },
      });
    for (const before of ["plain", "5 €"])
      for (const first of ["plain", "5 €", "ÿ".repeat(100)]) {
        expectReference(
          makeRun("rollback", {
            inputs: { before, list: throwingArray(first), gone: { toJSON: () => undefined }, after: first },
          }),
        );
      }
  });

  it("gives a run exported from inside another run's walk (a getter, a toJSON) its own text", () => {
    const inner = makeRun("inner", { inputs: { text: "5 € inside", api_key: "sk-proj-abcdefghijklmnop1234" } });
    let innerText: string | undefined;
    const outer = makeRun("outer", {
      inputs: {
        first: "café",
        get late(): string {
          innerText = maskedRunJson(inner);
          return "after the inner run";
        },
        json: { toJSON: () => maskedRunJson(inner) },
      },
    });
    expectReference(outer);
    expect(innerText).toBe(JSON.stringify(reference(inner)));
  });

  it("writes a run after a huge one as it writes it alone", () => {
    const huge = makeRun("huge", { inputs: { text: "lorem ipsum ".repeat(200_000) } });
    const small = makeRun("small", { inputs: { text: "after" } });
    expectReference(huge);
    expectReference(small);
  });
});

describe("toMaskedJsonSafeRun (the fused export walk)", () => {
  it("gives exactly what masking the JSON-safe copy gives, for hostile and secret-bearing runs", () => {
    const details = fc.check(
      fc.property(...runParts, (parts, events, topLevel) => {
        const run = { ...makeRun("fused"), ...topLevel, ...parts, events } as unknown as Run;
        const fused = toMaskedJsonSafeRun(run);
        expect(JSON.stringify(fused)).toBe(JSON.stringify(reference(run)));
        expect(firstDifference(fused, reference(run), "run")).toBeUndefined();
      }),
      { numRuns: 400 },
    );
    // The deep hostile values overflow fast-check's own printing of a counterexample: report the difference only.
    reportWithoutValues(details);
  });

  it("matches the reference on runs nested past both depth limits, revoked proxies and a run that is not a plain object", () => {
    let deep: Record<string, unknown> = { api_key: "sk-proj-abcdefghijklmnop1234" };
    for (let i = 0; i < 150; i++) deep = { password: "hunter2hunter2", inner: deep };
    const run = makeRun("deep", { inputs: deep });
    expect(firstDifference(toMaskedJsonSafeRun(run), reference(run), "run")).toBeUndefined();

    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const revoked = makeRun("revoked", { inputs: { proxy, list: [proxy] }, outputs: proxy as Record<string, unknown> });
    expect(firstDifference(toMaskedJsonSafeRun(revoked), reference(revoked), "run")).toBeUndefined();

    const withToJSON = { ...makeRun("custom"), toJSON: () => ({ name: "custom", password: "hunter2hunter2" }) };
    expect(firstDifference(toMaskedJsonSafeRun(withToJSON), reference(withToJSON), "run")).toBeUndefined();
  });
});

/**
 * Where two values first differ: own keys (holes and symbols included) in order, prototypes, and
 * leaves by Object.is (so -0 and NaN count). Stricter than toStrictEqual and prints a path.
 */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null)
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototypes differ`;
  const keysA = Reflect.ownKeys(a).map(String);
  const keysB = Reflect.ownKeys(b).map(String);
  if (keysA.join("\0") !== keysB.join("\0")) return `${path}: keys ${keysA.join()} vs ${keysB.join()}`;
  for (const key of keysA) {
    const difference = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (difference !== undefined) return difference;
  }
  return undefined;
}
