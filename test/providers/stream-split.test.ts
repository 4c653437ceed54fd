import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NormalizedResponse } from "../../src/providers/index.js";
import { accumulate, captureWarnings, clone, loadFixtures, type Fixture } from "../support/providers-helpers.js";

captureWarnings();

type Json = Record<string, unknown>;
type Path = readonly (string | number)[];

/** Where each stream format keeps a chunk's text delta (or tool-argument delta): the pieces that may split. */
const DELTA_PATHS: readonly Path[] = [
  ["choices", 0, "delta", "content"],
  ["delta", "message", "content", "text"],
  ["delta", "text"],
  ["delta", "partial_json"],
  ["delta"],
  ["contentBlockDelta", "delta", "text"],
  ["candidates", 0, "content", "parts", 0, "text"],
  ["message", "content"],
];

function get(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function set(value: unknown, path: Path, replacement: string): void {
  let current = value as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) current = current[key] as Record<string | number, unknown>;
  current[path.at(-1) as string | number] = replacement;
}

/** The chunk's splittable text field, if it has one. */
function deltaPath(chunk: unknown): Path | undefined {
  return DELTA_PATHS.find((path) => {
    const value = get(chunk, path);
    return typeof value === "string" && value.length > 1;
  });
}

/**
 * Splits every text delta of a stream into pieces at the given cut points; every other field of the
 * chunk is copied onto every piece, so usage, finish reasons and ids are repeated too.
 */
function split(chunks: readonly unknown[], cuts: readonly number[]): unknown[] {
  const out: unknown[] = [];
  chunks.forEach((chunk, i) => {
    const path = deltaPath(chunk);
    if (path === undefined) {
      out.push(chunk);
      return;
    }
    const text = get(chunk, path) as string;
    const at = [...new Set(cuts.map((cut) => ((cut + i) % (text.length - 1)) + 1))].sort((a, b) => a - b);
    let from = 0;
    for (const end of [...at, text.length]) {
      const piece = clone(chunk);
      set(piece, path, text.slice(from, end));
      out.push(piece);
      from = end;
    }
  });
  return out;
}

function essentials(result: NormalizedResponse) {
  return { text: result.text, tool_calls: result.tool_calls, usage: result.usage_metadata, provider: result.provider };
}

const streams = loadFixtures().filter(
  (fixture: Fixture) => fixture.streaming && (fixture.raw as unknown[]).some((c) => deltaPath(c) !== undefined),
);

describe("streams split at random points", () => {
  it("has splittable fixture streams for every streaming format", () => {
    expect(streams.length).toBeGreaterThanOrEqual(10);
  });

  it("give the same text, tool calls and usage as the unsplit stream (fixtures)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...streams),
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 4 }),
        (fixture, cuts) => {
          const raw = fixture.raw as unknown[];
          const whole = accumulate(raw, { provider: fixture.provider });
          const pieces = split(raw, cuts);
          expect(pieces.length).toBeGreaterThan(raw.length);
          expect(essentials(accumulate(pieces, { provider: fixture.provider }))).toEqual(essentials(whole));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("give the same text, tool arguments and usage for generated OpenAI streams", () => {
    const usageCount = fc.integer({ min: 0, max: 100_000 });
    fc.assert(
      fc.property(
        fc.string({ minLength: 2, maxLength: 80 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), {
          maxKeys: 4,
        }),
        fc.record({ prompt_tokens: usageCount, completion_tokens: usageCount, cached: usageCount }),
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 5 }),
        (text, args, counts, cuts) => {
          const argsText = JSON.stringify(args);
          const base = { id: "chatcmpl-g", object: "chat.completion.chunk", model: "gpt-4o" };
          const argPieces = split([{ delta: argsText }], cuts).map((piece) => (piece as Json).delta as string);
          const chunks: unknown[] = [
            { ...base, choices: [{ index: 0, delta: { role: "assistant", content: text }, finish_reason: null }] },
            {
              ...base,
              choices: [
                {
                  index: 0,
                  delta: { tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: "" } }] },
                },
              ],
            },
            ...argPieces.map((piece) => ({
              ...base,
              choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] } }],
            })),
            { ...base, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
            {
              ...base,
              choices: [],
              usage: {
                prompt_tokens: counts.prompt_tokens + counts.cached,
                completion_tokens: counts.completion_tokens,
                total_tokens: counts.prompt_tokens + counts.cached + counts.completion_tokens,
                prompt_tokens_details: { cached_tokens: counts.cached },
              },
            },
          ];
          const result = accumulate(split(chunks, cuts));
          expect(result.text).toBe(text);
          expect(result.tool_calls).toEqual([
            { id: "call_1", name: "f", args: JSON.parse(argsText), type: "tool_call" },
          ]);
          expect(result.usage_metadata).toEqual({
            input_tokens: counts.prompt_tokens + counts.cached,
            output_tokens: counts.completion_tokens,
            total_tokens: counts.prompt_tokens + counts.cached + counts.completion_tokens,
            input_token_details: { cache_read: counts.cached },
            output_token_details: {},
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("report the last cumulative Gemini usage, never a sum, however many chunks carry it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ text: fc.string({ maxLength: 8 }), out: fc.nat(50) }), { minLength: 1, maxLength: 12 }),
        fc.nat(500),
        (steps, prompt) => {
          let candidates = 0;
          const chunks = steps.map((step) => {
            candidates += step.out;
            return {
              candidates: [{ content: { role: "model", parts: [{ text: step.text }] } }],
              usageMetadata: {
                promptTokenCount: prompt,
                candidatesTokenCount: candidates,
                totalTokenCount: prompt + candidates,
              },
            };
          });
          const result = accumulate(chunks, { provider: "google_genai" });
          expect(result.text).toBe(steps.map((s) => s.text).join(""));
          expect(result.usage_metadata).toEqual({
            input_tokens: prompt,
            output_tokens: candidates,
            total_tokens: prompt + candidates,
            input_token_details: { cache_read: 0 },
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
