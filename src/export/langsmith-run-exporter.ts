import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { Run, RunEvent } from "../../schemas/index.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { attachmentParts } from "./langsmith-attachments.js";
import { resolveLangSmithConfig, type LangSmithConfig } from "./langsmith-config.js";
import { requestLangSmith } from "./langsmith-http.js";
import { ServerInfoCache, type LangSmithServerInfo } from "./langsmith-server-info.js";
import { encodeMultipart, partBytes, type MultipartPart } from "./multipart.js";
import type { ExportResult, RunExporter } from "./run-exporter.js";
import { retryAfterMillis } from "./retry-after.js";
import { RunPrivacy, type RunPrivacyOptions } from "./run-privacy.js";

const gzip = promisify(gzipCallback);

/**
 * Options of `LangSmithRunExporter`; anything left out comes from the environment (`hideInputs` /
 * `hideOutputs`: `LANGSMITH_HIDE_INPUTS` / `LANGSMITH_HIDE_OUTPUTS`, as the langsmith client reads them).
 */
export interface LangSmithRunExporterOptions extends RunPrivacyOptions {
  /** Default `LANGSMITH_API_KEY` (or `LANGCHAIN_API_KEY`). Sent as `x-api-key`. */
  apiKey?: string;
  /** Default `LANGSMITH_ENDPOINT` (or `LANGCHAIN_ENDPOINT`), else LangSmith's cloud endpoint. */
  apiUrl?: string;
  /** The project of runs that do not name one; default `LANGSMITH_PROJECT`, else `"default"`. */
  projectName?: string;
  /** Sent as `x-tenant-id`; default `LANGSMITH_WORKSPACE_ID`. */
  workspaceId?: string;
  /**
   * `multipart` (`POST /runs/multipart`, the default, falling back to batch on 404 or when the
   * server's `/info` says so) or `batch`.
   */
  endpoint?: "multipart" | "batch";
  /** Largest request body (uncompressed); default the server's limit from `/info`, else 24 MiB. */
  batchSizeBytes?: number;
  /** Per-request timeout. Default 30,000 ms. */
  timeoutMillis?: number;
  /** The fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

// The langsmith client's DEFAULT_UNCOMPRESSED_BATCH_SIZE_LIMIT_BYTES, used when /info gives none.
const DEFAULT_BATCH_SIZE_BYTES = 24 * 1024 * 1024;
// LangSmith answers ingest with a short JSON object; anything past this is cut off and a failure.
const MAX_RESPONSE_BYTES = 64 * 1024;
// The langsmith client's timeout of GET /info.
const INFO_TIMEOUT_MILLIS = 10_000;

// The fields of the langsmith client's RunCreate / RunUpdate (langsmith/schemas: BaseRun, RunCreate,
// RunUpdate), the ones its run ingest reads; attachments travel as their own parts.
const INGEST_FIELDS = [
  "id",
  "name",
  "run_type",
  "start_time",
  "end_time",
  "extra",
  "error",
  "serialized",
  "events",
  "inputs",
  "outputs",
  "reference_example_id",
  "parent_run_id",
  "tags",
  "trace_id",
  "dotted_order",
  "session_id",
] as const satisfies readonly (keyof Run)[];

// The parts of a run the multipart endpoint takes as separate parts, as the langsmith client splits them.
const SEPARATE_FIELDS = ["inputs", "outputs", "events", "extra", "error", "serialized"] as const;
const SEPARATE = new Set<string>(SEPARATE_FIELDS);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One run ready to send: its create payload and the attachments' parts. */
interface Outgoing {
  create: Record<string, unknown>;
  attachments: MultipartPart[];
}

/** One run encoded for an endpoint, with the bytes it adds to a request. */
interface Encoded {
  run: Outgoing;
  parts: MultipartPart[] | undefined;
  json: string | undefined;
  bytes: number;
}

/**
 * Sends runs to LangSmith as the langsmith client does: it reads `GET /info` once (batch size limit,
 * multipart support, gzip; the client's defaults when it fails), then posts `/runs/multipart` (parts
 * `post.{id}`, `post.{id}.inputs`, `.outputs`, `.events`, `.extra`, `.error`, `.serialized`,
 * `attachment.{id}.{name}`; gzip-compressed when the server enables it) or `/runs/batch`
 * (`{ post, patch }`). Runs arrive complete, so each is one `post` carrying its end time and outputs,
 * as the client sends a create merged with its update; only the fields the client's `RunCreate` has
 * are sent. Requests are bounded by bytes (the server's limit); a 413 splits the request in halves
 * and sends each, and a single run too large for the server is dropped and counted
 * (`droppedTooLarge`), never its batch. Rate limits (429), server errors and network failures are
 * reported as retryable, with the server's `Retry-After`; a 409 (the server already holds these runs)
 * counts as delivered. Redirects are followed only within the endpoint's origin, response bodies read
 * up to 64 KiB, and a response that is not HTTP or not JSON is a failure (see `requestLangSmith`).
 * Credentials are masked and inputs / outputs hidden as the options say before anything is sent.
 *
 * @example
 * const tracer = new RunTracer({ exporter: new LangSmithRunExporter({ projectName: "checkout" }) });
 */
export class LangSmithRunExporter implements RunExporter {
  readonly config: LangSmithConfig;
  private endpoint: "multipart" | "batch";
  private readonly batchSizeBytes: number | undefined;
  private readonly timeoutMillis: number;
  private readonly fetch: typeof fetch;
  private readonly privacy: RunPrivacy;
  private readonly serverInfo = new ServerInfoCache();
  private tooLarge = 0;

