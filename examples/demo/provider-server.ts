import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  anthropicOverloaded,
  anthropicSummary,
  openaiAnswerChunks,
  openaiToolCall,
  triageAnswer,
} from "./recordings.js";

/** A running loopback provider: its base URLs and a way to stop it. */
export interface ProviderServer {
  openaiBaseURL: string;
  anthropicBaseURL: string;
  close(): Promise<void>;
}

/**
 * Serves recorded OpenAI and Anthropic responses on 127.0.0.1 (a free port), so the demo runs the
 * real SDK clients (and the AI SDK's OpenAI provider) with no network. The first Anthropic call answers 529 (overloaded), to show a
 * failed call and its retry in the trace.
 */
export async function startProviderServer(): Promise<ProviderServer> {
  let anthropicCalls = 0;
  const server = createServer((request, response) => {
    void readJson(request).then((body) => {
      if (request.url?.endsWith("/chat/completions")) return answerOpenAI(body, response);
      if (request.url?.endsWith("/messages")) {
        anthropicCalls++;
        return anthropicCalls === 1
          ? sendJson(response, 529, anthropicOverloaded)
          : sendJson(response, 200, anthropicSummary);
      }
      sendJson(response, 404, { error: { message: `no recording for ${request.method} ${request.url}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    openaiBaseURL: `http://127.0.0.1:${port}/v1`,
    anthropicBaseURL: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answerOpenAI(body: Record<string, unknown>, response: ServerResponse): void {
  if (body.model === "gpt-4.1-nano") return sendJson(response, 200, triageAnswer);
  if (body.stream !== true) return sendJson(response, 200, openaiToolCall);
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const chunk of openaiAnswerChunks(includeUsage)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
  response.end("data: [DONE]\n\n");
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}
