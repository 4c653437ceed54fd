import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/** One AWS event-stream message, framed by the SDK's own codec. */
export function awsEventFrame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ":message-type": { type: "string", value: "event" },
      ":event-type": { type: "string", value: eventType },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** Bedrock ConverseStream: each event `{ <type>: payload }` is a message of that event type. */
export function converseFrames(events: readonly Record<string, unknown>[]): Uint8Array[] {
  return events.map((event) => {
    const [type, payload] = Object.entries(event)[0] as [string, unknown];
    return awsEventFrame(type, payload);
  });
}

/** A real Bedrock runtime client that sends to the loopback server at `endpoint`. */
export function loopbackBedrockClient(endpoint: string): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: "us-east-1",
    endpoint,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
    // The client's default handler speaks HTTP/2 (for bidirectional streams); the loopback server HTTP/1.1.
    requestHandler: new NodeHttpHandler(),
  });
}
