import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/** One part of a /runs/multipart body, as received. */
export interface ReceivedPart {
  name: string;
  contentType: string;
  data: Buffer;
}

/** One request a `RecordingLangSmith` received (body decompressed when sent with gzip). */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body's size on the wire. */
  wireBytes: number;
  body: Buffer;
  parts: ReceivedPart[];
}

/** How the server answers a request; the default stores it and answers 202 `{}`. */
export type Answer = (request: ReceivedRequest, response: ServerResponse) => void;

/**
 * A loopback LangSmith that records every request: `GET /info` answers `info` (404 when undefined),
 * `/runs/multipart` bodies are split into their parts (after gunzip), everything else is kept as is.
 * `answer` decides the reply to ingest requests; `infoReply` and `redirectTo` make it misbehave.
 */
export class RecordingLangSmith {
  readonly requests: ReceivedRequest[] = [];
  info: Record<string, unknown> | undefined = undefined;
  /** Replaces `info`'s answer to GET /info with this status and raw body. */
  infoReply: { status: number; body: string } | undefined = undefined;
  /** When set, every request (GET /info included) is answered 308 to this origin, same path. */
  redirectTo: string | undefined = undefined;
  answer: Answer = (_request, response) => void response.writeHead(202).end("{}");

  private constructor(private readonly server: Server) {}

  static async start(): Promise<RecordingLangSmith> {
    // eslint-disable-next-line prefer-const -- the handler reads it; assigned once the server exists
    let instance: RecordingLangSmith | undefined;
    const server = createServer((request, response) => void instance?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    instance = new RecordingLangSmith(server);
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The ingest requests (everything but GET /info). */
  get ingest(): ReceivedRequest[] {
    return this.requests.filter((request) => request.path !== "/info");
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const wire = Buffer.concat(chunks);
    const body = request.headers["content-encoding"] === "gzip" ? gunzipSync(wire) : wire;
    const contentType = request.headers["content-type"] ?? "";
    const received: ReceivedRequest = {
      method: request.method ?? "",
      path: request.url ?? "",
      headers: request.headers,
      wireBytes: wire.length,
      body,
      parts: contentType.startsWith("multipart/form-data") ? splitParts(body, contentType) : [],
    };
    this.requests.push(received);
    if (this.redirectTo !== undefined) {
      response.writeHead(308, { location: `${this.redirectTo}${received.path}` }).end();
      return;
    }
    if (received.path === "/info" && this.infoReply !== undefined) {
      response.writeHead(this.infoReply.status).end(this.infoReply.body);
      return;
    }
    if (received.path === "/info") {
      response.writeHead(this.info === undefined ? 404 : 200, { "content-type": "application/json" });
      response.end(JSON.stringify(this.info ?? { detail: "Not Found" }));
      return;
    }
    this.answer(received, response);
  }
}

/** The parts of a multipart/form-data body, checked against the langsmith client's framing. */
export function splitParts(body: Buffer, contentType: string): ReceivedPart[] {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (boundary === undefined) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: ReceivedPart[] = [];
  let at = body.indexOf(delimiter);
  for (;;) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next === -1) break;
    const raw = body.subarray(at + delimiter.length + 2, next - 2); // after CRLF, before CRLF
    const headerEnd = raw.indexOf("\r\n\r\n");
    const header = raw.subarray(0, headerEnd).toString("utf8");
    const name = /name="([^"]+)"/.exec(header)?.[1] ?? "";
    const type = /Content-Type: ([^\r]+)/.exec(header)?.[1] ?? "";
    const data = raw.subarray(headerEnd + 4);
    const length = /length=(\d+)$/.exec(type)?.[1];
    if (length !== undefined && Number(length) !== data.length) {
      throw new Error(`part ${name}: length=${length} but ${data.length} bytes`);
    }
    parts.push({ name, contentType: type.replace(/; length=\d+$/, ""), data: Buffer.from(data) });
    at = next;
  }
  if (!body.subarray(at).equals(Buffer.from(`--${boundary}--\r\n`))) throw new Error("bad closing boundary");
  return parts;
}
