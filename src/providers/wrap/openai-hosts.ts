import type { ProviderName } from "../common/types.js";

/** Where a client's calls go, read from its base URL (OpenTelemetry's `server.address` / `server.port`). */
export interface ServerLocation {
  /** The host name of the base URL (lower case, no brackets around IPv6 addresses). */
  readonly address?: string;
  /** The port of the base URL: the explicit one, else the scheme's default (443 / 80). */
  readonly port?: number;
}

/**
 * The service that served a wrapped call, when the wrapper knows it: who it is (the run's
 * `ls_provider`) and, when known, where it was reached.
 */
export interface ServingHost extends ServerLocation {
  /** LangChain's `ls_provider` name of the host (`openai`, `azure`, `groq`, `deepseek`, `ollama`, …). */
  readonly provider: string;
}

/** The host behind an OpenAI-compatible client, and how to read its payloads. */
export interface OpenAIHost extends ServingHost {
  /** The payload rule of Chat Completions responses from this host. */
  readonly chatPayload: ProviderName;
  /** The payload rule of Responses API responses from this host. */
  readonly responsesPayload: ProviderName;
}

interface HostRule {
  readonly provider: string;
  readonly chatPayload?: ProviderName;
  readonly responsesPayload?: ProviderName;
}

// Host names as the providers document their OpenAI-compatible base URLs, and the `ls_provider` LangChain's
// chat model class for that provider reports (ChatGroq "groq", ChatTogether "together", ChatFireworks
// "fireworks", ChatDeepSeek "deepseek", ChatXAI "xai", ChatOllama "ollama", AzureChatOpenAI "azure", …).
// A host whose responses carry provider-specific fields (Groq's `x_groq`, Together's and Fireworks' usage
// quirks, Mistral's) is read by its own payload rule; the others answer in OpenAI's format.
const HOSTS: Readonly<Record<string, HostRule>> = {
  "api.openai.com": { provider: "openai" },
  "api.groq.com": { provider: "groq", chatPayload: "groq", responsesPayload: "groq" },
  "api.together.xyz": { provider: "together", chatPayload: "together" },
  "api.together.ai": { provider: "together", chatPayload: "together" },
  "api.fireworks.ai": { provider: "fireworks", chatPayload: "fireworks" },
  "openrouter.ai": { provider: "openrouter" },
  "api.deepseek.com": { provider: "deepseek" },
  "api.x.ai": { provider: "xai" },
  "api.mistral.ai": { provider: "mistralai", chatPayload: "mistralai" },
  "api.perplexity.ai": { provider: "perplexity" },
  "api.cerebras.ai": { provider: "cerebras" },
  "generativelanguage.googleapis.com": { provider: "google_genai" },
};

// Azure OpenAI resources: `<resource>.openai.azure.com`, and the AI Foundry / Cognitive Services endpoints.
const AZURE_SUFFIXES = [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"];

// Local servers are told apart by their default port (Ollama 11434; vLLM 8000 and LM Studio 1234 speak
// plain OpenAI); any other host is an OpenAI-compatible server reported as `openai`.
const OLLAMA_PORT = 11434;

/**
 * Names the host an OpenAI client talks to from its base URL (and its class, for `AzureOpenAI`
 * clients on custom domains), so runs, usage, cost and spans are attributed to the service that
 * served the call.
 *
 * | base URL host | `ls_provider` | payload rule |
 * | --- | --- | --- |
 * | api.openai.com | openai | openai |
 * | `*.openai.azure.com`, `*.cognitiveservices.azure.com`, `*.services.ai.azure.com`, `AzureOpenAI` | azure | openai |
 * | api.groq.com | groq | groq |
 * | api.together.xyz, api.together.ai | together | together |
 * | api.fireworks.ai | fireworks | fireworks |
 * | openrouter.ai | openrouter | openai |
 * | api.deepseek.com | deepseek | openai |
 * | api.x.ai | xai | openai |
 * | api.mistral.ai | mistralai | mistralai |
 * | api.perplexity.ai | perplexity | openai |
 * | api.cerebras.ai | cerebras | openai |
 * | generativelanguage.googleapis.com | google_genai | openai |
 * | any host on port 11434 (Ollama) | ollama | openai |
 * | anything else (vLLM, LM Studio, proxies) | openai | openai |
 *
 * @example
 * servingHost("https://api.groq.com/openai/v1");
 * // { provider: "groq", chatPayload: "groq", responsesPayload: "groq", address: "api.groq.com", port: 443 }
 */
export function servingHost(baseURL: unknown, clientClass?: string): OpenAIHost {
  const location = serverLocation(baseURL);
  const rule = ruleFor(location.address, location.port, clientClass);
  return {
    provider: rule.provider,
    chatPayload: rule.chatPayload ?? "openai",
    responsesPayload: rule.responsesPayload ?? "openai",
    ...location,
  };
}

/**
 * The server address and port of a base URL (a string or URL); empty when it is not one.
 *
 * @example
 * serverLocation("https://bedrock-runtime.us-east-1.amazonaws.com"); // { address: "bedrock-runtime.us-east-1.amazonaws.com", port: 443 }
 */
export function serverLocation(baseURL: unknown): ServerLocation {
  const url = parseURL(baseURL);
  const address = url === undefined ? undefined : url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (url === undefined || address === undefined || address === "") return {};
  const port = portOf(url);
  return port === undefined ? { address } : { address, port };
}

function ruleFor(address: string | undefined, port: number | undefined, clientClass: string | undefined): HostRule {
  if (clientClass === "AzureOpenAI") return { provider: "azure" };
  if (address === undefined) return { provider: "openai" };
  const known = HOSTS[address];
  if (known !== undefined) return known;
  if (AZURE_SUFFIXES.some((suffix) => address.endsWith(suffix))) return { provider: "azure" };
  if (port === OLLAMA_PORT) return { provider: "ollama" };
  return { provider: "openai" };
}

function parseURL(baseURL: unknown): URL | undefined {
  if (typeof baseURL !== "string" && !(baseURL instanceof URL)) return undefined;
  try {
    return new URL(baseURL);
  } catch {
    return undefined;
  }
}

function portOf(url: URL): number | undefined {
  if (url.port !== "") return Number(url.port);
  if (url.protocol === "https:") return 443;
  if (url.protocol === "http:") return 80;
  return undefined;
}

/**
 * The run metadata that records where a wrapped client's call went: `server_address` (the base URL's
 * host name) and `server_port` (a number). The OpenTelemetry handler maps them to the spans'
 * `server.address` and `server.port`; absent when the client's base URL is unknown.
 *
 * @example
 * serverMetadata(servingHost("http://localhost:11434/v1")); // { server_address: "localhost", server_port: 11434 }
 */
export function serverMetadata(host: ServerLocation | undefined): Record<string, string | number> | undefined {
  if (host?.address === undefined) return undefined;
  return host.port === undefined
    ? { server_address: host.address }
    : { server_address: host.address, server_port: host.port };
}
