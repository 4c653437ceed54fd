import { currentBudgetSignal, joinSignals } from "../../../callbacks/budget-context.js";
import { RunledgerError } from "../../../callbacks/index.js";
import type { ChatCallSpec, TokenSink } from "./chat-call-spec.js";
import { asRecord, isRecord, omitKeys, type JsonRecord } from "../common/records.js";
import { instrumentCall } from "./instrumented-call.js";
import { serverLocation } from "./openai-hosts.js";
import { anthropicDeltas } from "./wrap-anthropic.js";
import { mergeWrapOptions, type WrapClientOptions } from "./wrap-options.js";

/** Options of `wrapBedrockRuntime`. */
export type WrapBedrockRuntimeOptions = WrapClientOptions;

/** The part of a Smithy middleware stack the wrapper uses (`client.middlewareStack`). */
interface MiddlewareStackShape {
  addRelativeTo(middleware: unknown, options: Record<string, unknown>): void;
}

interface HandlerArgs {
  input: unknown;
}

interface HandlerContext {
  commandName?: string;
  endpointV2?: { url?: unknown };
}

type Next = (args: HandlerArgs) => Promise<unknown>;

const MIDDLEWARE_NAME = "runledgerChatRuns";

// Each client's options: the middleware reads them per call, so wrapping again only merges them.
const clientOptions = new WeakMap<object, WrapClientOptions>();

const CONVERSE_KEYS = {
  provider: "amazon_bedrock",
  runName: "ChatBedrockConverse",
  promptKeys: new Set(["messages", "system"]),
  maxTokensKeys: ["maxTokens"],
  stopKey: "stopSequences",
  view: converseView,
  messages: systemThenMessages,
} as const;

const INVOKE_KEYS = {
  provider: "amazon_bedrock",
  runName: "ChatBedrock",
  promptKeys: new Set(["messages", "system", "prompt", "inputText"]),
  maxTokensKeys: ["max_tokens", "max_gen_len", "maxTokenCount"],
  stopKey: "stop_sequences",
  view: invokeView,
  messages: systemThenMessages,
} as const;

// By the command's name (`context.commandName`); other commands pass through untouched.
const COMMANDS: Readonly<Record<string, ChatCallSpec>> = {
  ConverseCommand: { ...CONVERSE_KEYS, response: outputOf, textDeltas: noDeltas },
  ConverseStreamCommand: {
    ...CONVERSE_KEYS,
    streams: true,
    stream: (result) => asRecord(outputOf(result))?.stream,
    textDeltas: converseDeltas,
  },
  // The token counts of non-Anthropic bodies are in the HTTP response's headers.
  InvokeModelCommand: {
    ...INVOKE_KEYS,
    response: (result) => ({ ...asRecord(outputOf(result)), headers: asRecord(asRecord(result)?.response)?.headers }),
    textDeltas: noDeltas,
  },
  InvokeModelWithResponseStreamCommand: {
    ...INVOKE_KEYS,
    streams: true,
    stream: (result) => asRecord(outputOf(result))?.body,
    event: decodeChunk,
    textDeltas: anthropicDeltas,
  },
};

/**
 * Instruments an AWS `BedrockRuntimeClient` (`@aws-sdk/client-bedrock-runtime`, or the aggregated
 * `BedrockRuntime`) with a middleware on its stack, so that `Converse`, `ConverseStream`,
 * `InvokeModel` and `InvokeModelWithResponseStream` commands report chat-model runs to the ambient
 * handlers (`withCallbacks`, `withUsageMetadata`) and `options.callbacks`: a start with the messages
 * (the `system` prompt first) and parameters (`inferenceConfig`, or the InvokeModel body's), one
 * `handleLLMNewToken` per streamed text delta (decoded by the SDK's own event-stream codec), then an
 * end with usage (cache reads and writes included in the input), tool calls, stop reason and
 * response metadata, or an error. Responses name no model: the `modelId` names the run's usage.
 * The run's metadata records the endpoint's `server_address` / `server_port`.
 *
 * The middleware is added to the client itself, which is returned (AWS clients are extended
 * through their middleware stack); other commands are untouched. A stream the caller stops reading
 * early ends its run as an error (`StreamAbandonedError`) with the partial output. Wrapping again
 * merges the options.
 *
 * @example
 * import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
 * const bedrock = wrapBedrockRuntime(new BedrockRuntimeClient({ region: "us-east-1" }));
 * await bedrock.send(new ConverseCommand({ modelId: "amazon.nova-lite-v1:0", messages }));
 */
