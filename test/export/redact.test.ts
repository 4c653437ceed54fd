import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretKey, maskRunSecrets, maskSecrets, maskSecretsInString, REDACTED } from "../../src/export/index.js";
import { maskRecurringString, secretMaskingReplacer } from "../../src/export/redact.js";
import { CREDENTIAL_SHAPES } from "../reliability/credential-shapes.js";
import { CORPUS } from "../support/false-positive-corpus.js";

describe("isSecretKey", () => {
  it.each([
    "api_key",
    "apiKey",
    "openAIApiKey",
    "anthropic_api_key",
    "x-api-key",
    "X-Api-Key",
    "authorization",
    "Proxy-Authorization",
    "password",
    "passwd",
    "secret",
    "client_secret",
    "aws_secret_access_key",
    "AWS_ACCESS_KEY_ID",
    "private_key",
    "token",
    "access_token",
    "refreshToken",
    "x-auth-token",
    "ACCESSTOKEN",
    "cookie",
    "Set-Cookie",
    "credentials",
    "auth",
  ])("%s is a secret", (key) => expect(isSecretKey(key)).toBe(true));

  it.each([
    "tokens",
    "max_tokens",
    "maxTokens",
    "max_token",
    "token_usage",
    "tokenUsage",
    "input_tokens",
    "total_tokens",
    "prompt_tokens",
    "completion_tokens",
    "first_token_time",
    "token_count",
    "tokenizer",
    "input_token_details",
    "author",
    "session_id",
    "model",
    "key",
  ])("%s is not", (key) => expect(isSecretKey(key)).toBe(false));
});

describe("maskSecretsInString", () => {
  it("masks credentials by their shape, keeping the text around them", () => {
    const openai = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
    expect(maskSecretsInString(`401: Incorrect API key provided: ${openai}.`)).toBe(
      `401: Incorrect API key provided: ${REDACTED}.`,
    );
    expect(maskSecretsInString("sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2")).toBe(REDACTED);
    expect(maskSecretsInString("Authorization: Bearer abc.DEF-123_xyz")).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(maskSecretsInString("aws AKIAIOSFODNN7EXAMPLE here")).toBe(`aws ${REDACTED} here`);
    expect(maskSecretsInString("lsv2_pt_0123456789abcdef0123456789abcdef_0123456789")).toBe(REDACTED);
    expect(maskSecretsInString("https://x.test/v1?api_key=abcdef123&q=1")).toBe(
      `https://x.test/v1?api_key=${REDACTED}&q=1`,
    );
    expect(maskSecretsInString("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----")).toBe(REDACTED);
  });

  it("leaves look-alikes alone", () => {
    for (const text of [
      "sk-learn-is-a-python-library",
      "task-1234567890123456789012",
      "max_tokens=4096",
      "tokens: 1234567",
      "Bearer",
      "the secret is out",
    ]) {
      expect(maskSecretsInString(text)).toBe(text);
    }
  });
});

describe("maskSecrets", () => {
  it("masks by key name and by shape, copies only what changes and never modifies its input", () => {
    const untouched = { model: "gpt-4o", max_tokens: 10, nested: { tokens: 3 } };
    const input = {
      params: { api_key: "abc123", headers: { Authorization: "Basic dXNlcjpwYXNz" } },
      flags: { api_key: true, password: "", token: null },
      text: "use sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
      args: '{"password":"hunter2!","city":"Paris"}',
      untouched,
    };
    const before = JSON.stringify(input);
    const masked = maskSecrets(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(masked).toEqual({
      params: { api_key: REDACTED, headers: { Authorization: REDACTED } },
      flags: { api_key: true, password: "", token: null }, // nothing secret in a flag or an empty value
      text: `use ${REDACTED}`,
      args: JSON.stringify({ password: REDACTED, city: "Paris" }),
      untouched,
    });
    expect(masked.untouched).toBe(untouched);
    expect(maskSecrets(untouched)).toBe(untouched);
  });

  it("keeps a __proto__ field a field, and stops at 100 levels", () => {
    const parsed = JSON.parse('{"__proto__": {"api_key": "abc123"}}') as Record<string, unknown>;
    const masked = maskSecrets(parsed);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.hasOwn(masked, "__proto__")).toBe(true);
    expect(JSON.stringify(masked)).toBe('{"__proto__":{"api_key":"[REDACTED]"}}');
    let deep: Record<string, unknown> = { api_key: "abc123" };
    for (let i = 0; i < 150; i++) deep = { a: deep };
    expect(JSON.stringify(maskSecrets(deep))).not.toContain("abc123");
  });

  it("is idempotent and never modifies arbitrary JSON (1,000 runs)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const before = JSON.stringify(value);
        const once = maskSecrets(value);
        expect(JSON.stringify(value)).toBe(before);
        expect(maskSecrets(once)).toEqual(once);
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps streamed tokens (new_token kwargs.token) as text, masking only credential shapes", () => {
    const run = {
      id: "r",
      events: [
        { name: "new_token", time: "t", kwargs: { token: "Hello", idx: { prompt: 0, completion: 0 } } },
        { name: "new_token", time: "t", kwargs: { token: "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" } },
        { name: "custom", time: "t", kwargs: { token: "opaque-session" } },
      ],
    };
    expect(maskRunSecrets(run).events).toEqual([
      run.events[0],
      { name: "new_token", time: "t", kwargs: { token: REDACTED } },
      { name: "custom", time: "t", kwargs: { token: REDACTED } },
    ]);
  });

  it("as a JSON.stringify replacer, masks the same way and keeps JSON.stringify's own errors", () => {
    expect(JSON.stringify({ headers: { "x-api-key": "k-123456" }, n: 1 }, secretMaskingReplacer)).toBe(
      '{"headers":{"x-api-key":"[REDACTED]"},"n":1}',
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => JSON.stringify(cyclic, secretMaskingReplacer)).toThrow(TypeError);
  });
});

describe("maskRecurringString", () => {
  // The cached variant must give exactly maskSecretsInString's result, the first time (scanned) and
  // every time after (looked up): oracles are the scanner-sourced credential shapes and the
  // false-positive corpus, in the short placements OTel attributes use (names, metadata values).
  const texts = [
    ...CREDENTIAL_SHAPES.flatMap((shape) => {
      const { text } = shape.make();
      return [text, `key=${text}`, `tool ${text}`];
    }),
    ...CORPUS,
    "ChatOpenAI",
    "gpt-4o-mini-2024-07-18",
  ];

  it("equals maskSecretsInString on first use and when remembered", () => {
    for (const text of texts) {
      const expected = maskSecretsInString(text);
      expect(maskRecurringString(text)).toBe(expected);
      expect(maskRecurringString(text)).toBe(expected);
    }
    expect(texts.some((text) => maskRecurringString(text) !== text)).toBe(true);
  });

  it("equals maskSecretsInString on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const expected = maskSecretsInString(text);
        return maskRecurringString(text) === expected && maskRecurringString(text) === expected;
      }),
      { numRuns: 2000 },
    );
  });
});
