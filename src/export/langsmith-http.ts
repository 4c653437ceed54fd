/** What one request to LangSmith gave: a response read in full (within the bound), or why not. */
export type LangSmithReply =
  | { kind: "response"; status: number; headers: Headers; body: Buffer }
  /** No usable answer: network failure, timeout (`retryable`), or an answer that cannot be trusted. */
  | { kind: "failure"; retryable: boolean; error: Error };

/** Options of `requestLangSmith`. */
export interface LangSmithRequest {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMillis: number;
  /** Largest response body read; a longer one is cut off and counted a failure. */
  maxResponseBytes: number;
  fetch: typeof fetch;
}

// Redirects followed within the endpoint's origin; a longer chain is a failure.
const MAX_REDIRECTS = 5;

/**
 * One request to the LangSmith endpoint, hardened against what a misconfigured or hostile endpoint may
 * answer: redirects are followed only within the URL's origin (a cross-origin redirect is a failure,
 * so `x-api-key` and `Authorization` never reach another origin); the response body is read up to
 * `maxResponseBytes` (an endless body is cut off, and a failure, never a growing buffer); a response
 * the HTTP parser rejects (garbage on the wire) is a failure that retrying will not fix.
 *
 * @example
 * const reply = await requestLangSmith("https://api.smith.langchain.com/info", {
 *   method: "GET", headers: {}, timeoutMillis: 10_000, maxResponseBytes: 65_536, fetch,
 * });
 */
export async function requestLangSmith(url: string, request: LangSmithRequest): Promise<LangSmithReply> {
  const signal = AbortSignal.timeout(request.timeoutMillis);
  const origin = new URL(url).origin;
  let target = url;
  let method = request.method;
  let body = request.body;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await request.fetch(target, { method, headers: request.headers, body, signal, redirect: "manual" });
    } catch (error) {
      return { kind: "failure", retryable: !isGarbage(error), error: asError(error) };
    }
    if (!isRedirect(response.status)) return readBounded(response, request.maxResponseBytes);
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get("location");
    const next = location === null ? undefined : safeUrl(location, target);
    if (next === undefined || next.origin !== origin) {
      const where = next === undefined ? "an invalid location" : `another origin (${next.origin})`;
      return { kind: "failure", retryable: false, error: new Error(`LangSmith redirected to ${where}; not followed`) };
    }
    if (hop >= MAX_REDIRECTS) {
      return {
        kind: "failure",
        retryable: false,
        error: new Error(`LangSmith redirected more than ${MAX_REDIRECTS} times`),
      };
    }
    // 303 (and, as browsers do, 301/302 of a POST) turn the request into a GET without body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
    }
    target = next.href;
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<LangSmithReply> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  try {
    for (;;) {
      if (reader === undefined) break;
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        const error = new Error(`LangSmith answered ${response.status} with a body over ${maxBytes} bytes; cut off`);
        return { kind: "failure", retryable: false, error };
      }
      chunks.push(value);
    }
  } catch (error) {
    return { kind: "failure", retryable: !isGarbage(error), error: asError(error) };
  }
  return { kind: "response", status: response.status, headers: response.headers, body: Buffer.concat(chunks) };
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function safeUrl(location: string, base: string): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

// Node's HTTP parser names its rejections HPE_* (llhttp): the peer did not speak HTTP.
function isGarbage(error: unknown): boolean {
  for (let cause = error, depth = 0; cause !== undefined && cause !== null && depth < 5; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("HPE_")) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
