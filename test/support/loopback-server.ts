import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { FIXTURES_DIR } from "./providers-helpers.js";

/** One server-sent event: `event:` line (Anthropic names every event) and the `data:` payload. */
export interface SseEvent {
  event?: string;
  /** Serialized as JSON, except a string, which is sent as it is (OpenAI's `[DONE]`). */
  data: unknown;
}

/** What the server answers to one request. */
export type Reply =
  | { kind: "json"; status?: number; body: unknown; headers?: Record<string, string> }
  | {
      /** Binary frames (AWS event-stream messages), in one response. */
      kind: "frames";
      contentType: string;
      frames: readonly Uint8Array[];
      /** Destroy the connection after this many frames (a stream that breaks in the middle). */
      breakAfter?: number;
      /** Write one frame every this many milliseconds (a slow model), stopping when the client hangs up. */
      intervalMs?: number;
    }
  | {
      kind: "sse";
      events: readonly SseEvent[];
      /** Destroy the connection after this many events (a stream that breaks in the middle). */
      breakAfter?: number;
      /** Write one event every this many milliseconds (a slow model), stopping when the client hangs up. */
      intervalMs?: number;
    };

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

/**
 * An HTTP server on 127.0.0.1 (port 0) that answers each request with the next queued reply:
 * recorded JSON bodies, SSE streams, errors. The provider SDKs reach it through `baseURL`.
 */
export class LoopbackServer {
  readonly requests: RecordedRequest[] = [];
  /** Per slow stream (`intervalMs`), in order: how many events were written before it ended or the client left. */
  readonly slowStreams: { written: number; clientLeft: boolean; ended: Promise<void> }[] = [];
  private readonly _server: Server;
  private readonly _replies: Reply[] = [];

  private constructor(server: Server) {
    this._server = server;
  }

  static async start(): Promise<LoopbackServer> {
    // eslint-disable-next-line prefer-const -- the request handler reads it; assigned once the server exists
    let instance: LoopbackServer | undefined;
    const server = createServer((request, response) => void instance?.handle(request, response));
    instance = new LoopbackServer(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return instance;
  }

  /** `http://127.0.0.1:<port>` plus `suffix` (OpenAI's base URL ends in `/v1`, Anthropic's does not). */
  url(suffix = ""): string {
    const { port } = this._server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${suffix}`;
  }

  /** Queues replies for the next requests, in order. */
  reply(...replies: Reply[]): void {
    this._replies.push(...replies);
  }

  /** Forgets recorded requests and unused replies. */
  reset(): void {
    this.requests.length = 0;
    this.slowStreams.length = 0;
    this._replies.length = 0;
  }

  async close(): Promise<void> {
    this._server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this._server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    this.requests.push({
      method: request.method ?? "",
      url: request.url ?? "",
      headers: request.headers,
      body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined,
    });
    // A client that stops reading closes the connection under us: expected, not a server failure.
    response.on("error", () => undefined);
    const reply = this._replies.shift() ?? {
      kind: "json",
      status: 599,
      body: { error: { message: "no reply queued" } },
    };
    if (reply.kind === "json") {
      response.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
      response.end(JSON.stringify(reply.body));
      return;
    }
    if (reply.kind === "frames" && reply.intervalMs !== undefined) {
      response.writeHead(200, { "content-type": reply.contentType });
      await this.writeSlowly(response, reply.frames, reply.intervalMs);
      return;
    }
    if (reply.kind === "frames") {
      response.writeHead(200, { "content-type": reply.contentType });
      const sent = Buffer.concat(reply.frames.slice(0, reply.breakAfter ?? reply.frames.length));
      if (reply.breakAfter === undefined) response.end(sent);
      else response.write(sent, () => response.socket?.destroy());
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const frames = reply.events.map(frame);
    if (reply.intervalMs !== undefined) {
      await this.writeSlowly(response, frames, reply.intervalMs);
      return;
    }
    if (reply.breakAfter === undefined) {
      response.end(frames.join(""));
      return;
    }
    // Written, then the socket destroyed once the bytes are out: the client sees a connection that dies mid-stream.
    response.write(frames.slice(0, reply.breakAfter).join(""), () => response.socket?.destroy());
  }

  // One chunk every `intervalMs`, recorded in `slowStreams`, until the end or until the client hangs up.
  private async writeSlowly(
    response: ServerResponse,
    chunks: readonly (string | Uint8Array)[],
    intervalMs: number,
  ): Promise<void> {
    let ended = (): void => undefined;
    const progress = { written: 0, clientLeft: false, ended: new Promise<void>((resolve) => (ended = resolve)) };
    this.slowStreams.push(progress);
    response.on("close", () => (progress.clientLeft ||= !response.writableEnded));
    for (const chunk of chunks) {
      if (progress.clientLeft || response.destroyed) {
        progress.clientLeft = true;
        ended();
        return;
      }
      response.write(chunk);
      progress.written++;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    response.end();
    ended();
  }
}

function frame(event: SseEvent): string {
  const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
  return `${event.event === undefined ? "" : `event: ${event.event}\n`}data: ${data}\n\n`;
}

/** The `raw` payload of a shared provider fixture, e.g. `fixtureRaw("openai", "chat_completions_plain")`. */
export function fixtureRaw(folder: string, name: string): unknown {
  return readFixture(folder, name).raw;
}

/** The usage a fixture must normalize to (`better_expected_usage` when present). */
export function fixtureUsage(folder: string, name: string): unknown {
  const fixture = readFixture(folder, name);
  return fixture.better_expected_usage ?? fixture.expected_usage;
}

function readFixture(
  folder: string,
  name: string,
): { raw: unknown; expected_usage: unknown; better_expected_usage?: unknown } {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, folder, `${name}.json`), "utf8")) as {
    raw: unknown;
    expected_usage: unknown;
    better_expected_usage?: unknown;
  };
}

/** A JSON reply with a fixture's raw response. */
export function jsonReply(body: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers === undefined ? { kind: "json", status, body } : { kind: "json", status, body, headers };
}

/** An OpenAI stream: one `data:` event per chunk, then `data: [DONE]`. */
export function openAIStream(chunks: readonly unknown[], breakAfter?: number): Reply {
  const events: SseEvent[] = [...chunks.map((data) => ({ data })), { data: "[DONE]" }];
  return breakAfter === undefined ? { kind: "sse", events } : { kind: "sse", events, breakAfter };
}

/** An Anthropic stream: each event under an `event:` line named by its `type`. */
export function anthropicStream(events: readonly unknown[], breakAfter?: number): Reply {
  const framed = events.map((data) => ({ event: String((data as { type?: unknown }).type), data }));
  return breakAfter === undefined ? { kind: "sse", events: framed } : { kind: "sse", events: framed, breakAfter };
}

/**
 * Starts one LoopbackServer for the calling test file (closed after it, its queue reset before each
 * test) and returns a getter for it.
 */
export function useLoopbackServer(): () => LoopbackServer {
  let server: LoopbackServer | undefined;
  beforeAll(async () => {
    server = await LoopbackServer.start();
  });
  afterAll(() => server?.close());
  beforeEach(() => server?.reset());
  return () => {
    if (server === undefined) throw new Error("the loopback server starts in beforeAll");
    return server;
  };
}
