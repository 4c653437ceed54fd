import { randomBytes } from "node:crypto";

/**
 * Real credential shapes, each as a maintained secret scanner publishes it (the rule named in
 * `source`), with a fresh random body per call. `text` is how the credential appears in data (with
 * the context that makes it one: a header name, `NAME=`, a URL); `secret` is what must never leave
 * the process (searched for in every exported byte, whole and as any 16-character piece).
 */
export interface CredentialShape {
  name: string;
  source: string;
  make: () => { text: string; secret: string };
}

const pick = (alphabet: string, length: number): string =>
  [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join("");
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// Random bodies always hold a digit, as real keys do with overwhelming probability.
const alnum = (length: number): string => `7${pick(ALNUM, length - 1)}`;
const upper = (length: number): string => pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", length);
const hex = (length: number): string => `7${pick("0123456789abcdef", length - 1)}`;
const base64url = (length: number): string => `7${pick(`${ALNUM}_-`, length - 1)}`;
const lower = (length: number): string => pick("abcdefghijklmnopqrstuvwxyz", length);
const base64 = (bytes: number): string => randomBytes(bytes).toString("base64");

const plain = (name: string, source: string, make: () => string): CredentialShape => ({
  name,
  source,
  make: () => {
    const secret = make();
    return { text: secret, secret };
  },
});
const within = (
  name: string,
  source: string,
  make: () => string,
  context: (secret: string) => string,
): CredentialShape => ({
  name,
  source,
  make: () => {
    const secret = make();
    return { text: context(secret), secret };
  },
});

const pem =
  (label: string, footer: boolean): (() => { text: string; secret: string }) =>
  () => {
    const body = base64(600).replace(/(.{64})/g, "$1\n");
    const text = `-----BEGIN ${label}-----\n${body}\n${footer ? `-----END ${label}-----` : ""}`;
    return { text, secret: body.replace(/\n/g, "").slice(0, 200) };
  };

export const CREDENTIAL_SHAPES: readonly CredentialShape[] = [
  plain("OpenAI project key", "gitleaks openai-api-key", () => `sk-proj-${base64url(74)}T3BlbkFJ${base64url(74)}`),
  plain("OpenAI legacy key", "GitHub secret scanning openai_api_key", () => `sk-${alnum(20)}T3BlbkFJ${alnum(20)}`),
  plain(
    "OpenAI service account key",
    "gitleaks openai-api-key",
    () => `sk-svcacct-${base64url(58)}T3BlbkFJ${base64url(58)}`,
  ),
  plain("Anthropic API key", "gitleaks anthropic-api-key", () => `sk-ant-api03-${base64url(93)}AA`),
  plain("Anthropic admin key", "gitleaks anthropic-admin-api-key", () => `sk-ant-admin01-${base64url(93)}AA`),
  plain("Stripe live secret key", "gitleaks stripe-access-token", () => `sk_live_${alnum(99)}`),
  plain("Stripe restricted key", "gitleaks stripe-access-token", () => `rk_live_${alnum(24)}`),
  plain("Stripe test secret key", "gitleaks stripe-access-token", () => `sk_test_${alnum(24)}`),
  plain("AWS access key id", "gitleaks aws-access-token", () => `AKIA${upper(16)}`),
  plain("AWS temporary access key id", "gitleaks aws-access-token", () => `ASIA${upper(16)}`),
  within(
    "AWS secret key (env)",
    "detect-secrets KeywordDetector (secret)",
    () => base64(30),
    (s) => `AWS_SECRET_ACCESS_KEY=${s}`,
  ),
  plain("GitHub personal access token", "gitleaks github-pat", () => `ghp_${alnum(36)}`),
  plain("GitHub OAuth token", "gitleaks github-oauth", () => `gho_${alnum(36)}`),
  plain("GitHub app token", "gitleaks github-app-token", () => `ghs_${alnum(36)}`),
  plain("GitHub fine-grained token", "gitleaks github-fine-grained-pat", () => `github_pat_${alnum(22)}_${alnum(59)}`),
  plain("GitLab personal access token", "gitleaks gitlab-pat", () => `glpat-${base64url(20)}`),
  plain("Slack bot token", "gitleaks slack-bot-token", () => `xoxb-${hex(12)}-${hex(12)}-${alnum(24)}`),
  plain("Slack user token", "gitleaks slack-user-token", () => `xoxp-${hex(12)}-${hex(12)}-${hex(12)}-${hex(32)}`),
  within(
    "Slack webhook",
    "gitleaks slack-webhook-url",
    () => `T${upper(8)}/B${upper(10)}/${alnum(24)}`,
    (s) => `https://hooks.slack.com/services/${s}`,
  ),
  within(
    "Discord webhook",
    "gitleaks discord-webhook",
    () => `${hex(18)}/${base64url(68)}`,
    (s) => `https://discord.com/api/webhooks/${s}`,
  ),
  plain("Google API key", "gitleaks gcp-api-key", () => `AIza${base64url(35)}`),
  plain(
    "Google OAuth client secret",
    "GitHub secret scanning google_oauth_client_secret",
    () => `GOCSPX-${base64url(28)}`,
  ),
  plain(
    "Google OAuth access token",
    "GitHub secret scanning google_oauth_access_token",
    () => `ya29.${base64url(120)}`,
  ),
  plain("JWT", "gitleaks jwt", () => `eyJ${base64url(30)}.eyJ${base64url(60)}.${base64url(43)}`),
  { name: "RSA private key", source: "gitleaks private-key", make: pem("RSA PRIVATE KEY", true) },
  { name: "Truncated private key", source: "gitleaks private-key", make: pem("PRIVATE KEY", false) },
  { name: "OpenSSH private key", source: "gitleaks private-key", make: pem("OPENSSH PRIVATE KEY", true) },
  { name: "PGP private key block", source: "gitleaks private-key", make: pem("PGP PRIVATE KEY BLOCK", true) },
  within(
    "Bearer header",
    "RFC 6750; gitleaks authorization header",
    () => base64url(40),
    (s) => `Authorization: Bearer ${s}`,
  ),
  within(
    "Bearer in prose",
    "RFC 6750",
    () => base64url(40),
    (s) => `sent Bearer ${s} upstream`,
  ),
  within(
    "Basic header",
    "RFC 7617; detect-secrets BasicAuthDetector",
    () => Buffer.from(`admin:${alnum(16)}`).toString("base64"),
    (s) => `Authorization: Basic ${s}`,
  ),
  within(
    "URL with user:password",
    "RFC 3986 userinfo; detect-secrets BasicAuthDetector",
    () => alnum(16),
    (s) => `https://deploy:${s}@git.example.com/repo.git`,
  ),
  within(
    "PostgreSQL URL",
    "detect-secrets BasicAuthDetector",
    () => alnum(16),
    (s) => `postgres://app:${s}@db.internal:5432/orders`,
  ),
  within(
    "MongoDB URL",
    "detect-secrets BasicAuthDetector",
    () => alnum(16),
    (s) => `mongodb+srv://svc:${s}@cluster0.ab1cd.mongodb.net/prod`,
  ),
  within(
    "Redis URL",
    "detect-secrets BasicAuthDetector",
    () => alnum(16),
    (s) => `redis://:${s}@cache.internal:6379/0`,
  ),
  within(
    "Password in env",
    "detect-secrets KeywordDetector (password)",
    () => lower(12),
    (s) => `DB_PASSWORD=${s}`,
  ),
  within(
    "DATABASE_URL in env",
    "GitHub secret scanning (generic connection strings)",
    () => alnum(16),
    (s) => `DATABASE_URL=mysql://root:${s}@10.0.0.5/app`,
  ),
  within(
    "Azure storage connection string",
    "GitHub secret scanning azure_storage_account_key",
    () => base64(64),
    (s) => `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${s};EndpointSuffix=core.windows.net`,
  ),
  within(
    "Azure SAS token",
    "GitHub secret scanning azure_sas_token",
    () => encodeURIComponent(base64(32)),
    (s) => `https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&se=2030-01-01&sr=b&sp=r&sig=${s}`,
  ),
  within(
    "Azure APIM subscription key header",
    "Azure API Management (Ocp-Apim-Subscription-Key)",
    () => hex(32),
    (s) => `Ocp-Apim-Subscription-Key: ${s}`,
  ),
  within(
    "x-api-key header line",
    "detect-secrets KeywordDetector (api_key)",
    () => alnum(32),
    (s) => `x-api-key: ${s}`,
  ),
  within(
    "Session cookie",
    "OWASP session management (JSESSIONID)",
    () => hex(32),
    (s) => `Cookie: JSESSIONID=${s}; Path=/`,
  ),
  within(
    "JSON password field in text",
    "detect-secrets KeywordDetector (password)",
    () => alnum(14),
    (s) => `{"user": "ann", "password": "${s}"}`,
  ),
  plain("npm token", "gitleaks npm-access-token", () => `npm_${alnum(36)}`),
  plain("SendGrid key", "gitleaks sendgrid-api-token", () => `SG.${base64url(22)}.${base64url(43)}`),
  plain("Hugging Face token", "gitleaks huggingface-access-token", () => `hf_${lower(34)}`),
  plain("Groq key", "GitHub secret scanning groq_api_key", () => `gsk_${alnum(52)}`),
  plain("xAI key", "GitHub secret scanning xai_api_key", () => `xai-${alnum(80)}`),
  plain("LangSmith key", "LangSmith API key format", () => `lsv2_pt_${hex(32)}_${hex(10)}`),
  plain("Twilio API key", "gitleaks twilio-api-key", () => `SK${hex(32)}`),
  plain("Shopify access token", "gitleaks shopify-access-token", () => `shpat_${hex(32)}`),
  plain("DigitalOcean token", "gitleaks digitalocean-pat", () => `dop_v1_${hex(64)}`),
  plain("Mailgun key", "gitleaks mailgun-private-api-token", () => `key-${hex(32)}`),
  plain("PyPI upload token", "gitleaks pypi-upload-token", () => `pypi-AgEIcHlwaS5vcmc${base64url(70)}`),
  plain("Square access token", "gitleaks square-access-token", () => `sq0atp-${base64url(22)}`),
  plain(
    "age secret key",
    "gitleaks age-secret-key",
    () => `AGE-SECRET-KEY-1${pick("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)}`,
  ),
];

/** How long a piece of a secret counts as leaked on its own. */
const PIECE = 16;

/**
 * The secrets of `secrets` found in `text`: whole, or any 16-character piece of them (taken every 4 characters).
 * One pass over the text against an index of the pieces, so the matrix stays linear in the sinks' size.
 */
export function leakedIn(text: string, secrets: readonly string[]): string[] {
  const found = new Set<number>();
  const pieces = new Map<string, number[]>();
  secrets.forEach((secret, index) => {
    if (secret.length < PIECE) {
      if (text.includes(secret)) found.add(index);
      return;
    }
    // A whole secret in the text contains its first piece, so the pieces alone decide.
    for (let start = 0; start + PIECE <= secret.length; start += 4) {
      const piece = secret.slice(start, start + PIECE);
      const owners = pieces.get(piece);
      if (owners === undefined) pieces.set(piece, [index]);
      else owners.push(index);
    }
  });
  if (pieces.size > 0) {
    for (let at = 0; at + PIECE <= text.length; at++) {
      const owners = pieces.get(text.slice(at, at + PIECE));
      if (owners !== undefined) for (const index of owners) found.add(index);
    }
  }
  return secrets.filter((_, index) => found.has(index));
}