  constructor(options: LangSmithRunExporterOptions = {}) {
    this.config = resolveLangSmithConfig(options);
    this.privacy = new RunPrivacy(options);
    this.endpoint = options.endpoint ?? "multipart";
    this.batchSizeBytes = options.batchSizeBytes;
    this.timeoutMillis = options.timeoutMillis ?? 30_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    if (this.config.apiKey === undefined) {
      emitWarning("langsmith_no_api_key", "LangSmithRunExporter has no API key (set LANGSMITH_API_KEY)");
    }
  }

  /** Runs dropped because the server refused them as too large (413) even alone. */
  get droppedTooLarge(): number {
    return this.tooLarge;
  }

  async export(runs: Run[]): Promise<ExportResult> {
    const outgoing: Outgoing[] = [];
    for (const run of runs) {
      if (!hasUuid(run)) continue;
      // Attachments are bytes: taken from the run as given, before the JSON-safe copy.
      outgoing.push({ create: this.toCreate(this.privacy.prepare(run)), attachments: attachmentParts(run) });
    }
    if (outgoing.length < runs.length) {
      const skipped = runs.length - outgoing.length;
      emitWarning("invalid_run", `LangSmithRunExporter skipped ${skipped} run(s) without a UUID id`);
    }
    if (outgoing.length === 0) return { code: "success" };
    const info = await this.serverInfo.get({
      url: `${this.config.apiUrl}/info`,
      headers: this.authHeaders(),
      timeoutMillis: Math.min(this.timeoutMillis, INFO_TIMEOUT_MILLIS),
      fetch: this.fetch,
    });
    if (info.batch_ingest_config?.use_multipart_endpoint === false) this.endpoint = "batch";
    const limit = this.batchSizeBytes ?? info.batch_ingest_config?.size_limit_bytes ?? DEFAULT_BATCH_SIZE_BYTES;
    let result: ExportResult = { code: "success" };
    for (const group of bySize(
      outgoing.map((run) => this.encode(run)),
      limit,
    )) {
      result = worse(result, await this.sendGroup(group, info));
      if (result.code === "retryable") break; // the rest would meet the same server
    }
    return result;
  }

  /**
   * The create payload of a finished run: the fields LangSmith's run ingest takes, in its project,
   * with token events' contents removed. The record's token and cost totals stay behind: LangSmith
   * reads them from `usage_metadata`, which carries them.
   */
  private toCreate(run: Run): Record<string, unknown> {
    const create: Record<string, unknown> = {};
    for (const field of INGEST_FIELDS) if (run[field] !== undefined) create[field] = run[field];
    create.session_name = run.session_name ?? this.config.projectName;
    // The langsmith client strips streamed token contents from events; the outputs hold the text.
    if (run.events !== undefined && run.events !== null) create.events = run.events.map(withoutTokenKwargs);
    return create;
  }

  private encode(run: Outgoing): Encoded {
    if (this.endpoint === "batch") {
      const json = JSON.stringify(run.create);
      return { run, parts: undefined, json, bytes: Buffer.byteLength(json) + 1 };
    }
    const parts = [...multipartParts(run.create), ...run.attachments];
    let bytes = 0;
    for (const part of parts) bytes += partBytes(part);
    return { run, parts, json: undefined, bytes };
  }

  private async sendGroup(group: Encoded[], info: LangSmithServerInfo): Promise<ExportResult> {
    const multipart = group[0]?.parts !== undefined;
    const reply = multipart ? await this.postMultipart(group, info) : await this.postBatch(group);
    if (reply.status === 404 && multipart) {
      // Servers without the multipart endpoint take the batch one, as the langsmith client falls back.
      this.endpoint = "batch";
      return this.sendGroup(
        group.map((encoded) => this.encode(encoded.run)),
        info,
      );
    }
    if (reply.status !== 413) return reply.result;
    if (group.length === 1) {
      this.tooLarge++;
      const id = String(group[0]?.run.create.id);
      emitWarning("run_too_large", `LangSmith refused run ${id} as too large (413) even alone; dropped`);
      return { code: "success" };
    }
    const half = Math.ceil(group.length / 2);
    const first = await this.sendGroup(group.slice(0, half), info);
    return worse(first, await this.sendGroup(group.slice(half), info));
  }

