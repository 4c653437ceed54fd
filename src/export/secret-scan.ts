import { ALL_LETTERS, isSecretKey, letterBit, mayBeSecretKey, type LetterSet } from "./secret-key.js";
import { BASE64URL, TOKEN_RULES, WEBHOOK_PATHS, type CharClass, type TokenRule } from "./secret-rules.js";

/**
 * Finds the credentials in a text, in one left-to-right pass of time proportional to its length.
 *
 * Every detector is tied to an anchor: a literal that any credential it finds must contain (`:` and
 * `=` for `name=value`, `_` / `-` for prefixed keys such as `sk_live_` or `glpat-`, `AKIA`, `eyJ`,
 * `Bearer `…). Each anchor is searched with `indexOf` (native, far below 1 ns per byte on text that
 * lacks it; an anchor starts at a character that is rare in text, "KIA" of "AKIA", since the search
 * stops at each of its first character), and a detector only runs where its anchor stands, reading a
 * bounded window there. A match resumes the search after it; a rejection, at the anchor's next
 * occurrence (bounded windows and per-rule failure marks keep re-reads bounded). So every byte is
 * read a bounded number of times, whatever the input. Rejections are cheap: a name before `:` or `=`
 * is judged by its letters before any string is built, a word before `_` or `-` by its ends and length.
 */

/**
 * A detector at an anchor found at `at`: on a match it pushes `[start, end)` of each secret part to
 * `ranges` and returns where scanning resumes (> at); otherwise it returns a negative number (the
 * anchor is then searched again from `at + 1`; bounded windows and the failure marks below keep the
 * whole scan linear).
 */
type Detector = (text: string, at: number, ranges: number[]) => number;

interface Anchor {
  readonly literal: string;
  readonly detectors: readonly Detector[];
}

// Longest name looked at before a separator, and spaces allowed around it.
const MAX_NAME = 64;
const MAX_SPACES = 8;
// Longest authority (user:password@host:port) of a URL, and webhook path.
const MAX_AUTHORITY = 512;
const MAX_BASE64 = 4096;

const isWordCode = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isNameCode = (code: number): boolean => isWordCode(code) || code === 95 || code === 45 || code === 46; // _ - .
const isSpaceCode = (code: number): boolean => code === 32 || code === 9;
// Characters that end an unquoted value: whitespace, quotes, and the delimiters of lists, queries,
// calls and markup.
const VALUE_END = new Set([..." \t\r\n\"'`&,;<>(){}[]\\|"].map((c) => c.charCodeAt(0)));

function hasDigit(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) return true;
  }
  return false;
}

// Whether `literal` stands at `at` (String.prototype.startsWith costs ~100 ns on a long string).
function startsAt(text: string, literal: string, at: number): boolean {
  if (at < 0 || at + literal.length > text.length) return false;
  for (let i = 0; i < literal.length; i++) if (text.charCodeAt(at + i) !== literal.charCodeAt(i)) return false;
  return true;
}

// The end of the run of `body` characters from `from`, looking no further than `limit`.
function runEnd(text: string, from: number, body: CharClass, limit = text.length): number {
  const end = Math.min(limit, text.length);
  let i = from;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code >= 128 || body[code] === 0) break;
    i++;
  }
  return i;
}

// Where a rule last failed, within the current scan: a body is a maximal run, so the same prefix
// again inside that run can only fail too. Without this, "sk-sk-sk-…" would read its run once per
// prefix (quadratic). Indexed by rule, valid for the scan whose number is in `failedScan`.
const failedUntil: number[] = [];
const failedScan: number[] = [];
let scanNumber = 0;

// A rule at `start` (its prefix checked there already): pushes the credential and returns its end,
// or returns -1.
function tryRule(rule: TokenRule, id: number, text: string, start: number, ranges: number[]): number {
  if (failedScan[id] === scanNumber && start < (failedUntil[id] as number)) return -1;
  const from = start + rule.prefix.length;
  // An exact body is read one character past its length: never more, however long the run.
  const end = runEnd(text, from, rule.body, rule.exact ? from + rule.length + 1 : text.length);
  const fits = rule.exact
    ? end - from === rule.length && !(end < text.length && isWordCode(text.charCodeAt(end)))
    : end - from >= rule.length && (!rule.needsDigit || hasDigit(text, from, end));
  if (fits) {
    ranges.push(start, end);
    return end;
  }
  if (!rule.exact) {
    failedUntil[id] = end;
    failedScan[id] = scanNumber;
  }
  return -1;
}

