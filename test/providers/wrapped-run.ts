import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { ChatGeneration } from "../../schemas/index.js";
import { StreamAbandonedError } from "../../src/providers/index.js";
import type { RecordingHandler } from "../support/recording-handler.js";

/** The generation of the handler's single successful run. */
export function generationOf(handler: RecordingHandler): ChatGeneration {
  return handler.end().generations[0]?.[0] as ChatGeneration;
}

/** The partial output of the handler's single failed run (`extraParams.response`). */
export function partialOf(handler: RecordingHandler): ChatGeneration | undefined {
  return (handler.error().extraParams?.response as { generations: ChatGeneration[][] } | undefined)
    ?.generations[0]?.[0];
}

/** Reads a stream to its end; resolves with the items seen and the error that ended it, if any. */
export async function drain(stream: AsyncIterable<unknown>): Promise<{ seen: unknown[]; failure: unknown }> {
  const seen: unknown[] = [];
  try {
    for await (const item of stream) seen.push(item);
  } catch (error) {
    return { seen, failure: error };
  }
  return { seen, failure: undefined };
}

/** Reads `count` items, then stops reading (`break`, which calls the iterator's `return()`). */
export async function readThenStop(stream: AsyncIterable<unknown>, count: number): Promise<void> {
  let read = 0;
  for await (const item of stream) {
    void item;
    if (++read === count) break;
  }
}

/** The single run ended as abandoned, with `text` as its partial output, and never as a success. */
export function expectAbandoned(handler: RecordingHandler, text: string): void {
  expect(handler.error().error).toBeInstanceOf(StreamAbandonedError);
  expect(partialOf(handler)?.text).toBe(text);
  expect(handler.ofKind("end")).toHaveLength(0);
}

/** The `raw` payload of a recorded payload kept in this repository (test/fixtures/providers/<folder>/<name>.json). */
export function recordedRaw(folder: string, name: string): unknown {
  const file = fileURLToPath(new URL(`../fixtures/providers/${folder}/${name}.json`, import.meta.url));
  return (JSON.parse(readFileSync(file, "utf8")) as { raw: unknown }).raw;
}
