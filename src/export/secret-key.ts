// Parts of a key name (compacted: lower case, separators removed) that always mean a credential.
// The list joins the names secret scanners key on (detect-secrets KeywordDetector's denylist, gitleaks
// generic-api-key's keywords) with the headers and settings of the services runledger talks to.
const SECRET_KEY_PART_SOURCES = [
  "apikey",
  "password",
  "passwd",
  "passphrase",
  "passcode",
  "secret(?!ar)",
  "authorization",
  "privatekey",
  "accesskey",
  "credential",
  "cookie",
  "signingkey",
  "subscriptionkey",
  "accountkey",
  "masterkey",
  "encryptionkey",
  "clientkey",
  "authkey",
  "servicekey",
  "sharedkey",
  "sessionkey",
  "consumerkey",
  "functionskey",
  "licensekey",
  "connectionstring",
  "connstr",
  "databaseurl",
  "dburl",
  "dsn$",
  "jsessionid",
  "phpsessid",
  "aspnetsessionid",
  "sastoken",
  "webhookurl",
];
const SECRET_KEY_PARTS = new RegExp(SECRET_KEY_PART_SOURCES.join("|"));
// Whole words of a key name that mean a credential ("auth" but not "author", "pass" but not "bypass").
const SECRET_KEY_WORDS = new Set(["auth", "pwd", "pass", "bearer", "jwt", "sig", "creds", "cred", "otp", "dsn"]);
// "...token" is a credential (access_token, x-auth-token), except token counts (max_token,
// total_token) and tokens that are text, not access (page_token, eos_token, pad_token).
const ACCESS_TOKEN = "token";
const NOT_ACCESS_TOKEN =
  /(?:max|min|total|num|input|output|prompt|completion|cached|reasoning|page|nextpage|continuation|cursor|eos|bos|pad|unk|sep|cls|mask|stop|start|end|special|sample|first|last|next|prev)token$/;

// Key names repeat endlessly (metadata keys, invocation params): each is classified once. Bounded,
// so ever-new keys cannot grow it without limit.
const keyCache = new Map<string, boolean>();
const KEY_CACHE_LIMIT = 4096;

/**
 * Whether a field of this name holds a credential: api_key / apiKey / x-api-key, authorization,
 * password / passwd / pass / pwd, secret, cookie and session ids, private / access / signing /
 * subscription keys, credentials, connection strings and database URLs, and `token` names
 * (access_token, x-auth-token) but not token counts (`tokens`, `max_tokens`, `input_tokens`) nor
 * text tokens (`page_token`, `eos_token`).
 *
 * @example
 * isSecretKey("openAIApiKey"); // true
 * isSecretKey("max_tokens");   // false
 */
export function isSecretKey(key: string): boolean {
  let secret = keyCache.get(key);
  if (secret === undefined) {
    secret = classifyKey(key);
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(key, secret);
  }
  return secret;
}

function classifyKey(key: string): boolean {
  if (key.length > 256) return false;
  // "openAIApiKey" → ["open", "ai", "api", "key"]; "X-Api-Key" → ["x", "api", "key"].
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
  const compact = words.join("");
  if (SECRET_KEY_PARTS.test(compact)) return true;
  if (words.some((word) => SECRET_KEY_WORDS.has(word))) return true;
  return compact.endsWith(ACCESS_TOKEN) && !NOT_ACCESS_TOKEN.test(compact);
}

/** The letters of a name as a bit set: bit `c - 97` for each letter `c`, case folded. */
export type LetterSet = number;

/** Every letter: the set to use for a name with a character beyond ASCII (whose lower case may be one). */
export const ALL_LETTERS: LetterSet = (1 << 26) - 1;

/** The bit of `code` (a letter's character code, either case) in a `LetterSet`, 0 for any other ASCII character. */
export const letterBit = (code: number): LetterSet =>
  (code >= 65 && code <= 90) || (code >= 97 && code <= 122) ? 1 << ((code | 32) - 97) : 0;

// A secret key's compacted name contains one of these words whole (a part, a word, "token"), so holds
// all its letters. Only the minimal sets are kept (a name holding a larger one holds a smaller one).
const SECRET_WORD_LETTERS: readonly LetterSet[] = minimalSets(
  [
    ...SECRET_KEY_PART_SOURCES.map((source) => source.replace(/\(\?!\w+\)|\$/g, "")),
    ...SECRET_KEY_WORDS,
    ACCESS_TOKEN,
  ].map((word) => [...word].reduce((set, char) => set | letterBit(char.charCodeAt(0)), 0)),
);

function minimalSets(sets: readonly LetterSet[]): LetterSet[] {
  const unique = [...new Set(sets)];
  return unique.filter((set) => !unique.some((other) => other !== set && (other & set) === other));
}

// `mayBeSecretKey` as three lookups instead of a loop over the sets: the 26 letters split into three
// slices of 9, and for each slice's 512 values, the sets (as bits; 25 of them, at most 32) whose
// letters in that slice the value holds. A name may be a key when some set is held in all three.
// Built at the first use, not at load (start-up time).
const SLICE_BITS = 9;
const SLICE_VALUES = 1 << SLICE_BITS;
let setsBySlice: Uint32Array | undefined;

function buildSetsBySlice(): Uint32Array {
  const table = new Uint32Array(3 * SLICE_VALUES);
  for (let slice = 0; slice < 3; slice++) {
    for (let index = 0; index < SECRET_WORD_LETTERS.length; index++) {
      const part = ((SECRET_WORD_LETTERS[index] as number) >>> (slice * SLICE_BITS)) & (SLICE_VALUES - 1);
      for (let value = 0; value < SLICE_VALUES; value++) {
        const at = slice * SLICE_VALUES + value;
        if ((part & value) === part) table[at] = (table[at] as number) | (1 << index);
      }
    }
  }
  return table;
}

/**
 * Whether a name with these letters can be a secret key at all: false when it lacks a letter of
 * every credential word, so `isSecretKey` is false for it. Three table lookups, no string.
 *
 * @example
 * mayBeSecretKey([..."order"].reduce((set, c) => set | letterBit(c.charCodeAt(0)), 0)); // false
 */
export function mayBeSecretKey(letters: LetterSet): boolean {
  const table = setsBySlice ?? (setsBySlice = buildSetsBySlice());
  return (
    ((table[letters & (SLICE_VALUES - 1)] as number) &
      (table[SLICE_VALUES + ((letters >>> SLICE_BITS) & (SLICE_VALUES - 1))] as number) &
      (table[2 * SLICE_VALUES + (letters >>> (2 * SLICE_BITS))] as number)) !==
    0
  );
}
