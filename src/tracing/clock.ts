import { performance } from "node:perf_hooks";

// Wall-clock anchor plus the monotonic clock: microsecond resolution that never goes backwards
// within the process, unlike Date.now() (milliseconds, and subject to clock adjustments).
const ORIGIN_MICROS = Math.round(performance.timeOrigin * 1000);

/** Microseconds since the Unix epoch, from the monotonic high-resolution clock. */
export function nowMicros(): number {
  return ORIGIN_MICROS + Math.round(performance.now() * 1000);
}

// Formatting a Date costs about a microsecond and every run end formats two or three times, so the
// "YYYY-MM-DDTHH:MM:SS" part of each second is cached (a few slots: a run's start and end usually fall
// in different seconds) and only the microseconds are formatted per call.
const SLOTS = 64;
const slotSeconds = new Float64Array(SLOTS).fill(Number.NaN);
const slotIso: string[] = new Array<string>(SLOTS).fill("");
const slotCompact: string[] = new Array<string>(SLOTS).fill("");

/**
 * The slot holding the cached prefixes of `micros`'s second, filling it first if needed; -1 when the
 * time is not cached (not an integer, or outside years 0–9999): the caller then formats it in full.
 */
function secondSlot(micros: number, second: number): number {
  if (!Number.isInteger(micros)) return -1;
  const slot = ((second % SLOTS) + SLOTS) % SLOTS;
  if (slotSeconds[slot] === second) return slot;
  const iso = new Date(second * 1000).toISOString(); // 2024-05-01T12:00:00.000Z
  if (iso.length !== 24) return -1; // extended years (±YYYYYY) are not cached
  slotSeconds[slot] = second;
  slotIso[slot] = iso.slice(0, 19);
  slotCompact[slot] = compactDateTime(iso);
  return slot;
}

/** `2024-05-01T12:00:00.123456Z`: ISO-8601 UTC with microseconds, as LangSmith serializes times. */
export function isoFromMicros(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  const slot = secondSlot(micros, second);
  if (slot < 0) return isoUncached(micros);
  return `${slotIso[slot]}.${sixDigits(micros - second * 1_000_000)}Z`;
}

/**
 * `20240501T120000123456`: the UTC time with microseconds as a dotted-order segment writes it.
 *
 * @example
 * compactFromMicros(1714564800123456); // → "20240501T120000123456"
 */
export function compactFromMicros(micros: number): string {
  const second = Math.floor(micros / 1_000_000);
  const slot = secondSlot(micros, second);
  if (slot < 0) {
    const iso = isoUncached(micros);
    return `${compactDateTime(iso)}${iso.slice(20, 26)}`;
  }
  return `${slotCompact[slot]}${sixDigits(micros - second * 1_000_000)}`;
}

function isoUncached(micros: number): string {
  const millis = Math.floor(micros / 1000);
  const iso = new Date(millis).toISOString();
  return `${iso.slice(0, 23)}${String(micros - millis * 1000).padStart(3, "0")}Z`;
}

// "2024-05-01T12:00:00…" → "20240501T120000"
function compactDateTime(iso: string): string {
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

// "000" … "999": the six fraction digits are two lookups and one concatenation, not a number
// conversion plus padding (this runs at every run start, for its dotted order).
const THREE_DIGITS: readonly string[] = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, "0"));

function sixDigits(value: number): string {
  const high = Math.floor(value / 1000);
  return `${THREE_DIGITS[high] as string}${THREE_DIGITS[value - high * 1000] as string}`;
}

/** Parses an ISO-8601 time (up to microseconds) into epoch microseconds; undefined if invalid. */
export function microsFromIso(iso: string): number | undefined {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
  if (match === null) return undefined;
  const [, head, fraction = "", zone = "Z"] = match;
  const seconds = Date.parse(`${head}${zone}`);
  if (Number.isNaN(seconds)) return undefined;
  return seconds * 1000 + Number(fraction.padEnd(6, "0").slice(0, 6));
}