export function wrapBedrockRuntime<T extends object>(client: T, options?: WrapBedrockRuntimeOptions): T {
  const stack = (client as { middlewareStack?: MiddlewareStackShape }).middlewareStack;
  if (stack === undefined || typeof stack.addRelativeTo !== "function") {
    throw new RunledgerError(
      "invalid_argument",
      "wrapBedrockRuntime: expected an AWS SDK client with a middlewareStack",
    );
  }
  const given = options ?? {};
  const previous = clientOptions.get(client);
  clientOptions.set(client, previous === undefined ? given : mergeWrapOptions(previous, given));
  if (previous !== undefined) return client;
  // After endpoint resolution (the endpoint is known) and before serialization (the input is the command's).
  const middleware = (next: Next, context: HandlerContext) => (args: HandlerArgs) => {
    const spec = context.commandName === undefined ? undefined : COMMANDS[context.commandName];
    if (spec === undefined || !isRecord(args.input)) return next(args);
    const located: ChatCallSpec = { ...spec, server: serverLocation(context.endpointV2?.url) };
    // The one place a call's request goes on: `input` as the spec prepared it.
    return instrumentCall(located, clientOptions.get(client) ?? {}, args.input, (input) =>
      next(input === args.input ? args : { ...args, input }),
    );
  };
  stack.addRelativeTo(middleware, { relation: "after", toMiddleware: "endpointV2Middleware", name: MIDDLEWARE_NAME });
  sendWithBudgetSignal(client);
  return client;
}

type Send = (this: unknown, command: unknown, optionsOrCallback?: unknown, callback?: unknown) => unknown;

/**
 * Inside `withBudget`, the client's `send` passes the budget's signal as the command's
 * `abortSignal` (joined with the caller's): a middleware cannot set it, the HTTP handler reads it
 * from `send`'s options. Every command sent inside a spent budget is refused, not only model calls.
 */
function sendWithBudgetSignal(client: object): void {
  const send = (client as { send?: unknown }).send;
  if (typeof send !== "function") return;
  const original = send as Send;
  Object.defineProperty(client, "send", {
    value: function sendInBudget(this: unknown, command: unknown, optionsOrCallback?: unknown, callback?: unknown) {
      const budget = currentBudgetSignal();
      if (budget === undefined) return original.call(this, command, optionsOrCallback, callback);
      // `send(command, callback)` takes no options: they go before the callback.
      if (typeof optionsOrCallback === "function")
        return original.call(this, command, { abortSignal: budget }, optionsOrCallback);
      const options = isRecord(optionsOrCallback) ? optionsOrCallback : {};
      const abortSignal = joinSignals(options.abortSignal, budget);
      return original.call(this, command, { ...options, abortSignal }, callback);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

function outputOf(result: unknown): unknown {
  return asRecord(result)?.output;
}

/** `{ modelId, inferenceConfig, … }` → the model, the inference parameters and the prompt at the top. */
function converseView(request: JsonRecord): JsonRecord {
  const config = asRecord(request.inferenceConfig) ?? {};
  return { model: request.modelId, ...omitKeys(request, VIEW_DROP), ...config };
}

const VIEW_DROP: ReadonlySet<string> = new Set(["modelId", "inferenceConfig", "body"]);

/** `{ modelId, body }` → the model and the JSON body's fields (an Anthropic, Llama, Titan, … request). */
function invokeView(request: JsonRecord): JsonRecord {
  return { model: request.modelId, ...omitKeys(request, VIEW_DROP), ...decodeJson(request.body) };
}

function systemThenMessages(request: JsonRecord): unknown[] {
  const messages: unknown[] = [];
  if (request.system !== undefined) messages.push({ role: "system", content: request.system });
  if (Array.isArray(request.messages)) messages.push(...request.messages);
  else if (typeof request.prompt === "string") messages.push({ role: "user", content: request.prompt });
  else if (typeof request.inputText === "string") messages.push({ role: "user", content: request.inputText });
  return messages;
}

/** One InvokeModelWithResponseStream item, `{ chunk: { bytes } }`: the model's JSON event inside. */
function decodeChunk(item: JsonRecord): JsonRecord | undefined {
  return decodeJson(asRecord(item.chunk)?.bytes);
}

const utf8 = new TextDecoder();

function decodeJson(body: unknown): JsonRecord | undefined {
  const text = typeof body === "string" ? body : body instanceof Uint8Array ? utf8.decode(body) : undefined;
  if (text === undefined) return asRecord(body);
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function converseDeltas(event: JsonRecord, sink: TokenSink): void {
  const delta = asRecord(asRecord(event.contentBlockDelta)?.delta);
  const text = delta?.text;
  if (typeof text === "string" && text.length > 0) sink.token(text, 0, event);
}

function noDeltas(): void {}