// Rules anchored on a literal of their own (AKIA, SK…), whole prefix at the anchor.
function literalDetector(rule: TokenRule, id: number): Detector {
  return (text, anchor, ranges) => {
    const at = anchor - rule.anchorFrom;
    if (at < 0 || (at > 0 && isWordCode(text.charCodeAt(at - 1))) || !startsAt(text, rule.prefix, at))
      return -(anchor + 1);
    const end = tryRule(rule, id, text, at, ranges);
    return end > 0 ? end : -(anchor + 1);
  };
}

// Longest word before a `_` or `-` that starts a prefix ("github" of github_pat_).
const MAX_LEAD = 12;

// A lead word's first and last characters and length, as an index and a bit: `leadKey` picks a
// 16-bit entry of a `LeadFilter`, `1 << length` is a bit of it (lengths up to MAX_LEAD).
type LeadFilter = Uint16Array;
const leadKey = (first: number, last: number): number => (first << 7) | last;

function leadFilter(words: Iterable<string>): LeadFilter {
  const filter = new Uint16Array(128 * 128);
  for (const word of words) {
    const key = leadKey(word.charCodeAt(0), word.charCodeAt(word.length - 1));
    filter[key] = (filter[key] as number) | (1 << word.length);
  }
  return filter;
}

// Rules anchored on the first `_` or `-` of their prefix, found by the word before it: one map
// lookup per `_` or `-` in the text, whatever the number of rules, and only for a word whose first
// and last characters and length are a lead's ("well-known" builds no string).
function separatorDetector(byLead: Leads, orElse?: Detector): Detector {
  const filter = leadFilter(byLead.keys());
  return (text, at, ranges) => {
    let start = at;
    while (start > 0 && at - start <= MAX_LEAD && isWordCode(text.charCodeAt(start - 1))) start--;
    if (start === at || at - start > MAX_LEAD) return orElse === undefined ? -(at + 1) : orElse(text, at, ranges);
    if ((((filter[leadKey(text.charCodeAt(start), text.charCodeAt(at - 1))] as number) >> (at - start)) & 1) === 0)
      return -(at + 1);
    const candidates = byLead.get(text.slice(start, at));
    if (candidates === undefined) return -(at + 1);
    for (const { rule, id } of candidates) {
      if (!startsAt(text, rule.prefix, start)) continue;
      const end = tryRule(rule, id, text, start, ranges);
      if (end > 0) return end;
    }
    return -(at + 1);
  };
}

// JWT (gitleaks jwt): base64url header "eyJ…" . payload "eyJ…" . signature, anchored on its "J"
// ("eyJ" costs ~2.5 ns per byte to search for: "e" is everywhere). Each segment is one run; a header
// run that fails is remembered, so "eyJeyJeyJ…" is read once.
let jwtFailedUntil = 0;
let jwtFailedScan = -1;
const jwt: Detector = (text, anchor, ranges) => {
  const at = anchor - 2;
  if (!startsAt(text, "eyJ", at)) return -(anchor + 1);
  if (
    at > 0 &&
    (isWordCode(text.charCodeAt(at - 1)) || text.charCodeAt(at - 1) === 95 || text.charCodeAt(at - 1) === 45)
  )
    return -(anchor + 1);
  if (jwtFailedScan === scanNumber && at < jwtFailedUntil) return -(anchor + 1);
  const header = runEnd(text, at + 3, BASE64URL);
  const payload = header - at >= 13 && text.charCodeAt(header) === 46 && startsAt(text, "eyJ", header + 1);
  const payloadEnd = payload ? runEnd(text, header + 4, BASE64URL) : -1;
  if (!payload || payloadEnd - header < 14 || text.charCodeAt(payloadEnd) !== 46) {
    jwtFailedUntil = header;
    jwtFailedScan = scanNumber;
    return -(anchor + 1);
  }
  const end = runEnd(text, payloadEnd + 1, BASE64URL);
  ranges.push(at, end);
  return end;
};

