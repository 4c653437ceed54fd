import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TOKEN_RULES, WEBHOOK_PATHS } from "../../src/export/secret-rules.js";
import { findSecretsByAnchors, findSecretsByCharacters, SHORT_TEXT } from "../../src/export/secret-scan.js";
import { ADVERSARIAL_UNITS, repeatTo } from "../support/adversarial-text.js";

// The scanner has two paths: short texts are read character by character, with the commonest
// rejections made by table lookups before any detector runs (the word before a `-` or `_` judged by
// its last two characters, the name before a `:` or `=` by its letters, an anchor led by a digit found
// from its second character); longer ones search each anchor with `indexOf` and run every detector
// where its anchor stands. Both must find exactly the same credentials in any text: the anchor search
// is the oracle of the character scan, on random mixes of what a run's strings hold (ids, times,
// dotted orders, model names, prose) and of every anchor, lead word, credential name, credential shape
// and near-miss, cut anywhere, and on hostile repeats.

const HEX = "0123456789abcdef";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const chars = (alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

const uuid = fc.uuid();
const isoTime = fc
  .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
  .map((date) => date.toISOString().replace("Z", `${date.getTime() % 1000}Z`));
const dottedOrder = fc
  .tuple(isoTime, uuid)
  .map(([time, id]) => `${time.replace(/[-:.]/g, "").replace(/Z$/, "")}Z${id}`);
const RUN_STRINGS = [
  "gpt-4o-mini",
  "gpt-4o-mini-2024-07-18",
  "claude-3-5-sonnet-20241022",
  "ChatOpenAI",
  "chat_models",
  "not_implemented",
  "Question 123: what is the capital of France?",
  "You are a terse assistant.",
  "well-known",
  "snake_case_name",
  "x => x == 1",
];

// A rule's prefix with a body of its class, about as long as the rule asks (one shorter to one longer).
const BODY_ALPHABETS = TOKEN_RULES.map((rule) =>
  [...Array(128).keys()].filter((code) => rule.body[code] === 1).map((code) => String.fromCharCode(code)),
);
const ruleShaped = fc
  .tuple(fc.nat(TOKEN_RULES.length - 1), fc.integer({ min: -1, max: 1 }), fc.boolean())
  .chain(([index, delta, digit]) => {
    const rule = TOKEN_RULES[index]!;
    const length = Math.max(0, Math.min(rule.length + delta, 70));
    return fc
      .string({ unit: fc.constantFrom(...BODY_ALPHABETS[index]!), minLength: length, maxLength: length })
      .map((body) => rule.prefix + (digit && body.length > 0 ? `7${body.slice(1)}` : body));
  });
const LEADS = [...new Set(TOKEN_RULES.flatMap((rule) => [rule.prefix, rule.prefix.split(/[-_.]/)[0]!]))];

const ANCHORS = [
  "Bearer ",
  "Bearer",
  "Basic ",
  "Basic dXNlcjpwYXNz",
  "Basic YWJj",
  "eyJ",
  "eyJhbGciOiJIUzI1NiJ9",
  ".eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
  "SG.",
  "SK",
  "AKIA",
  "ASIA",
  "ABIA",
  "ACCA",
  "AIza",
  "KIA",
  "ya29.",
  "a29.",
  "9.",
  "9",
  ".",
  "-----BEGIN RSA PRIVATE KEY-----\n",
  "-----BEGIN PRIVATE KEY",
  "-----BEGIN ",
  "-----END RSA PRIVATE KEY-----",
  "-----END",
  "-----",
  "https://",
  "x://",
  "user:pass@",
  "u@",
  ...WEBHOOK_PATHS.map((hook) => hook.host + hook.path),
];
const NAMES = [
  "password",
  "api_key",
  "apiKey",
  "x-api-key",
  "DB_PASSWORD",
  "token",
  "access_token",
  "max_tokens",
  "secret",
  "secretary",
  "auth",
  "author",
  "pwd",
  "Authorization",
  "cookie",
  "bearer",
  "key",
  "\u212Aey",
  "to\u212Aen",
  "\u0130d",
  "process.env.TOKEN",
  "a".repeat(64),
  "a".repeat(65),
];
const VALUES = ["null", "none", "true", "[redacted]", "bearer", "basic", "os.environ", "get()", "hunter2", "practice"];
const SEPARATORS = [
  ..."-_:=. \t\n\"'\\/@()[],;?#<>!&|`",
  "://",
  "==",
  "!=",
  "=>",
  "<=",
  ": ",
  '\\"',
  "  ",
  "\u00e9",
  "\u212A",
  "\ud83d\ude00",
];

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(uuid, isoTime, dottedOrder, chars(HEX, 1, 40), fc.constantFrom(...RUN_STRINGS)) },
  { weight: 5, arbitrary: fc.constantFrom(...SEPARATORS) },
  { weight: 3, arbitrary: fc.constantFrom(...ANCHORS) },
  { weight: 3, arbitrary: fc.constantFrom(...LEADS) },
  { weight: 3, arbitrary: ruleShaped },
  { weight: 2, arbitrary: fc.constantFrom(...NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...VALUES) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      chars(ALNUM, 1, 24),
      chars(`${ALNUM}_-`, 8, 48),
      chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 17),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...Object.values(ADVERSARIAL_UNITS)), fc.integer({ min: 2, max: 12 }))
      .map(([unit, count]) => unit.repeat(count)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

const mix = (maxPieces: number): fc.Arbitrary<string> =>
  fc.array(piece, { maxLength: maxPieces }).map((pieces) => pieces.join(""));

// Texts of up to SHORT_TEXT characters, cut anywhere (a credential or an anchor cut short).
const shortText = fc.tuple(mix(12), fc.nat(SHORT_TEXT)).map(([text, cut]) => text.slice(0, cut));

const sameRanges = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((value, i) => value === b[i]);

function agree(text: string): boolean {
  const byCharacters = findSecretsByCharacters(text);
  const byAnchors = findSecretsByAnchors(text);
  // A failure names the text and both results.
  if (!sameRanges(byCharacters, byAnchors))
    expect({ text, ranges: [...byCharacters] }).toEqual({ text, ranges: byAnchors });
  return true;
}

describe("the character scan finds what the anchor search finds", () => {
  it("on random short texts (the texts findSecrets reads by characters)", () => {
    let withSecrets = 0;
    fc.assert(
      fc.property(shortText, (text) => {
        if (findSecretsByAnchors(text).length > 0) withSecrets++;
        return agree(text);
      }),
      { numRuns: 200_000 },
    );
    // The mixes hold credentials often enough for the comparison to mean something.
    expect(withSecrets).toBeGreaterThan(4_000);
  });

  it("on random longer texts", () => {
    fc.assert(fc.property(mix(60), agree), { numRuns: 10_000 });
  });

  it("on hostile repeats of every length up to twice SHORT_TEXT, from every offset", () => {
    for (const unit of Object.values(ADVERSARIAL_UNITS)) {
      const text = repeatTo(unit, 2 * SHORT_TEXT + unit.length);
      for (let length = 0; length <= 2 * SHORT_TEXT; length++)
        for (let offset = 0; offset < unit.length; offset++) agree(text.slice(offset, offset + length));
    }
  });
});
