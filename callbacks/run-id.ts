import { randomFillSync } from "node:crypto";

// Run ids are UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, a 12-bit counter (rand_a) and
// 62 random bits. Generated here rather than with the uuid package because every run start needs
// one, and uuid's v7 allocates two byte arrays per id (~0.6 µs); this costs about a tenth of that.
// Random bytes come from a pool refilled from the CSPRNG; the formatted millisecond prefix is reused
// while the clock stays in the same millisecond.

const POOL_BYTES = 4096;
const RANDOM_BYTES_PER_ID = 8;
const pool = new Uint8Array(POOL_BYTES);
let poolOffset = POOL_BYTES;

// Lower-case hex digits as char codes: the id is made by one String.fromCharCode call, a flat string.
// (A template of 17 pieces makes a chain of 16 concatenations, flattened again when the id is first
// used as a Map key.)
const HEX_CODES = Uint8Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
const DASH = 0x2d;
const VERSION_7 = 0x37; // "7"

let lastMillis = -1;
let counter = 0;
// The 48-bit timestamp's 12 hex digits as char codes, rewritten when the millisecond changes.
const prefix = new Uint8Array(12);

/**
 * A new run id: a UUIDv7, strictly increasing within this process (ids made in the same millisecond,
 * or after the clock stepped back, are ordered by the counter; when it runs out the timestamp moves
 * on by a millisecond, as RFC 9562 allows).
 *
 * @example
 * newRunId(); // "0190f0e4-5a2b-7c3d-9e4f-0123456789ab"
 */
export function newRunId(): string {
  const now = Date.now();
  if (now > lastMillis) {
    lastMillis = now;
    // A random start in the lower half leaves at least 2048 ids for this millisecond.
    counter = (nextByte() << 3) & 0x7ff;
    writePrefix(now);
  } else if (++counter > 0xfff) {
    lastMillis++;
    counter = 0;
    writePrefix(lastMillis);
  }
  if (poolOffset + RANDOM_BYTES_PER_ID > POOL_BYTES) refill();
  const o = poolOffset;
  poolOffset += RANDOM_BYTES_PER_ID;
  const variant = ((pool[o] as number) & 0x3f) | 0x80;
  const p = prefix;
  return String.fromCharCode(
    p[0] as number,
    p[1] as number,
    p[2] as number,
    p[3] as number,
    p[4] as number,
    p[5] as number,
    p[6] as number,
    p[7] as number,
    DASH,
    p[8] as number,
    p[9] as number,
    p[10] as number,
    p[11] as number,
    DASH,
    VERSION_7,
    hex(counter >> 8),
    hex(counter >> 4),
    hex(counter),
    DASH,
    hex(variant >> 4),
    hex(variant),
    hex(high(o + 1)),
    hex(pool[o + 1] as number),
    DASH,
    hex(high(o + 2)),
    hex(pool[o + 2] as number),
    hex(high(o + 3)),
    hex(pool[o + 3] as number),
    hex(high(o + 4)),
    hex(pool[o + 4] as number),
    hex(high(o + 5)),
    hex(pool[o + 5] as number),
    hex(high(o + 6)),
    hex(pool[o + 6] as number),
    hex(high(o + 7)),
    hex(pool[o + 7] as number),
  );
}

// The char code of the low nibble's hex digit.
function hex(value: number): number {
  return HEX_CODES[value & 0xf] as number;
}

// The high nibble of a pool byte.
function high(index: number): number {
  return (pool[index] as number) >> 4;
}

// The 48-bit timestamp as 12 hex digits.
function writePrefix(millis: number): void {
  const digits = millis.toString(16).padStart(12, "0");
  for (let i = 0; i < 12; i++) prefix[i] = digits.charCodeAt(i);
}

function nextByte(): number {
  if (poolOffset >= POOL_BYTES) refill();
  return pool[poolOffset++] as number;
}

function refill(): void {
  randomFillSync(pool);
  poolOffset = 0;
}