// SendGrid (gitleaks sendgrid-api-token): SG.<22>.<43>, segments bounded.
const sendgrid: Detector = (text, at, ranges) => {
  if (at > 0 && isWordCode(text.charCodeAt(at - 1))) return -(at + 1);
  const first = runEnd(text, at + 3, BASE64URL, at + 3 + 33);
  if (first - at - 3 < 16 || text.charCodeAt(first) !== 46) return -(at + 1);
  const second = runEnd(text, first + 1, BASE64URL, first + 1 + 65);
  if (second - first - 1 < 16 || (second < text.length && isWordCode(text.charCodeAt(second)))) return -(at + 1);
  ranges.push(at, second);
  return second;
};

const PEM_HEADER = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?(?:-----)?/y;
const PEM_FOOTER = "-----END";

// A private key (PEM, OpenSSH, PGP) from its header to its footer, or to the end of the text when the
// footer is missing (a key cut short leaks as much as a whole one).
const privateKey: Detector = (text, at, ranges) => {
  PEM_HEADER.lastIndex = at;
  if (!PEM_HEADER.test(text)) return -(at + 1);
  const footer = text.indexOf(PEM_FOOTER, PEM_HEADER.lastIndex);
  if (footer < 0) {
    ranges.push(at, text.length);
    return text.length;
  }
  const close = text.indexOf("-----", footer + PEM_FOOTER.length);
  const end = close >= 0 && close - footer < 64 ? close + 5 : footer + PEM_FOOTER.length;
  ranges.push(at, end);
  return end;
};

const BEARER = /Bearer[ \t]{1,8}([A-Za-z0-9._~+/-]{8,4096}=*)/y;

// RFC 6750 bearer credentials keep their scheme; a word such as "Bearer instruments" (no digit) stays.
const bearer: Detector = (text, at, ranges) => {
  BEARER.lastIndex = at;
  const match = BEARER.exec(text);
  if (match === null) return -(at + 1);
  const token = match[1] as string;
  const start = BEARER.lastIndex - token.length;
  if (!hasDigit(token, 0, token.length)) return -BEARER.lastIndex;
  ranges.push(start, BEARER.lastIndex);
  return BEARER.lastIndex;
};

const BASIC = /Basic[ \t]{1,8}([A-Za-z0-9+/]{4,4096}={0,2})(?![A-Za-z0-9+/=])/y;

// RFC 7617: Basic credentials are base64 of "user:password", so they decode to text with a colon.
const basic: Detector = (text, at, ranges) => {
  BASIC.lastIndex = at;
  const match = BASIC.exec(text);
  if (match === null) return -(at + 1);
  const token = match[1] as string;
  if (token.length > MAX_BASE64 || !Buffer.from(token, "base64").toString("latin1").includes(":"))
    return -BASIC.lastIndex;
  ranges.push(BASIC.lastIndex - token.length, BASIC.lastIndex);
  return BASIC.lastIndex;
};

// The end of a URL authority starting at `from`, or -1 when it is longer than any real one.
function authorityEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_AUTHORITY);
  for (let i = from; i < limit; i++) {
    const code = text.charCodeAt(i);
    // / ? # end the authority, and so do whitespace, quotes and markup around a URL in text.
    if (
      code === 47 ||
      code === 63 ||
      code === 35 ||
      code <= 32 ||
      code === 34 ||
      code === 39 ||
      code === 60 ||
      code === 62
    )
      return i;
  }
  return limit === text.length ? limit : -1;
}

