import { createHash, randomBytes, randomUUID } from "node:crypto";

/** An integer beyond 2^53: JSON text holding it must never be re-serialized. */
export const BIG = "12345678901234567890123";
/**
 * Text that looks like a credential to a careless pattern and is not one: it must reach every sink
 * exactly as the app wrote it. Shared by the false-positive suite and the scanner's property test.
 */
export const CORPUS: readonly string[] = [
  "Bearer instruments are bonds payable to whoever holds them.",
  "The secretary filed the minutes; the secretariat approved them.",
  "Pass the page_token from the last response to get the next page.",
  "Generation stops at the eos_token; pad_token fills the batch.",
  'api_key = os.environ["OPENAI_API_KEY"]',
  "const token = process.env.GITHUB_TOKEN;",
  "password = getpass.getpass()",
  "The secret: practice every day. token: the unit a model reads.",
  "Set max_tokens=256 and temperature=0.2; total_tokens: 1042.",
  "author: Jane Doe, authored 12 papers",
  "sk-learn and scikit-learn tutorials; task-sk-12 is done",
  "Basic instructions: read the manual first.",
  "ASIAN markets and AKIAN sculptures",
  "key-value stores such as Redis keep a monkey-patched key-map",
  `order ${randomUUID()} and trace ${randomUUID()}`,
  `commit ${createHash("sha1").update("a").digest("hex")} sha256 ${createHash("sha256").update("b").digest("hex")}`,
  `data:image/png;base64,${randomBytes(3000).toString("base64")}`,
  "https://example.com:8443/path?page=2&sort=desc#top",
  "mailto:ops@example.com and git@github.com:org/repo.git",
  `{"id": ${BIG}, "price": 1e400, "n": -0.0000000000000000001}`,
  "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----",
  "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
  "if (password == null || token != undefined) return;",
  "Use the Authorization header; see https://docs.example.com/auth",
  "session_id: 42, thread_id: t-9, conversation_id: c-1",
];
