import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageMetadataSchema } from "../../schemas/index.js";
import { maskSecrets } from "../../src/export/index.js";
import { toJsonSafe } from "../../src/export/json-safe.js";
import {
  concatChunks,
  normalizeResponse,
  ProviderPayloadError,
  StreamAccumulator,
  type MessageChunk,
} from "../../src/providers/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import {
  deepArray,
  deepObject,
  hostileValue,
  mutate,
  mutation,
  pathsOf,
  pollutingObject,
  prototypePolluted,
} from "../support/hostile-values.js";

captureWarnings(); // bad counts are reported as warnings: kept off the console
const RUNS = 400;
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixturesDir = resolve(repoRoot, "../shared/fixtures/providers");

interface Fixture {
  name: string;
  raw: unknown;
}

const fixtures: Fixture[] = readdirSync(fixturesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) =>
    readdirSync(join(fixturesDir, dir.name))
      .filter((file) => file.endsWith(".json"))
      .map((file) => ({
        name: `${dir.name}/${file}`,
        raw: (JSON.parse(readFileSync(join(fixturesDir, dir.name, file), "utf8")) as { raw: unknown }).raw,
      })),
  );
const responses = fixtures.filter((fixture) => !Array.isArray(fixture.raw));
const streams = fixtures.filter((fixture) => Array.isArray(fixture.raw));

/** What a normalized result must be whatever the input: valid usage if any, JSON-exportable, no pollution. */
function expectSound(result: { usage_metadata?: unknown; response_metadata: unknown }): void {
  if (result.usage_metadata !== undefined)
    expect(UsageMetadataSchema.safeParse(result.usage_metadata).success).toBe(true);
  expect(typeof JSON.stringify(toJsonSafe(result))).toBe("string");
  expect(prototypePolluted()).toBe(false);
}

/** A numeric leaf under a usage-like key (usage, usageMetadata, token counts). */
function isCountPath(raw: unknown, path: readonly (string | number)[]): boolean {
  return (
    typeof valueAt(raw, path) === "number" &&
    path.some((key) => typeof key === "string" && /usage|token|count/i.test(key))
  );
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], raw);
}

/** A deep copy of `raw` with the value at `path` replaced. */
function setAt(raw: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(raw)) as unknown;
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1] as string | number] = value;
  return copy;
}

/** Runs `fn`; only a ProviderPayloadError (documented: not a payload at all) may come out of it. */
function survives<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderPayloadError);
    return undefined;
  }
}