// `scheme://user:password@host` (RFC 3986 userinfo; database, broker and proxy URLs) keeps the user
// and host; a webhook URL whose path is the credential (Slack, Discord, Teams) keeps the host.
function url(text: string, at: number, ranges: number[]): number {
  const from = at + 3;
  const end = authorityEnd(text, from);
  if (end < 0) return -(at + 1);
  let atSign = end - 1;
  while (atSign >= from && text.charCodeAt(atSign) !== 64) atSign--;
  if (atSign >= from) {
    let colon = from;
    while (colon < atSign && text.charCodeAt(colon) !== 58) colon++;
    if (colon + 1 < atSign) {
      ranges.push(colon + 1, atSign);
      return atSign + 1;
    }
    return -(at + 1);
  }
  for (const hook of WEBHOOK_PATHS) {
    if (end - from !== hook.host.length || !startsAt(text, hook.host, from) || !startsAt(text, hook.path, end))
      continue;
    const pathStart = end + hook.path.length;
    let pathEnd = pathStart;
    const limit = Math.min(text.length, pathStart + MAX_AUTHORITY);
    while (pathEnd < limit && !VALUE_END.has(text.charCodeAt(pathEnd)) && text.charCodeAt(pathEnd) !== 63) pathEnd++;
    if (pathEnd === pathStart) break;
    ranges.push(pathStart, pathEnd);
    return pathEnd;
  }
  return -(at + 1);
}

// Name words that are secrets only with a value that looks like one when written as prose
// ("The secret: practice", "token: the unit of text").
const PROSE_NAMES = new Set(["token", "key", "secret", "auth", "credential", "credentials", "cookie", "bearer"]);
// Values that are not a credential but its absence or a reference to it in code.
const EMPTY_VALUES = new Set(["null", "none", "nil", "undefined", "true", "false", "[redacted]"]);
// Authorization schemes: the credential is the word after them.
const SCHEMES = new Set(["bearer", "basic", "token", "digest", "bot", "apikey", "key", "sharedaccesssignature"]);

// `name=value`, `name: value`, `"name": "value"`, `NAME="value"` where the name is a credential's
// (see `isSecretKey`): the name stays, the value goes.
const keyValue: Detector = (text, at, ranges) => {
  const separator = text.charCodeAt(at);
  if (separator === 58 && text.charCodeAt(at + 1) === 47 && text.charCodeAt(at + 2) === 47)
    return url(text, at, ranges);
  const after = text.charCodeAt(at + 1);
  if (separator === 61) {
    const before = text.charCodeAt(at - 1);
    // ==, !=, <=, >=, => are operators, not assignments.
    if (after === 61 || after === 62 || before === 61 || before === 33 || before === 60 || before === 62)
      return -(at + 1);
  }
  if (!findNameBefore(text, at) || !mayBeSecretKey(nameLetters)) return -(at + 1);
  const name = text.slice(nameStart, nameEnd);
  if (!isSecretKey(name)) return -(at + 1);
  let start = at + 1;
  const spacesFrom = start;
  while (start < text.length && start - spacesFrom < MAX_SPACES && isSpaceCode(text.charCodeAt(start))) start++;
  const quote = text.charCodeAt(start);
  if (quote === 34 || quote === 39) return quotedValue(text, start, ranges);
  // JSON inside a JSON string (a tool call's arguments, serialized twice): \"password\": \"…\"
  if (quote === 92 && text.charCodeAt(start + 1) === 34) return escapedQuotedValue(text, start + 1, ranges);
  let end = start;
  while (end < text.length && !VALUE_END.has(text.charCodeAt(end))) end++;
  if (end === start) return -(at + 1);
  const next = text.charCodeAt(end);
  // `api_key = os.environ["KEY"]`, `token = get_token()`, `token = process.env.TOKEN;`: code that
  // reads a credential, not one.
  if (next === 40 || next === 91 || isPropertyPath(text, start, end)) return -end;
  const value = text.slice(start, end).toLowerCase();
  if (EMPTY_VALUES.has(value)) return -end;
  if (SCHEMES.has(value) && next === 32) {
    let tokenEnd = end + 1;
    while (tokenEnd < text.length && !VALUE_END.has(text.charCodeAt(tokenEnd))) tokenEnd++;
    if (tokenEnd > end + 1) {
      ranges.push(end + 1, tokenEnd);
      return tokenEnd;
    }
  }
  if (
    separator === 58 &&
    start > spacesFrom &&
    PROSE_NAMES.has(name.toLowerCase()) &&
    !looksLikeCredential(text, start, end)
  )
    return -end;
  ranges.push(start, end);
  return end;
};

