import { lazySchema } from "../../schemas/lazy-zod.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { requestLangSmith } from "./langsmith-http.js";

/**
 * What `GET /info` tells a LangSmith client about ingest (the fields the `langsmith` client reads);
 * anything else the server sends is ignored.
 */
export interface LangSmithServerInfo {
  batch_ingest_config?: { use_multipart_endpoint?: boolean; size_limit_bytes?: number; size_limit?: number };
  instance_flags?: { gzip_body_enabled?: boolean };
}

const ServerInfoSchema = lazySchema((z) =>
  z.object({
    batch_ingest_config: z
      .object({
        use_multipart_endpoint: z.boolean().optional().catch(undefined),
        size_limit_bytes: z.int().positive().optional().catch(undefined),
        size_limit: z.int().positive().optional().catch(undefined),
      })
      .optional()
      .catch(undefined),
    instance_flags: z
      .object({ gzip_body_enabled: z.boolean().optional().catch(undefined) })
      .optional()
      .catch(undefined),
  }),
);

/** How the server info is fetched. */
export interface ServerInfoRequest {
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
  fetch: typeof fetch;
}

// /info is a few hundred bytes; anything past this is not a server info.
const MAX_INFO_BYTES = 64 * 1024;

/**
 * The LangSmith server's `GET /info`, fetched once and cached, as the langsmith client does. When it
 * fails (an unreachable server, an error status, a body that is not the info, too long, a redirect
 * off the endpoint's origin), `{}` stands in: the client's defaults apply, the next export asks again,
 * and a warning says so once (not for a network failure: the export reports that); a 404 (a server without /info) is an answer and is cached.
 *
 * @example
 * const info = await new ServerInfoCache().get({ url: `${apiUrl}/info`, headers, timeoutMillis: 10_000, fetch });
 * info.batch_ingest_config?.size_limit_bytes; // e.g. 20_971_520
 */
export class ServerInfoCache {
  private info: Promise<LangSmithServerInfo> | undefined;
  private warned = false;

  get(request: ServerInfoRequest): Promise<LangSmithServerInfo> {
    this.info ??= this.fetchInfo(request);
    return this.info;
  }

  private async fetchInfo(request: ServerInfoRequest): Promise<LangSmithServerInfo> {
    const reply = await requestLangSmith(request.url, {
      method: "GET",
      headers: { ...request.headers, Accept: "application/json" },
      timeoutMillis: request.timeoutMillis,
      maxResponseBytes: MAX_INFO_BYTES,
      fetch: request.fetch,
    });
    if (reply.kind === "response" && reply.status === 404) return {};
    const info = reply.kind === "response" && reply.status === 200 ? parseInfo(reply.body) : undefined;
    if (info !== undefined) return info;
    this.info = undefined; // asked again at the next export
    // A network failure is not the server's answer: the ingest request that follows reports it.
    if (this.warned || (reply.kind === "failure" && reply.retryable)) return {};
    this.warned = true;
    const why = reply.kind === "failure" ? reply.error.message : `status ${reply.status} or an unreadable body`;
    emitWarning("langsmith_info_failed", `LangSmith GET /info failed (${why}); using the client's defaults`);
    return {};
  }
}

function parseInfo(body: Buffer): LangSmithServerInfo | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = ServerInfoSchema.safeParse(json);
  return parsed.success ? (parsed.data as LangSmithServerInfo) : undefined;
}
