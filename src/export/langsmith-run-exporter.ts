import type { Run, RunEvent } from "../../schemas/index.js";
import { emitWarning } from "../../callbacks/warnings.js";
import { resolveLangSmithConfig, type LangSmithConfig } from "./langsmith-config.js";
import { encodeMultipart, type MultipartPart } from "./multipart.js";
import type { ExportResult, RunExporter } from "./run-exporter.js";
import { retryAfterMillis } from "./retry-after.js";
import { RunPrivacy, type RunPrivacyOptions } from "./run-privacy.js";

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
  /** `multipart` (`POST /runs/multipart`, the default, falling back to batch on 404) or `batch`. */
  endpoint?: "multipart" | "batch";
  /** Per-request timeout. Default 30,000 ms. */
  timeoutMillis?: number;
  /** The fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

// The fields of the langsmith client's RunCreate / RunUpdate (langsmith/schemas: BaseRun, RunCreate,
// RunUpdate), the ones its run ingest reads; `attachments` travel as their own parts.
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
  "attachments",
] as const satisfies readonly (keyof Run)[];

// The parts of a run the multipart endpoint takes as separate parts, as the langsmith client splits them.
const SEPARATE_FIELDS = ["inputs", "outputs", "events", "extra", "error", "serialized"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Sends runs to LangSmith in the langsmith client's wire formats: `POST /runs/multipart` (parts
 * `post.{id}`, `post.{id}.inputs`, `.outputs`, `.events`, `.extra`, `.error`, `.serialized`) or
 * `POST /runs/batch` (`{ post, patch }`). Runs arrive complete, so each is one `post` carrying its
 * end time and outputs, as the client sends a create merged with its update. Rate limits (429), server
 * errors and network failures are reported as retryable, with the server's `Retry-After`; a 409
 * (the server already holds these runs: a retry of a request whose answer was lost) counts as
 * delivered. Credentials are masked and inputs / outputs hidden as the options say before anything
 * is sent (see `RunPrivacy`).
 *
 * @example
 * const tracer = new RunTracer({ exporter: new LangSmithRunExporter({ projectName: "checkout" }) });
 */
export class LangSmithRunExporter implements RunExporter {
  readonly config: LangSmithConfig;
  private endpoint: "multipart" | "batch";
  private readonly timeoutMillis: number;
  private readonly fetch: typeof fetch;
  private readonly privacy: RunPrivacy;

  constructor(options: LangSmithRunExporterOptions = {}) {
    this.config = resolveLangSmithConfig(options);
    this.privacy = new RunPrivacy(options);
    this.endpoint = options.endpoint ?? "multipart";
    this.timeoutMillis = options.timeoutMillis ?? 30_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    if (this.config.apiKey === undefined) {
      emitWarning("langsmith_no_api_key", "LangSmithRunExporter has no API key (set LANGSMITH_API_KEY)");
    }
  }

  async export(runs: Run[]): Promise<ExportResult> {
    const posts = runs.filter(hasUuid).map((run) => this.toCreate(this.privacy.prepare(run)));
    if (posts.length < runs.length) {
      emitWarning("invalid_run", `LangSmithRunExporter skipped ${runs.length - posts.length} run(s) without a UUID id`);
    }
    if (posts.length === 0) return { code: "success" };
    if (this.endpoint === "multipart") {
      const response = await this.send("/runs/multipart", encodeMultipart(posts.flatMap(multipartParts)));
      // Servers without the multipart endpoint take the batch one, as the langsmith client falls back.
      if (response.status !== 404) return response.result;
      this.endpoint = "batch";
    }
    const body = JSON.stringify({ post: posts, patch: [] });
    return (await this.send("/runs/batch", { contentType: "application/json", body })).result;
  }

  /**
   * The create payload of a finished run: the fields LangSmith's run ingest takes (the `langsmith`
   * client's `RunCreate`), in its project, with token events' contents removed. The record's token
   * and cost totals stay behind: LangSmith reads them from `usage_metadata`, which carries them.
   */
  private toCreate(run: Run): Record<string, unknown> {
    const create: Record<string, unknown> = {};
    for (const field of INGEST_FIELDS) if (run[field] !== undefined) create[field] = run[field];
    create.session_name = run.session_name ?? this.config.projectName;
    // The langsmith client strips streamed token contents from events; the outputs hold the text.
    if (run.events !== undefined && run.events !== null) create.events = run.events.map(withoutTokenKwargs);
    return create;
  }

  private async send(
    path: string,
    payload: { contentType: string; body: string | Buffer },
  ): Promise<{ result: ExportResult; status?: number }> {
    const headers: Record<string, string> = {
      "Content-Type": payload.contentType,
      Accept: "application/json",
      "User-Agent": "runledger",
    };
    if (this.config.apiKey !== undefined) headers["x-api-key"] = this.config.apiKey;
    if (this.config.workspaceId !== undefined) headers["x-tenant-id"] = this.config.workspaceId;
    let response: Response;
    try {
      response = await this.fetch(`${this.config.apiUrl}${path}`, {
        method: "POST",
        headers,
        body: payload.body,
        signal: AbortSignal.timeout(this.timeoutMillis),
      });
    } catch (error) {
      return { result: { code: "retryable", error } }; // network failure or timeout
    }
    const text = await response.text().catch(() => "");
    const status = response.status;
    // 409: the server already holds these runs (a retried request whose answer was lost).
    if (response.ok || status === 409) return { result: { code: "success" }, status };
    const error = new Error(`LangSmith ${path} answered ${status}: ${text.slice(0, 500)}`);
    if (status === 408 || status === 425 || status === 429 || status >= 500) {
      const retryAfter = retryAfterMillis(response.headers.get("retry-after"));
      const result: ExportResult =
        retryAfter === undefined
          ? { code: "retryable", error }
          : { code: "retryable", retryAfterMillis: retryAfter, error };
      return { result, status };
    }
    return { result: { code: "failed", error }, status };
  }
}

function multipartParts(create: Record<string, unknown>): MultipartPart[] {
  const id = String(create.id);
  const main = { ...create };
  delete main.attachments;
  const separate: MultipartPart[] = [];
  for (const field of SEPARATE_FIELDS) {
    const value = main[field];
    delete main[field];
    if (value !== undefined) separate.push({ name: `post.${id}.${field}`, json: JSON.stringify(value) });
  }
  return [{ name: `post.${id}`, json: JSON.stringify(main) }, ...separate];
}

function withoutTokenKwargs(event: RunEvent): RunEvent {
  if (event.name !== "new_token") return event;
  const { kwargs: _kwargs, ...rest } = event;
  return rest;
}

function hasUuid(run: Run): boolean {
  return typeof run.id === "string" && UUID.test(run.id);
}