// `process.env.GITHUB_TOKEN`, `settings.api_key`: identifiers joined by dots (a secret has no dots
// between letter-led identifiers; hosts and versions do, but are not credential values).
function isPropertyPath(text: string, start: number, end: number): boolean {
  let dots = 0;
  let wordStart = true;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (wordStart) return false;
      dots++;
      wordStart = true;
    } else if (wordStart) {
      if (!((code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36)) return false;
      wordStart = false;
    } else if (!isWordCode(code) && code !== 95 && code !== 36) return false;
  }
  return dots > 0 && !wordStart;
}

// A prose word is letters only and short; a credential has a digit or a symbol, or is long.
function looksLikeCredential(text: string, start: number, end: number): boolean {
  if (end - start >= 16) return true;
  for (let i = start; i < end; i++) if (!isWordCode(text.charCodeAt(i)) || text.charCodeAt(i) <= 57) return true;
  return false;
}

// The quoted value opening at `open` (its escapes skipped), to its closing quote or, when it never
// closes (text cut short), to the end.
function quotedValue(text: string, open: number, ranges: number[]): number {
  const quote = text.charCodeAt(open);
  let end = open + 1;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (code === quote) break;
    end += code === 92 ? 2 : 1; // backslash escapes the next character
  }
  end = Math.min(end, text.length);
  const value = text.slice(open + 1, Math.min(end, open + 12)).toLowerCase();
  if (end === open + 1 || (end - open <= 11 && EMPTY_VALUES.has(value))) return -(end + 1);
  ranges.push(open + 1, end);
  return end + 1;
}

// A value quoted with escaped quotes (`\"…\"`), opening at `open`, to the next escaped quote.
function escapedQuotedValue(text: string, open: number, ranges: number[]): number {
  let end = open + 1;
  while (end < text.length && !(text.charCodeAt(end) === 92 && text.charCodeAt(end + 1) === 34)) end++;
  if (end === open + 1) return -(end + 1);
  ranges.push(open + 1, end);
  return end;
}

// The name found by `findNameBefore`: its bounds and its letters. Set in place, not returned as a
// string: most names (JSON keys, code) are not a credential's, and their letters tell so without one.
let nameStart = 0;
let nameEnd = 0;
let nameLetters: LetterSet = 0;

// The name just before a separator at `at`: an identifier (`DB_PASSWORD`, `x-api-key`, `config.token`)
// or a quoted key (`"api_key"`), spaces allowed between; false when there is none.
function findNameBefore(text: string, at: number): boolean {
  let end = at;
  while (end > 0 && at - end < MAX_SPACES && isSpaceCode(text.charCodeAt(end - 1))) end--;
  const quote = text.charCodeAt(end - 1);
  let letters = 0;
  if (quote === 34 || quote === 39) {
    let open = end - 2;
    while (open >= 0 && end - 1 - open <= MAX_NAME) {
      const code = text.charCodeAt(open);
      if (code === quote) break;
      // Beyond ASCII, lower case may give a letter (the Kelvin sign gives "k"): any letter may be there.
      letters |= code < 128 ? letterBit(code) : ALL_LETTERS;
      open--;
    }
    if (open < 0 || end - 1 - open > MAX_NAME) return false;
    nameStart = open + 1;
    nameEnd = end - 1;
    nameLetters = letters;
    return true;
  }
  let start = end;
  while (start > 0 && end - start <= MAX_NAME) {
    const code = text.charCodeAt(start - 1);
    if (!isNameCode(code)) break;
    letters |= letterBit(code);
    start--;
  }
  if (start === end || end - start > MAX_NAME) return false;
  nameStart = start;
  nameEnd = end;
  nameLetters = letters;
  return true;
}

type Leads = Map<string, { rule: TokenRule; id: number }[]>;

// The rules anchored on `separator` (the first `_` or `-` of their prefix), by the word before it.
function leadsOf(separator: "_" | "-"): Leads {
  const byLead: Leads = new Map();
  TOKEN_RULES.forEach((rule, id) => {
    const lead = [...rule.prefix].findIndex((char) => char === "_" || char === "-");
    if (lead < 0 || rule.prefix[lead] !== separator) return;
    const word = rule.prefix.slice(0, lead);
    byLead.set(word, [...(byLead.get(word) ?? []), { rule, id }]);
  });
  return byLead;
}

