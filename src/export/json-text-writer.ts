// The JSON text of one walk (run-json.ts), written as Latin-1 bytes into one reused buffer while every
// character fits in a byte, as nearly all run text does: no string is made per piece (a string per
// value, joined by its parent, allocated ~8× the text and had to be flattened), only one at the end.
// From the first character past U+00FF on, the text so far becomes a string and the rest is appended
// as strings, as before.

const INITIAL_BYTES = 16 * 1024;
// A buffer grown past this for one huge run is not kept for the next.
const KEPT_BYTES = 1024 * 1024;
// Longer strings are checked by one regular expression and copied natively, not character by character.
const SHORT = 64;
// Characters JSON.stringify escapes (lone surrogates included).
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
// Characters that need escaping or do not fit in a byte.
const NOT_PLAIN_LATIN1 = /["\\\u0000-\u001f\u0100-\uffff]/;
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

let bytes: Buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
let length = 0;
/** The text, once a character did not fit in a byte. */
let text: string | undefined;
let writing = false;

/** The state of a text being written when a walk starts inside another (a getter or toJSON exporting a run). */
interface OuterText {
  bytes: Buffer;
  length: number;
  text: string | undefined;
}

/** Starts a text; what it returns goes to `closeText` once the text is finished or abandoned. */
export function openText(): OuterText | undefined {
  const outer = writing ? { bytes, length, text } : undefined;
  if (outer !== undefined) bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  writing = true;
  length = 0;
  text = undefined;
  return outer;
}

/** The text written since `openText`, as one flat string. */
export function textWritten(): string {
  if (text === undefined) return bytes.toString("latin1", 0, length);
  // Appended strings are a tree of pieces until flattened; reading a character flattens it, once.
  text.charCodeAt(0);
  return text;
}

/** Ends the text begun by the `openText` that returned `outer`. */
export function closeText(outer: OuterText | undefined): void {
  if (outer !== undefined) ({ bytes, length, text } = outer);
  else {
    if (bytes.length > KEPT_BYTES) bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    length = 0;
    text = undefined;
    writing = false;
  }
}

/** Where the text is now, for `rollback`. */
export function mark(): number | string {
  return text ?? length;
}

/**
 * Drops what was written after `at` (a value that turned out to have no JSON form, or threw). Constant
 * time, but for a mark taken before the text became a string: only the objects enclosing that point
 * (at most the depth limit) can roll back across it.
 */
export function rollback(at: number | string): void {
  if (typeof at === "string") text = at;
  else if (text === undefined) length = at;
  else text = text.slice(0, at);
}

/** Appends JSON text. */
export function write(piece: string): void {
  if (text !== undefined) {
    text += piece;
    return;
  }
  const n = piece.length;
  if (n > SHORT) {
    if (BEYOND_LATIN1.test(piece)) becomeText(piece);
    else {
      reserve(n);
      length += bytes.write(piece, length, n, "latin1");
    }
    return;
  }
  reserve(n);
  const b = bytes;
  let p = length;
  for (let i = 0; i < n; i++) {
    const code = piece.charCodeAt(i);
    if (code > 0xff) return becomeText(piece);
    b[p++] = code;
  }
  length = p;
}

/** Appends a string value, quoted and escaped as JSON.stringify writes it. */
export function writeString(value: string): void {
  if (text !== undefined) {
    text += NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
    return;
  }
  const n = value.length;
  if (n > SHORT) {
    if (NOT_PLAIN_LATIN1.test(value)) write(JSON.stringify(value));
    else {
      reserve(n + 2);
      bytes[length++] = 0x22;
      length += bytes.write(value, length, n, "latin1");
      bytes[length++] = 0x22;
    }
    return;
  }
  reserve(n + 2);
  const b = bytes;
  let p = length;
  b[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || code > 0xff) return write(JSON.stringify(value));
    b[p++] = code;
  }
  b[p++] = 0x22;
  length = p;
}

function reserve(n: number): void {
  if (length + n <= bytes.length) return;
  const grown = Buffer.allocUnsafeSlow(Math.max(bytes.length * 2, length + n));
  bytes.copy(grown, 0, 0, length);
  bytes = grown;
}

function becomeText(piece: string): void {
  text = bytes.toString("latin1", 0, length) + piece;
}
