import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback OTLP/HTTP endpoint that keeps every request body it receives (the real exporter posts to it). */
export class OtlpCollector {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly bodies: readonly Buffer[],
  ) {}

  static async start(): Promise<OtlpCollector> {
    const bodies: Buffer[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        bodies.push(Buffer.concat(chunks));
        response.writeHead(200, { "content-type": "application/json" });
        response.end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new OtlpCollector(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, bodies);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