const UNDERSCORE_LEADS = leadsOf("_");
const DASH_LEADS = leadsOf("-");
const underscoreDetector = separatorDetector(UNDERSCORE_LEADS);
const dashDetector = separatorDetector(DASH_LEADS, privateKey);

function buildAnchors(): Anchor[] {
  const byLiteral = new Map<string, Detector[]>();
  const add = (literal: string, detector: Detector): void => {
    const list = byLiteral.get(literal) ?? [];
    list.push(detector);
    byLiteral.set(literal, list);
  };
  TOKEN_RULES.forEach((rule, id) => {
    failedUntil[id] = 0;
    failedScan[id] = -1;
    if (!/[-_]/.test(rule.prefix)) add(rule.prefix.slice(rule.anchorFrom), literalDetector(rule, id));
  });
  add(":", keyValue);
  add("=", keyValue);
  add("_", underscoreDetector);
  add("-", dashDetector);
  add("Bearer", bearer); // not "Bearer ": a 7-character pattern is searched by Boyer-Moore-Horspool, slow on its last character, a space
  add("Basic", basic);
  add("J", jwt);
  add("SG.", sendgrid);
  return [...byLiteral].map(([literal, detectors]) => ({ literal, detectors }));
}

const ANCHORS: readonly Anchor[] = buildAnchors();

// The anchor's detectors at `at`, in order: where scanning resumes after the first match, or -1
// when every one rejects (the anchor is then searched again from `at + 1`).
function runDetectors(detectors: readonly Detector[], text: string, at: number, ranges: number[]): number {
  for (let i = 0; i < detectors.length; i++) {
    const resume = (detectors[i] as Detector)(text, at, ranges);
    if (resume > 0) return resume;
  }
  return -1;
}

/**
 * Texts up to this length are scanned character by character (`findSecretsByCharacters`): below it one
 * pass over the characters costs less than an `indexOf` per anchor, each call having a fixed cost (ids,
 * times, model names and short messages, most of a run's strings), and less than a cache lookup.
 */
export const SHORT_TEXT = 96;

// The anchors other than `:`, `=`, `_` and `-`, by the code of their literal's first character (at
// most one of them stands at any position: literals sharing a first character differ in the second).
const LITERALS_BY_FIRST: readonly (readonly Anchor[] | undefined)[] = (() => {
  const byFirst: Anchor[][] = [];
  for (const anchor of ANCHORS)
    if (!/^[-_:=]$/.test(anchor.literal)) (byFirst[anchor.literal.charCodeAt(0)] ??= []).push(anchor);
  return Array.from({ length: 128 }, (_, code) => byFirst[code]);
})();

// What an ASCII character starts, for the short scan: nothing (0, most characters), or an anchor.
const ASSIGN = 1; // `:` or `=`
const SEPARATOR = 2; // `_` or `-`
const LITERAL = 3; // the first character of another anchor ("K" of AKIA's "KIA", "B" of "Bearer", "J")
// The second character of an anchor that starts with a digit ("." of ya29's "9."): digits fill ids,
// times and numbers, so such an anchor is looked for from the character after its digit.
const AFTER_DIGIT = 4;

const isDigitCode = (code: number): boolean => code >= 48 && code <= 57;

const KINDS: Uint8Array = (() => {
  const kinds = new Uint8Array(128);
  kinds[58] = kinds[61] = ASSIGN;
  kinds[95] = kinds[45] = SEPARATOR;
  const lateDigits: number[] = [];
  for (let code = 0; code < 128; code++) {
    const anchors = LITERALS_BY_FIRST[code];
    if (anchors === undefined) continue;
    // Found one character late, an anchor must be the only one that can stand there.
    const late =
      isDigitCode(code) &&
      anchors.every(
        ({ literal }) =>
          literal.length > 1 &&
          !/^[-_:=]$/.test(literal[1] as string) &&
          LITERALS_BY_FIRST[literal.charCodeAt(1)] === undefined,
      );
    if (late) lateDigits.push(code);
    else kinds[code] = LITERAL;
  }
  for (const digit of lateDigits)
    for (const { literal } of LITERALS_BY_FIRST[digit] ?? []) kinds[literal.charCodeAt(1)] = AFTER_DIGIT;
  return kinds;
})();

