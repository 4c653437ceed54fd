/**
 * Near-matches of every masking detector, repeated: text that makes a backtracking pattern re-read
 * what follows each near-match (a quadratic blow-up), and a linear one read each byte a few times.
 * Shared by the masking bench (bench/mask.ts) and the reliability test.
 */
export const ADVERSARIAL_UNITS: Readonly<Record<string, string>> = {
  "sk- prefixes, no digit": "sk-",
  "sk- and letters": "sk-abcdefgh",
  "PEM headers without footer": "-----BEGIN RSA PRIVATE KEY-----\n",
  "token= with no value end": "token=",
  "name: pairs": "a:",
  "URL schemes without host end": "x://",
  "Bearer words": "Bearer ",
  "Basic without a colon": "Basic YWJj ",
  underscores: "_",
  dashes: "-",
  "unclosed quoted names": '"password":"',
  "JWT headers without payload": "eyJ",
  "AWS ids too long": "AKIA",
  "long names before a colon": `${"a".repeat(60)}:`,
  "spaced names": `token${" ".repeat(7)}:`,
  "userinfo without password": "https://u@",
  "stripe prefixes": "sk_live_",
};

/** `unit` repeated to exactly `bytes` characters (a flat string, as text read from the wire is). */
export function repeatTo(unit: string, bytes: number): string {
  return Buffer.from(unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)).toString("latin1");
}

const PROSE =
  "The quarterly review covered revenue, margins and the roadmap. Our well-known team met on Tuesday; " +
  "Alice asked whether the numbers (about 42%) were final, and Bob said the tokens per request fell by a third. ";

/** Prose with no credential. */
export function proseText(bytes: number): string {
  return repeatTo(PROSE, bytes);
}

/** Text with no credential: prose, code and JSON as a chat carries them. */
export function cleanText(bytes: number): string {
  const prose = PROSE;
  const code = "function total(items) {\n  return items.reduce((sum, item) => sum + item.price * item.count, 0);\n}\n";
  const json = '{"order": 1042, "status": "shipped", "items": [{"sku": "A-17", "count": 2}]}\n';
  return repeatTo(prose + code + prose + json, bytes);
}
