/**
 * Credentials recognizable by their shape: a literal prefix, then a body of characters of one class.
 * The shapes are facts published by maintained secret scanners (named per rule); the matching is
 * our own: a body is read as one run of its class (never backtracked), so scanning stays linear.
 */
export interface TokenRule {
  /** The literal the credential starts with. */
  readonly prefix: string;
  /** Characters the body is made of. */
  readonly body: CharClass;
  /** Fewest body characters; with `exact`, the only length (and no letter or digit may follow). */
  readonly length: number;
  readonly exact: boolean;
  /** A body must contain a digit (tells `sk-…` keys from words such as `sk-learn-tutorials`). */
  readonly needsDigit: boolean;
  /** Where the shape is published. */
  readonly source: string;
  /**
   * Where in the prefix its search starts, when its first letters are common ones ("ya29." → "9.": a 2 starts every year of this century,
   * "AKIA" → "KIA": a capital A starts many words, and each one would stop the search).
   */
  readonly anchorFrom: number;
}

/** A set of ASCII characters, as a lookup table by character code. */
export type CharClass = Uint8Array;

function charClass(ranges: string): CharClass {
  const table = new Uint8Array(128);
  for (let i = 0; i < ranges.length; i++) {
    const from = ranges.charCodeAt(i);
    const to = ranges[i + 1] === "~" ? ranges.charCodeAt(i + 2) : from; // "a~z" is a range
    for (let code = from; code <= to; code++) table[code] = 1;
    if (to !== from) i += 2;
  }
  return table;
}

const ALNUM = charClass("A~Za~z0~9");
const ALNUM_UNDERSCORE = charClass("A~Za~z0~9_");
/** Base64url, the alphabet of most API keys and of JWT segments. */
export const BASE64URL = charClass("A~Za~z0~9_-");
const ALNUM_DASH = charClass("A~Za~z0~9-");
const ALPHA = charClass("A~Za~z");
const HEX = charClass("a~fA~F0~9");
const HEX_LOWER = charClass("a~f0~9");
const AWS_ID = charClass("A~Z2~7");
const BECH32_UPPER = charClass("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L");

function rule(
  prefix: string,
  body: CharClass,
  length: number,
  source: string,
  exact = false,
  needsDigit = false,
): TokenRule {
  return { prefix, body, length, exact, needsDigit, source, anchorFrom: 0 };
}
const exactly = (prefix: string, body: CharClass, length: number, source: string): TokenRule =>
  rule(prefix, body, length, source, true);

/** Every prefixed credential shape. */
export const TOKEN_RULES: readonly TokenRule[] = [
  // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and Anthropic (sk-ant-api03-, sk-ant-admin01-).
  rule("sk-", BASE64URL, 20, "gitleaks openai-api-key, anthropic-api-key", false, true),
  ...["sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"].map((prefix) =>
    rule(prefix, ALNUM, 10, "gitleaks stripe-access-token"),
  ),
  ...["AKIA", "ASIA", "ABIA", "ACCA"].map((prefix) => ({
    ...exactly(prefix, AWS_ID, 16, "gitleaks aws-access-token"),
    anchorFrom: 1,
  })),
  { ...exactly("AIza", BASE64URL, 35, "gitleaks gcp-api-key"), anchorFrom: 1 },
  exactly("GOCSPX-", BASE64URL, 28, "GitHub secret scanning google_oauth_client_secret"),
  { ...rule("ya29.", BASE64URL, 20, "GitHub secret scanning google_oauth_access_token"), anchorFrom: 3 },
  exactly("ghp_", ALNUM, 36, "gitleaks github-pat"),
  exactly("gho_", ALNUM, 36, "gitleaks github-oauth"),
  exactly("ghu_", ALNUM, 36, "gitleaks github-app-token"),
  exactly("ghs_", ALNUM, 36, "gitleaks github-app-token"),
  rule("ghr_", ALNUM, 36, "gitleaks github-refresh-token"),
  rule("github_pat_", ALNUM_UNDERSCORE, 22, "gitleaks github-fine-grained-pat"),
  rule("glpat-", BASE64URL, 20, "gitleaks gitlab-pat"),
  ...["xoxb-", "xoxp-", "xoxe-", "xoxa-", "xoxr-", "xoxs-", "xapp-"].map((prefix) =>
    rule(prefix, ALNUM_DASH, 10, "gitleaks slack-bot-token, slack-user-token, slack-app-token, slack-legacy-token"),
  ),
  rule("lsv2_pt_", ALNUM_UNDERSCORE, 16, "LangSmith API key format (lsv2_pt_ / lsv2_sk_)"),
  rule("lsv2_sk_", ALNUM_UNDERSCORE, 16, "LangSmith API key format (lsv2_pt_ / lsv2_sk_)"),
  rule("gsk_", ALNUM, 30, "GitHub secret scanning groq_api_key"),
  exactly("hf_", ALPHA, 34, "gitleaks huggingface-access-token"),
  rule("xai-", ALNUM, 30, "GitHub secret scanning xai_api_key"),
  exactly("npm_", ALNUM, 36, "gitleaks npm-access-token"),
  exactly("SK", HEX, 32, "gitleaks twilio-api-key"),
  rule("pypi-AgEIcHlwaS5vcmc", BASE64URL, 50, "gitleaks pypi-upload-token"),
  ...["shpat_", "shpca_", "shppa_", "shpss_"].map((prefix) =>
    exactly(prefix, HEX, 32, "gitleaks shopify-access-token, shopify-shared-secret"),
  ),
  ...["dop_v1_", "doo_v1_", "dor_v1_"].map((prefix) =>
    exactly(prefix, HEX_LOWER, 64, "gitleaks digitalocean-pat, digitalocean-access-token"),
  ),
  exactly("key-", HEX_LOWER, 32, "gitleaks mailgun-private-api-token"),
  rule("sq0atp-", BASE64URL, 22, "gitleaks square-access-token"),
  rule("sq0csp-", BASE64URL, 43, "gitleaks square-secret"),
  exactly("AGE-SECRET-KEY-1", BECH32_UPPER, 58, "gitleaks age-secret-key"),
];

/** Web hooks whose URL path is the credential (host, then the secret path prefix). */
export const WEBHOOK_PATHS: readonly { host: string; path: string; source: string }[] = [
  { host: "hooks.slack.com", path: "/services/", source: "gitleaks slack-webhook-url" },
  { host: "hooks.slack.com", path: "/workflows/", source: "gitleaks slack-webhook-url" },
  { host: "hooks.slack.com", path: "/triggers/", source: "gitleaks slack-webhook-url" },
  { host: "discord.com", path: "/api/webhooks/", source: "gitleaks discord-webhook" },
  { host: "discordapp.com", path: "/api/webhooks/", source: "gitleaks discord-webhook" },
  { host: "outlook.office.com", path: "/webhook/", source: "GitHub secret scanning microsoft_teams_webhook" },
];
