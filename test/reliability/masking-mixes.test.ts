import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretKey, maskSecretsInString, REDACTED } from "../../src/export/index.js";
import { TOKEN_RULES } from "../../src/export/secret-rules.js";
import { cleanText } from "../support/adversarial-text.js";
import { CORPUS } from "../support/false-positive-corpus.js";
import { CREDENTIAL_SHAPES } from "./credential-shapes.js";

// Random mixes of the reliability corpora, each piece with its masked form known by construction:
// look-alikes stay as written (the false-positive corpus), a credential that is the whole piece
// becomes [REDACTED] (the shapes of the credential matrix), and `name=value` loses its value exactly
// when the field-name classifier calls the name a credential's. The scanner's shortcuts (anchors
// searched from a rare character, names judged by their letters, lead words by their ends) must give
// what these say, wherever the pieces fall in a long text.

interface Piece {
  text: string;
  masked: string;
}

const kept = (text: string): Piece => ({ text, masked: text });

// Near-matches of each anchor and detector, alone on their line.
const NEAR_MATCHES = [
  "sk-abcdefgh",
  "AKIA",
  "KIA",
  "ASIAN",
  "ABIA7",
  "ACCA",
  "AIza",
  "Iza",
  "ya29",
  "ya29.",
  "9.",
  "Bearer",
  "Bearer words",
  "Basic YWJj",
  "eyJ",
  "eyJhbGciOi.eyJ",
  "SG.",
  "SK",
  "https://u@",
  "x://",
  "a:",
  "-",
  "_",
  "key-value",
  "well-known",
  "snake_case_name",
  "x => x == 1",
];

const CLEAN_PIECES = [...CORPUS, ...NEAR_MATCHES, ...cleanText(2_000).split("\n")].map(kept);

// Several instances of every shape whose whole text is the credential (random bodies).
const CREDENTIAL_PIECES: Piece[] = CREDENTIAL_SHAPES.flatMap((shape) =>
  [1, 2, 3].map(() => shape.make()).filter(({ text, secret }) => text === secret),
).map(({ text }) => ({ text, masked: REDACTED }));

// Name parts: credential words, their near-misses, words of no credential, and letters beyond ASCII
// whose lower case is ASCII (the Kelvin sign lowers to "k", "İ" to "i" and a dot).
const NAME_PARTS = [
  ...["api", "key", "pass", "word", "token", "secret", "auth", "sig", "pwd", "cred", "dsn", "otp", "cookie"],
  ...["max", "total", "page", "ary", "or", "author", "bypass", "order", "status", "items", "count", "sku"],
  ...["\u212A", "\u0130", "Ä", "_", "-", "."],
];
// A lead word of a prefixed rule, or a word with the same ends and length that is none.
const LEADS = TOKEN_RULES.map((rule) => rule.prefix.split(/[-_]/)[0] as string).filter((lead) => lead.length > 1);

const name = fc
  .array(fc.constantFrom(...NAME_PARTS), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join(""))
  .filter((text) => /^[A-Za-z]/.test(text) && /[A-Za-z]$/.test(text));
// A value that looks like a credential: long, with a digit, no delimiter.
const value = fc
  .string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), minLength: 16 })
  .map((body) => `7${body}`);

const namedPiece = fc.tuple(name, value, fc.boolean()).map(([key, secret, quoted]): Piece => {
  // Unquoted names are identifiers: a character beyond ASCII ends them, so those go quoted.
  if (quoted || /[^\x20-\x7e]/.test(key)) {
    return { text: `"${key}": "${secret}"`, masked: `"${key}": "${isSecretKey(key) ? REDACTED : secret}"` };
  }
  return { text: `${key}=${secret}`, masked: `${key}=${isSecretKey(key) ? REDACTED : secret}` };
});

// A lead word's near-miss (one letter changed, same ends and length when the lead is longer than
// two) followed by its separator and a body: no rule's prefix, so it stays.
const nearLead = fc.tuple(fc.constantFrom(...LEADS), fc.nat(), value).map(([lead, at, body]): Piece => {
  const index = lead.length > 2 ? 1 + (at % (lead.length - 2)) : at % lead.length;
  const changed = lead[index] === "q" ? "z" : "q";
  return kept(`${lead.slice(0, index)}${changed}${lead.slice(index + 1)}_${body}`);
});

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CLEAN_PIECES) },
  { weight: 2, arbitrary: fc.constantFrom(...CREDENTIAL_PIECES) },
  { weight: 2, arbitrary: namedPiece },
  { weight: 1, arbitrary: nearLead },
);

describe("masking random mixes of the corpora", () => {
  it("every piece is masked as it is alone, wherever it falls", () => {
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 40 }),
        fc.constantFrom("\n", " \n", "\n\n"),
        (pieces, gap) => {
          const text = pieces.map((p) => p.text).join(gap);
          expect(maskSecretsInString(text)).toBe(pieces.map((p) => p.masked).join(gap));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("names beyond ASCII are judged by their lower case, like any other", () => {
    expect(isSecretKey("to\u212Aen")).toBe(true);
    expect(maskSecretsInString(`{"to\u212Aen": "7abcdefghijklmnop"}`)).toBe(`{"to\u212Aen": "${REDACTED}"}`);
  });
});
