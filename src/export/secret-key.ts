// Parts of a key name (compacted: lower case, separators removed) that always mean a credential.
// The list joins the names secret scanners key on (detect-secrets KeywordDetector's denylist, gitleaks
// generic-api-key's keywords) with the headers and settings of the services runledger talks to.
const SECRET_KEY_PARTS =
  /apikey|password|passwd|passphrase|passcode|secret(?!ar)|authorization|privatekey|accesskey|credential|cookie|signingkey|subscriptionkey|accountkey|masterkey|encryptionkey|clientkey|authkey|servicekey|sharedkey|sessionkey|consumerkey|functionskey|licensekey|connectionstring|connstr|databaseurl|dburl|dsn$|jsessionid|phpsessid|aspnetsessionid|sastoken|webhookurl/;
// Whole words of a key name that mean a credential ("auth" but not "author", "pass" but not "bypass").
const SECRET_KEY_WORDS = new Set(["auth", "pwd", "pass", "bearer", "jwt", "sig", "creds", "cred", "otp", "dsn"]);
// "...token" is a credential (access_token, x-auth-token), except token counts (max_token,
// total_token) and tokens that are text, not access (page_token, eos_token, pad_token).
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
  return compact.endsWith("token") && !NOT_ACCESS_TOKEN.test(compact);
}
