import { createServer as createTcpServer, type AddressInfo, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Run } from "../../schemas/index.js";
import { LangSmithRunExporter } from "../../src/export/index.js";
import { captureWarnings } from "../support/warnings-capture.js";
import { makeRun } from "./helpers.js";
import { RecordingLangSmith, type ReceivedRequest } from "../support/recording-langsmith.js";

const warnings = captureWarnings();
let server: RecordingLangSmith;
let other: RecordingLangSmith;

beforeEach(async () => {
  [server, other] = await Promise.all([RecordingLangSmith.start(), RecordingLangSmith.start()]);
});

afterEach(async () => {
  await Promise.all([server.close(), other.close()]);
});

function exporter(options: { apiUrl?: string; timeoutMillis?: number } = {}): LangSmithRunExporter {
  return new LangSmithRunExporter({ apiUrl: server.url, apiKey: "secret-key", projectName: "p", ...options });
}

/** Runs whose inputs are `bytes` long, so a request's size is known. */
function runsOf(count: number, bytes: number): Run[] {
  return Array.from({ length: count }, (_, i) => makeRun(`run-${i}`, { inputs: { text: "x".repeat(bytes) } }));
}

/** Run ids of the post parts a request carried. */
function postedIds(request: ReceivedRequest): string[] {
  return request.parts.filter((part) => /^post\.[^.]+$/.test(part.name)).map((part) => part.name.slice(5));
}

