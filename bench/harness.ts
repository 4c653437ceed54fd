// The side-by-side runner: two contenders measured in one process, alternating sample by sample (A B,
// then B A, …) after a shared warm-up, so drift (CPU frequency, JIT tiers, a noisy neighbour) hits both
// alike. Each sample times a batch of operations (calibrated to last about `sampleMillis`), giving a
// per-operation time; the result is the median of the samples. Our own runner rather than tinybench's
// Bench: tinybench runs one task to completion before the next, and cannot alternate.
import { performance } from "node:perf_hooks";

/** One side of a comparison. `setup` and `teardown` are untimed; `run` performs `ops` operations. */
export interface Contender<S> {
  name: string;
  setup?: (ops: number) => S | Promise<S>;
  run: (state: S, ops: number) => void | Promise<void>;
  teardown?: (state: S) => void | Promise<void>;
  /** Upper bound of operations per sample (e.g. to stay under a queue bound). */
  maxOps?: number;
}

/** Per-operation times of one contender, in nanoseconds. */
export interface Stats {
  name: string;
  medianNs: number;
  /** First and third quartiles of the samples: the spread. */
  q1Ns: number;
  q3Ns: number;
  samples: number;
  opsPerSample: number;
}

/** How long and how often to measure; the defaults suit sub-microsecond to ~100 µs operations. */
export interface CompareOptions {
  warmupMillis?: number;
  samples?: number;
  sampleMillis?: number;
}

const DEFAULTS: Required<CompareOptions> = { warmupMillis: 400, samples: 41, sampleMillis: 4 };

/**
 * Measures `a` and `b` side by side and returns their stats in that order.
 *
 * @example
 * const [ours, peer] = await compare(oursContender, peerContender);
 * console.log(peer.medianNs / ours.medianNs);
 */
export async function compare<A, B>(
  a: Contender<A>,
  b: Contender<B>,
  options: CompareOptions = {},
): Promise<[Stats, Stats]> {
  const { warmupMillis, samples, sampleMillis } = { ...DEFAULTS, ...options };
  const warmupEnd = performance.now() + warmupMillis;
  let opsA = 1;
  let opsB = 1;
  // Warm-up doubles as calibration: the batch grows until one sample lasts `sampleMillis`.
  while (performance.now() < warmupEnd) {
    opsA = grow(opsA, await sample(a, opsA), sampleMillis, a.maxOps);
    opsB = grow(opsB, await sample(b, opsB), sampleMillis, b.maxOps);
  }
  const timesA: number[] = [];
  const timesB: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i % 2 === 0) {
      timesA.push(await sample(a, opsA));
      timesB.push(await sample(b, opsB));
    } else {
      timesB.push(await sample(b, opsB));
      timesA.push(await sample(a, opsA));
    }
  }
  return [stats(a.name, timesA, opsA), stats(b.name, timesB, opsB)];
}

/** Runs one sample of `ops` operations; returns the elapsed milliseconds of the timed part. */
async function sample<S>(contender: Contender<S>, ops: number): Promise<number> {
  const state = (await contender.setup?.(ops)) as S;
  const start = performance.now();
  const pending = contender.run(state, ops);
  if (pending !== undefined) await pending;
  const elapsed = performance.now() - start;
  await contender.teardown?.(state);
  // Let timers and I/O run (span exporters, runledger's batch export), as an application's event loop
  // would between bursts of work; otherwise their callbacks pile up across samples.
  await new Promise<void>((resolve) => setImmediate(resolve));
  // A young-generation collection, not timed: each sample starts clean, so neither side pays to
  // collect garbage the other left (runledger's background export, say). Garbage a side makes during
  // its own sample is still collected, and counted, within that sample.
  collectYoungGarbage();
  return elapsed / ops;
}

function collectYoungGarbage(): void {
  (globalThis as { gc?: (options: { type: "minor" }) => void }).gc?.({ type: "minor" });
}

function grow(ops: number, perOpMillis: number, sampleMillis: number, maxOps = Number.MAX_SAFE_INTEGER): number {
  const wanted = Math.ceil(sampleMillis / Math.max(perOpMillis, 1e-6));
  return Math.max(1, Math.min(maxOps, Math.max(ops, Math.min(wanted, ops * 4))));
}

/**
 * Stats of per-operation times in milliseconds (for a benchmark that takes its own samples).
 *
 * @example
 * stats("runledger", [0.002, 0.003], 500).medianNs; // 2500
 */
export function stats(name: string, perOpMillis: number[], ops: number): Stats {
  const sorted = perOpMillis.map((millis) => millis * 1e6).sort((x, y) => x - y);
  return {
    name,
    medianNs: quantile(sorted, 0.5),
    q1Ns: quantile(sorted, 0.25),
    q3Ns: quantile(sorted, 0.75),
    samples: sorted.length,
    opsPerSample: ops,
  };
}

/**
 * The median of unsorted values.
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  return quantile(
    [...values].sort((x, y) => x - y),
    0.5,
  );
}

function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] ?? Number.NaN;
  const highValue = sorted[high] ?? lowValue;
  return lowValue + (highValue - lowValue) * (position - low);
}

/**
 * A duration for humans: ns below 1 µs, µs below 1 ms, else ms.
 *
 * @example
 * formatNs(1234); // "1.23 µs"
 */
export function formatNs(ns: number): string {
  if (ns < 1000) return `${ns.toFixed(ns < 10 ? 2 : 1)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

/** The median with its interquartile range, e.g. "1.23 µs (1.20–1.31)". */
export function formatStats(s: Stats): string {
  return `${formatNs(s.medianNs)} (${formatNs(s.q1Ns)}–${formatNs(s.q3Ns)})`;
}