  private async postMultipart(group: Encoded[], info: LangSmithServerInfo) {
    const { contentType, body } = encodeMultipart(group.flatMap((encoded) => encoded.parts ?? []));
    if (info.instance_flags?.gzip_body_enabled !== true) return this.post("/runs/multipart", contentType, body);
    return this.post("/runs/multipart", contentType, await gzip(body), "gzip");
  }

  private postBatch(group: Encoded[]) {
    const body = `{"post":[${group.map((encoded) => encoded.json).join(",")}],"patch":[]}`;
    return this.post("/runs/batch", "application/json", body);
  }

  private authHeaders(): Record<string, string> {
    const headers: Record<string, string> = { "User-Agent": "runledger" };
    if (this.config.apiKey !== undefined) headers["x-api-key"] = this.config.apiKey;
    if (this.config.workspaceId !== undefined) headers["x-tenant-id"] = this.config.workspaceId;
    return headers;
  }

  private async post(
    path: string,
    contentType: string,
    body: string | Buffer,
    encoding?: string,
  ): Promise<{ result: ExportResult; status?: number }> {
    const headers: Record<string, string> = { ...this.authHeaders(), "Content-Type": contentType };
    if (encoding !== undefined) headers["Content-Encoding"] = encoding;
    const reply = await requestLangSmith(`${this.config.apiUrl}${path}`, {
      method: "POST",
      headers,
      body,
      timeoutMillis: this.timeoutMillis,
      maxResponseBytes: MAX_RESPONSE_BYTES,
      fetch: this.fetch,
    });
    if (reply.kind === "failure") {
      return {
        result: reply.retryable ? { code: "retryable", error: reply.error } : { code: "failed", error: reply.error },
      };
    }
    const { status } = reply;
    const text = reply.body.toString("utf8");
    // 409: the server already holds these runs (a retried request whose answer was lost).
    if ((status >= 200 && status < 300) || status === 409) {
      if (isJsonOrEmpty(text)) return { result: { code: "success" }, status };
      const error = new Error(`LangSmith ${path} answered ${status} with a body that is not JSON`);
      return { result: { code: "failed", error }, status };
    }
    const error = new Error(`LangSmith ${path} answered ${status}: ${text.slice(0, 500)}`);
    if (status === 408 || status === 425 || status === 429 || status >= 500) {
      const retryAfter = retryAfterMillis(reply.headers.get("retry-after"));
      const result: ExportResult =
        retryAfter === undefined
          ? { code: "retryable", error }
          : { code: "retryable", retryAfterMillis: retryAfter, error };
      return { result, status };
    }
    return { result: { code: "failed", error }, status };
  }
}

/** Runs grouped in order into requests of at most `limit` bytes (a run larger than that goes alone). */
function bySize(encoded: readonly Encoded[], limit: number): Encoded[][] {
  const groups: Encoded[][] = [];
  let current: Encoded[] = [];
  let bytes = 0;
  for (const run of encoded) {
    if (current.length > 0 && bytes + run.bytes > limit) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(run);
    bytes += run.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

// Retryable outranks failed (a retry re-sends the delivered runs too: the server answers 409), failed
// outranks success.
function worse(left: ExportResult, right: ExportResult): ExportResult {
  const rank = { success: 0, failed: 1, retryable: 2 } as const;
  return rank[right.code] > rank[left.code] ? right : left;
}

function multipartParts(create: Record<string, unknown>): MultipartPart[] {
  const id = String(create.id);
  // Built without the separate fields rather than copied and deleted from: an object that lost fields
  // becomes a slow dictionary, for JSON.stringify too.
  const main: Record<string, unknown> = {};
  for (const key of Object.keys(create)) if (!SEPARATE.has(key)) main[key] = create[key];
  const parts: MultipartPart[] = [{ name: `post.${id}`, json: JSON.stringify(main) }];
  for (const field of SEPARATE_FIELDS) {
    const value = create[field];
    if (value !== undefined) parts.push({ name: `post.${id}.${field}`, json: JSON.stringify(value) });
  }
  return parts;
}

function isJsonOrEmpty(text: string): boolean {
  if (text.trim() === "") return true;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function withoutTokenKwargs(event: RunEvent): RunEvent {
  if (event.name !== "new_token") return event;
  const { kwargs: _kwargs, ...rest } = event;
  return rest;
}

function hasUuid(run: Run): boolean {
  return typeof run.id === "string" && UUID.test(run.id);
}