/** Every run id the server answered 2xx for, with how often. */
function delivered(requests: readonly ReceivedRequest[], accepted: Set<ReceivedRequest>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) {
    if (!accepted.has(request)) continue;
    for (const id of postedIds(request)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe("LangSmithRunExporter: GET /info", () => {
  it("is read once and cached across exports; its size limit bounds every request", async () => {
    server.info = { batch_ingest_config: { use_multipart_endpoint: true, size_limit_bytes: 5_000 } };
    const target = exporter();
    const runs = runsOf(12, 1_000);
    expect(await target.export(runs.slice(0, 6))).toEqual({ code: "success" });
    expect(await target.export(runs.slice(6))).toEqual({ code: "success" });
    expect(server.requests.filter((request) => request.path === "/info")).toHaveLength(1);
    expect(server.ingest.length).toBeGreaterThanOrEqual(4); // 12 runs of ~1.5 kB in 5 kB requests
    for (const request of server.ingest) expect(request.body.length).toBeLessThanOrEqual(5_000);
    const ids = server.ingest.flatMap(postedIds);
    expect(ids.sort()).toEqual(runs.map((run) => run.id).sort()); // each run exactly once
  });

  it.each([
    ["a 500", { status: 500, body: "oops" }],
    ["a 200 that is not JSON", { status: 200, body: "<html>login</html>" }],
    ["a 200 longer than any server info", { status: 200, body: `{"x":"${"y".repeat(100_000)}"}` }],
  ])("an /info answered with %s: the client's defaults, one warning, asked again next export", async (_, reply) => {
    server.infoReply = reply;
    const target = exporter();
    expect(await target.export(runsOf(2, 10))).toEqual({ code: "success" });
    expect(await target.export(runsOf(2, 10))).toEqual({ code: "success" });
    expect(server.requests.map((request) => request.path)).toEqual([
      "/info",
      "/runs/multipart",
      "/info",
      "/runs/multipart",
    ]);
    expect(server.ingest.every((request) => request.headers["content-encoding"] === undefined)).toBe(true);
    expect(warnings.filter((warning) => warning.code === "langsmith_info_failed")).toHaveLength(1);
  });

  it("an /info without the endpoint (404), or with fields it cannot read, is an answer: cached", async () => {
    const without = exporter();
    await without.export(runsOf(1, 10));
    await without.export(runsOf(1, 10));
    server.info = { batch_ingest_config: "garbage", instance_flags: { gzip_body_enabled: "yes" } };
    const unreadable = exporter();
    await unreadable.export(runsOf(1, 10));
    await unreadable.export(runsOf(1, 10));
    expect(server.requests.filter((request) => request.path === "/info")).toHaveLength(2);
    expect(server.ingest.map((request) => [request.path, request.headers["content-encoding"]])).toEqual(
      Array.from({ length: 4 }, () => ["/runs/multipart", undefined]),
    );
    expect(warnings.filter((warning) => warning.code === "langsmith_info_failed")).toEqual([]);
  });

  it("gzips request bodies when /info enables it, as the langsmith client does", async () => {
    server.info = { instance_flags: { gzip_body_enabled: true } };
    const runs = runsOf(3, 5_000);
    expect(await exporter().export(runs)).toEqual({ code: "success" });
    const [request] = server.ingest;
    expect(request?.headers["content-encoding"]).toBe("gzip");
    expect(request?.wireBytes).toBeLessThan((request?.body.length ?? 0) / 10);
    expect(postedIds(request as ReceivedRequest)).toEqual(runs.map((run) => run.id));
  });

  it("uses /runs/batch when /info says the multipart endpoint is off", async () => {
    server.info = { batch_ingest_config: { use_multipart_endpoint: false } };
    const runs = runsOf(3, 10);
    expect(await exporter().export(runs)).toEqual({ code: "success" });
    expect(server.ingest.map((request) => request.path)).toEqual(["/runs/batch"]);
    const body = JSON.parse(server.ingest[0]?.body.toString("utf8") ?? "") as { post: Run[]; patch: unknown[] };
    expect(body.post.map((run) => run.id)).toEqual(runs.map((run) => run.id));
    expect(body.patch).toEqual([]);
  });
});

describe("LangSmithRunExporter: 413", () => {
  it("splits a refused request in halves until each fits; a single run too large is dropped and counted", async () => {
    const accepted = new Set<ReceivedRequest>();
    server.answer = (request, response) => {
      if (request.body.length > 6_000) return void response.writeHead(413).end('{"detail":"too large"}');
      accepted.add(request);
      response.writeHead(202).end("{}");
    };
    const runs = [...runsOf(9, 1_000), ...runsOf(1, 20_000), ...runsOf(6, 1_000)];
    const target = exporter();
    expect(await target.export(runs)).toEqual({ code: "success" });
    const huge = runs[9] as Run;
    const counts = delivered(server.ingest, accepted);
    expect([...counts.keys()].sort()).toEqual(
      runs
        .filter((run) => run !== huge)
        .map((run) => run.id)
        .sort(),
    );
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(target.droppedTooLarge).toBe(1);
    expect(warnings.filter((warning) => warning.code === "run_too_large")).toHaveLength(1);
  });
});

describe("LangSmithRunExporter: an endpoint that misbehaves", () => {
  it("an endless response body is cut off and counted a failure", async () => {
    let written = 0;
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    server.answer = (_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = (): void => {
        while (!response.destroyed && response.write(chunk)) written += chunk.length;
        if (!response.destroyed) response.once("drain", pump);
      };
      response.on("close", closed);
      pump();
    };
    const result = await exporter().export(runsOf(1, 10));
    expect(result.code).toBe("failed");
    expect(String((result as { error?: Error }).error?.message)).toMatch(/over 65536 bytes; cut off/);
    await connectionClosed; // the exporter hung up: the server stopped writing
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it("a 2xx whose body is not JSON is a failure", async () => {
    server.answer = (_request, response) => void response.writeHead(200).end("<html>hello</html>");
    expect((await exporter().export(runsOf(1, 10))).code).toBe("failed");
  });

  it("a peer that does not speak HTTP is a failure that retrying will not fix", async () => {
    const sockets = new Set<Socket>();
    const garbage = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on("data", () => socket.end("GARBAGE\r\nnot http at all\r\n\r\n"));
    });
    await new Promise<void>((resolve) => garbage.listen(0, "127.0.0.1", resolve));
    try {
      const apiUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
      const result = await exporter({ apiUrl }).export(runsOf(1, 10));
      expect(result.code).toBe("failed");
      expect(warnings.some((warning) => warning.code === "langsmith_info_failed")).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => garbage.close(resolve));
    }
  });

  it("a redirect to another origin is not followed: a failure, and no credential leaves the origin", async () => {
    server.info = { batch_ingest_config: { use_multipart_endpoint: true } };
    server.answer = (_request, response) =>
      void response.writeHead(307, { location: `${other.url}/runs/multipart` }).end();
    const result = await exporter().export(runsOf(1, 10));
    expect(result.code).toBe("failed");
    expect(String((result as { error?: Error }).error?.message)).toMatch(/another origin/);
    expect(other.requests).toEqual([]);
  });

  it("an endpoint redirecting everything (/info included) to another origin: nothing reaches it", async () => {
    server.redirectTo = other.url;
    expect((await exporter().export(runsOf(1, 10))).code).toBe("failed");
    expect(server.requests.map((request) => request.path)).toEqual(["/info", "/runs/multipart"]);
    expect(other.requests).toEqual([]);
    expect(warnings.some((warning) => warning.code === "langsmith_info_failed")).toBe(true);
  });

  it("a redirect within the origin is followed, credentials included", async () => {
    server.answer = (request, response) => {
      if (request.path === "/runs/multipart") {
        return void response.writeHead(307, { location: "/api/v1/runs/multipart" }).end();
      }
      response.writeHead(202).end("{}");
    };
    const runs = runsOf(2, 10);
    expect(await exporter().export(runs)).toEqual({ code: "success" });
    expect(server.ingest.map((request) => [request.path, request.headers["x-api-key"]])).toEqual([
      ["/runs/multipart", "secret-key"],
      ["/api/v1/runs/multipart", "secret-key"],
    ]);
    expect(postedIds(server.ingest[1] as ReceivedRequest)).toEqual(runs.map((run) => run.id));
  });
});

describe("LangSmithRunExporter: attachments", () => {
  it("sends each attachment as its own part; unsendable names and shapes are skipped with a warning", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const run = makeRun("with-files", {
      attachments: {
        ok: ["text/plain", bytes],
        asObject: { mimeType: "application/pdf", data: bytes.buffer },
        "has.dot": ["text/plain", bytes], // the part name's separator: the langsmith client skips it too
        'quote"d': ["text/plain", bytes],
        badType: ["text/plain\r\nX-Injected: 1", bytes],
        notBytes: ["text/plain", "a string"],
      },
    });
    expect(await exporter().export([run])).toEqual({ code: "success" });
    const attachments = server.ingest[0]?.parts.filter((part) => part.name.startsWith("attachment."));
    expect(attachments?.map((part) => [part.name, part.contentType, [...part.data]])).toEqual([
      [`attachment.${run.id}.ok`, "text/plain", [1, 2, 3]],
      [`attachment.${run.id}.asObject`, "application/pdf", [1, 2, 3]],
    ]);
    expect(warnings.filter((warning) => warning.code === "invalid_attachment")).toHaveLength(4);
    // The bytes are not also sent as JSON in the run.
    expect(server.ingest[0]?.parts.find((part) => part.name === `post.${run.id}`)?.data.toString()).not.toMatch(
      /attachments/,
    );
  });
});