describe("hostile provider payloads: no crash, valid usage or none, the rest kept", () => {
  it(`has fixtures to mutate (${responses.length} responses, ${streams.length} streams)`, () => {
    expect(responses.length).toBeGreaterThan(10);
    expect(streams.length).toBeGreaterThan(10);
  });

  it(`normalizeResponse on mutated real responses (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (pick, mutations, named) => {
          const fixture = responses[pick % responses.length] as Fixture;
          const raw = mutate(fixture.raw, mutations);
          const provider = named ? survives(() => normalizeResponse(fixture.raw).provider) : undefined;
          const result = survives(() => normalizeResponse(raw, provider === undefined ? {} : { provider }));
          if (result !== undefined) expectSound(result);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`a corrupted token count costs the usage at most, never the rest of the result (${RUNS} runs)`, () => {
    const badCount = fc.constantFrom<unknown>(
      -1,
      -0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1e308,
      2 ** 64,
      "12",
      null,
      true,
      {},
      [],
      deepObject(10_000),
    );
    const withCounts = responses
      .map((fixture) => ({ fixture, paths: pathsOf(fixture.raw).filter((path) => isCountPath(fixture.raw, path)) }))
      .filter(({ paths }) => paths.length > 0);
    expect(withCounts.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), badCount, (pick, pathPick, value) => {
        const { fixture, paths } = withCounts[pick % withCounts.length] as (typeof withCounts)[number];
        const path = paths[pathPick % paths.length] as (string | number)[];
        const clean = normalizeResponse(fixture.raw);
        const raw = setAt(fixture.raw, path, value);
        const result = normalizeResponse(raw);
        expectSound(result);
        expect(result.provider).toBe(clean.provider);
        expect(result.response_metadata.model_name).toBe(clean.response_metadata.model_name);
        expect(result.response_metadata.model_provider).toBe(clean.response_metadata.model_provider);
      }),
      { numRuns: RUNS },
    );
  });

  it(`normalizeResponse on arbitrary values (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(hostileValue, fc.anything({ maxDepth: 4 })), (raw) => {
        const result = survives(() => normalizeResponse(raw));
        if (result !== undefined) expectSound(result);
      }),
      { numRuns: RUNS },
    );
  });

  it(`StreamAccumulator on mutated real streams, chunks replaced, dropped or duplicated (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(mutation, { maxLength: 4 }),
        fc.array(
          fc.record({ at: fc.nat(), edit: fc.constantFrom("hostile", "drop", "duplicate"), value: hostileValue }),
          { maxLength: 3 },
        ),
        (pick, mutations, edits) => {
          const fixture = streams[pick % streams.length] as Fixture;
          const chunks = mutate(fixture.raw, mutations) as unknown[];
          for (const { at, edit, value } of edits) {
            const index = chunks.length === 0 ? 0 : at % chunks.length;
            if (edit === "hostile") chunks.splice(index, 0, value);
            else if (edit === "drop") chunks.splice(index, 1);
            else chunks.splice(index, 0, chunks[index]);
          }
          const accumulator = new StreamAccumulator();
          for (const chunk of chunks) survives(() => accumulator.add(chunk));
          const result = survives(() => accumulator.result());
          if (result !== undefined) {
            expectSound(result);
            expect(typeof result.text).toBe("string");
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("10,000-deep objects and arrays in every field of every fixture never overflow the stack", () => {
    for (const fixture of fixtures) {
      for (const deep of [deepObject(10_000), deepArray(10_000), pollutingObject()]) {
        const chunks = Array.isArray(fixture.raw) ? fixture.raw : [fixture.raw];
        for (const [index, chunk] of chunks.entries()) {
          if (typeof chunk !== "object" || chunk === null) continue;
          for (const key of Object.keys(chunk)) {
            // In this chunk, and in every chunk of a stream (merging two deep values recurses too).
            const hostile = chunks.map((other, i) =>
              i === index || (Array.isArray(fixture.raw) && typeof other === "object" && other !== null)
                ? { ...(other as object), [key]: deep }
                : other,
            );
            if (Array.isArray(fixture.raw)) {
              const accumulator = new StreamAccumulator();
              for (const item of hostile) survives(() => accumulator.add(item));
              const result = survives(() => accumulator.result());
              if (result !== undefined) expectSound(result);
            } else {
              const result = survives(() => normalizeResponse(hostile[0]));
              if (result !== undefined) expectSound(result);
            }
          }
        }
      }
    }
  });

  it(`concatChunks on hostile message chunks (${RUNS} runs) and on 10,000-deep ones`, () => {
    const chunk = fc.record(
      {
        content: fc.oneof(fc.string(), fc.array(hostileValue, { maxLength: 3 })),
        additional_kwargs: fc.oneof(
          hostileValue,
          fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 3 }),
        ),
        response_metadata: fc.oneof(
          hostileValue,
          fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 3 }),
        ),
        tool_call_chunks: fc.array(
          fc.record({
            index: fc.oneof(fc.nat(3), hostileValue),
            args: fc.oneof(fc.string(), hostileValue),
            name: fc.string(),
          }),
          { maxLength: 3 },
        ),
        usage_metadata: hostileValue,
      },
      { requiredKeys: ["content"] },
    );
    fc.assert(
      fc.property(fc.array(chunk, { minLength: 2, maxLength: 5 }), (chunks) => {
        const merged = (chunks as unknown as MessageChunk[]).reduce((left, right) => concatChunks(left, right));
        expect(typeof JSON.stringify(toJsonSafe(merged))).toBe("string");
        expect(prototypePolluted()).toBe(false);
      }),
      { numRuns: RUNS },
    );
    for (const deep of [deepObject(10_000), deepArray(10_000)]) {
      const left = {
        content: [deep],
        additional_kwargs: { nested: deep },
        response_metadata: deepObject(10_000),
      } as unknown as MessageChunk;
      const merged = concatChunks(concatChunks(left, left), left);
      expect(typeof JSON.stringify(toJsonSafe(merged))).toBe("string");
    }
  });

  it("masking and JSON-safety take 10,000-deep input without overflowing", () => {
    for (const deep of [deepObject(10_000), deepArray(10_000), deepObject(100_000, "api_key")]) {
      expect(typeof JSON.stringify(toJsonSafe(deep))).toBe("string");
      expect(typeof JSON.stringify(maskSecrets(toJsonSafe(deep)))).toBe("string");
      expect(maskSecrets(deep)).toBeDefined();
    }
  });
});