// Pairs of characters that may start a literal anchor, by `first << 7 | second & 127`: a one-character
// literal allows any second (an anchor's second character is always ASCII; `& 127` lets any other
// through to the detectors, which decide).
const LITERAL_STARTS: Uint8Array = (() => {
  const starts = new Uint8Array(128 * 128);
  for (const anchors of LITERALS_BY_FIRST)
    for (const { literal } of anchors ?? []) {
      const first = literal.charCodeAt(0) << 7;
      if (literal.length === 1) starts.fill(1, first, first + 128);
      else starts[first | literal.charCodeAt(1)] = 1;
    }
  return starts;
})();

// The last two characters of the words before `_` (bit 1) and before `-` (bit 2) that lead a rule's
// prefix ("sk" of sk_live_, "at" of glpat-), by `before_last << 7 | last`: a separator after any other
// pair leads nothing (every lead has two characters or more).
const LEAD_ENDS: Uint8Array = (() => {
  const ends = new Uint8Array(128 * 128);
  const add = (words: Iterable<string>, bit: number): void => {
    for (const word of words) {
      const key = (word.charCodeAt(word.length - 2) << 7) | word.charCodeAt(word.length - 1);
      ends[key] = (ends[key] as number) | bit;
    }
  };
  add(UNDERSCORE_LEADS.keys(), 1);
  add(DASH_LEADS.keys(), 2);
  return ends;
})();

// A name character's letter bit (see `letterBit`), with NAME_CHAR set so that every name character
// is non-zero; 0 for a character that ends a name.
const NAME_CHAR = 1 << 30;
const NAME_BITS: Int32Array = Int32Array.from({ length: 128 }, (_, code) =>
  isNameCode(code) ? NAME_CHAR | letterBit(code) : 0,
);

// `keyValue` at a `:` or `=`, unless it would reject: the name right before the separator is longer
// than any, or lacks the letters of every credential name (a URL, or a name after spaces or in quotes,
// always goes on).
function atAssign(text: string, at: number, ranges: number[]): number {
  if (text.charCodeAt(at) === 61 || text.charCodeAt(at + 1) !== 47 || text.charCodeAt(at + 2) !== 47) {
    let start = at;
    let letters = 0;
    while (start > 0 && at - start <= MAX_NAME) {
      const code = text.charCodeAt(start - 1);
      const bits = code < 128 ? (NAME_BITS[code] as number) : 0;
      if (bits === 0) break;
      letters |= bits;
      start--;
    }
    if (start < at && (at - start > MAX_NAME || !mayBeSecretKey(letters & ALL_LETTERS))) return -1;
  }
  return keyValue(text, at, ranges);
}

// The detectors of the literal anchor that stands at `at`, if one does.
function atLiteral(text: string, at: number, ranges: number[]): number {
  const anchors = LITERALS_BY_FIRST[text.charCodeAt(at)] as readonly Anchor[];
  for (let k = 0; k < anchors.length; k++) {
    const anchor = anchors[k] as Anchor;
    if (anchor.literal.length === 1 || startsAt(text, anchor.literal, at))
      return runDetectors(anchor.detectors, text, at, ranges);
  }
  return -1;
}

// The ranges of a short text are gathered here: most texts have none, and share one empty result.
const shortRanges: number[] = [];
const NO_SECRETS: readonly number[] = Object.freeze([]);

/**
 * `findSecrets` by reading each character once instead of searching for each anchor (internal: the
 * path of short texts, and the test that both paths agree on any text). The same anchors in the same
 * order; the commonest rejections are made before any detector runs, by table lookups.
 *
 * @example
 * findSecretsByCharacters("key=sk-abc0123456789abcdef0123"); // [4, 30]
 */
