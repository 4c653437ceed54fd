import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** How the loopback endpoint answers one request. */
export type Fault =
  | { kind: "ok" }
  | { kind: "status"; status: number; retryAfterSeconds?: number }
  /** Stores the runs on receipt, answers after `millis` (a slow server the client may give up on). */
  | { kind: "slow"; millis: number }
  /** Accepts the connection and never answers nor stores anything (a stuck server). */
  | { kind: "hang" };

/**
 * A loopback LangSmith ingest endpoint (`/runs/multipart`, `/runs/batch`) that fails on demand. It
 * stores runs by id, idempotently as LangSmith does: a request whose runs are all stored already is
 * answered 409. Every request body is kept, byte for byte, for secret searches.
 */
export class FaultServer {
  /** Times each run id was stored (1 for every delivered run). */
  readonly stored = new Map<string, number>();
  /** Times each run id was posted (more than 1 when the client re-sent it). */
  readonly posted = new Map<string, number>();
  readonly bodies: Buffer[] = [];
  requests = 0;
  /** `GET /info` requests (not counted in `requests`; they take no fault from the script). */
  infoRequests = 0;
  /** What `GET /info` answers: undefined is a 404 (a server without it). */
  info: Record<string, unknown> | undefined = undefined;
  private readonly script: Fault[] = [];
  private fallback: Fault = { kind: "ok" };
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** A server on 127.0.0.1, on `port` (0: any free port). */
  static async start(port = 0): Promise<FaultServer> {
    // eslint-disable-next-line prefer-const -- the request handler reads it; assigned once the server exists
    let instance: FaultServer | undefined;
    const server = createServer((request, response) => void instance?.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    instance = new FaultServer(server, (server.address() as AddressInfo).port);
    return instance;
  }

  /** A loopback port nothing listens on (connections are refused) until `start(port)`. */
  static async freePort(): Promise<number> {
    const probe = await FaultServer.start();
    await probe.close();
    return probe.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next requests answer with these faults, in order; then `fallback`. */
  next(...faults: Fault[]): this {
    this.script.push(...faults);
    return this;
  }

  /** How requests are answered once the script is used up. */
  otherwise(fault: Fault): this {
    this.fallback = fault;
    return this;
  }

  /** Every run id the server stored more than once, or was posted more than once. */
  duplicates(): { stored: string[]; posted: string[] } {
    const over = (counts: Map<string, number>): string[] => [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    return { stored: over(this.stored), posted: over(this.posted) };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method === "GET" && request.url === "/info") {
      this.infoRequests++;
      response.writeHead(this.info === undefined ? 404 : 200, { "content-type": "application/json" });
      response.end(JSON.stringify(this.info ?? { detail: "Not Found" }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    this.requests++;
    this.bodies.push(body);
    const ids = runIds(request.url ?? "", body);
    for (const id of ids) this.posted.set(id, (this.posted.get(id) ?? 0) + 1);
    const fault = this.script.shift() ?? this.fallback;
    switch (fault.kind) {
      case "hang":
        return;
      case "status":
        response.writeHead(
          fault.status,
          fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) },
        );
        response.end("{}");
        return;
      case "slow": {
        const fresh = this.store(ids);
        await new Promise((resolve) => setTimeout(resolve, fault.millis));
        if (!response.destroyed) this.answer(response, fresh);
        return;
      }
      case "ok":
        this.answer(response, this.store(ids));
    }
  }

  /** Stores the ids; whether any of them was new. */
  private store(ids: readonly string[]): boolean {
    let fresh = ids.length === 0;
    for (const id of ids) {
      if (!this.stored.has(id)) {
        fresh = true;
        this.stored.set(id, 1);
      }
    }
    return fresh;
  }

  private answer(response: ServerResponse, fresh: boolean): void {
    response.writeHead(fresh ? 202 : 409, { "content-type": "application/json" });
    response.end("{}");
  }
}

/** The run ids a /runs/multipart (`post.<id>` parts) or /runs/batch (`{ post: [...] }`) body carries. */
function runIds(path: string, body: Buffer): string[] {
  const text = body.toString("utf8");
  if (path === "/runs/batch") return (JSON.parse(text) as { post: { id: string }[] }).post.map((run) => run.id);
  return [...text.matchAll(/name="post\.([0-9a-f-]{36})"/g)].map((match) => match[1] as string);
}