export function findSecretsByCharacters(text: string): readonly number[] {
  scanNumber++;
  const kinds = KINDS;
  const ranges = shortRanges;
  if (ranges.length !== 0) ranges.length = 0; // left by a detector that threw (writing a length costs a runtime call)
  // Where the scan started or last resumed after a match.
  let from = 0;
  for (let at = 0; at < text.length; at++) {
    const code = text.charCodeAt(at);
    const kind = code < 128 ? (kinds[code] as number) : 0;
    if (kind === 0) continue;
    let resume: number;
    if (kind === SEPARATOR) {
      // After a word that ends as no lead does, no rule's prefix; a `-` before another may start a PEM header.
      const last = at > 1 ? text.charCodeAt(at - 1) : 0;
      const beforeLast = at > 1 ? text.charCodeAt(at - 2) : 0;
      const dash = code === 45;
      if ((last | beforeLast) >= 128 || ((LEAD_ENDS[(beforeLast << 7) | last] as number) & (dash ? 2 : 1)) === 0) {
        if (!dash || at + 1 >= text.length || text.charCodeAt(at + 1) !== 45) continue;
      }
      resume = dash ? dashDetector(text, at, ranges) : underscoreDetector(text, at, ranges);
    } else if (kind === LITERAL) {
      const next = at + 1 < text.length ? text.charCodeAt(at + 1) & 127 : 0;
      if (LITERAL_STARTS[(code << 7) | next] === 0) continue;
      resume = atLiteral(text, at, ranges);
    } else if (kind === AFTER_DIGIT) {
      // The anchor's digit stands before, and the scan did not resume past it.
      const digit = at > from ? text.charCodeAt(at - 1) : 0;
      if (!isDigitCode(digit) || kinds[digit] !== 0 || LITERAL_STARTS[(digit << 7) | code] === 0) continue;
      resume = atLiteral(text, at - 1, ranges);
    } else resume = atAssign(text, at, ranges);
    if (resume > 0) {
      at = resume - 1;
      from = resume;
    }
  }
  return ranges.length === 0 ? NO_SECRETS : ranges.splice(0);
}

/**
 * The `[start, end)` pairs of every credential in `text`, in order, flattened; empty when there is
 * none. Linear in the text's length (see above).
 *
 * @example
 * findSecrets("DB_PASSWORD=hunter2 rest"); // [12, 19]
 */
export function findSecrets(text: string): readonly number[] {
  return text.length <= SHORT_TEXT ? findSecretsByCharacters(text) : findSecretsByAnchors(text);
}

/**
 * `findSecrets` by searching for each anchor with `indexOf` (internal: the path of long texts, and the
 * test that both paths agree on any text).
 *
 * @example
 * findSecretsByAnchors("key=sk-abc0123456789abcdef0123"); // [4, 30]
 */
export function findSecretsByAnchors(text: string): number[] {
  const ranges: number[] = [];
  scanNumber++;
  const count = ANCHORS.length;
  const next = new Array<number>(count);
  let live = 0;
  for (let k = 0; k < count; k++) {
    next[k] = text.indexOf((ANCHORS[k] as Anchor).literal);
    if ((next[k] as number) >= 0) live++;
  }
  while (live > 0) {
    // The nearest anchor, and the nearest of the others: hits of the first before `second` (the
    // clustered `:` of JSON, the `-` of prose) are run at once, without comparing every anchor again.
    let best = -1;
    let at = text.length;
    let second = text.length;
    for (let k = 0; k < count; k++) {
      const position = next[k] as number;
      if (position < 0) continue;
      if (position < at) {
        second = at;
        at = position;
        best = k;
      } else if (position < second) second = position;
    }
    const anchor = ANCHORS[best] as Anchor;
    let resume = runDetectors(anchor.detectors, text, at, ranges);
    while (resume < 0) {
      at = text.indexOf(anchor.literal, at + 1);
      next[best] = at;
      if (at < 0) {
        live--;
        break;
      }
      if (at >= second) break;
      resume = runDetectors(anchor.detectors, text, at, ranges);
    }
    if (resume > 0) {
      for (let k = 0; k < count; k++) {
        const position = next[k] as number;
        if (position >= 0 && position < resume) {
          next[k] = text.indexOf((ANCHORS[k] as Anchor).literal, resume);
          if ((next[k] as number) < 0) live--;
        }
      }
    }
  }
  return ranges;
}
