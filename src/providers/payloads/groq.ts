import type { ChatCompletionsProfile } from "./openai-chat.js";
import { asRecord, type JsonRecord } from "../common/records.js";
import type { ResponsesProfile } from "./openai-responses.js";

/**
 * ChatGroq: OpenAI's format and usage rule, detail maps only when there are details, and the
 * service tier reported as "on_demand" (Groq's default) when the response names none.
 */
export const GROQ_CHAT_PROFILE: ChatCompletionsProfile = {
  provider: "groq",
  modelProvider: "groq",
  emptyDetailMaps: false,
  systemFingerprintDefault: "",
  serviceTierDefault: "on_demand",
  modelKey: false,
};

/** Groq also serves the Responses API; langchain-groq converts its usage with the same rule. */
export const GROQ_RESPONSES_PROFILE: ResponsesProfile = {
  provider: "groq",
  modelProvider: "groq",
  emptyDetailMaps: false,
};

/** Groq marks its payloads with an `x_groq` object and timing fields in `usage`. */
export function looksLikeGroq(raw: JsonRecord): boolean {
  return asRecord(raw.x_groq) !== undefined || asRecord(raw.usage)?.queue_time !== undefined;
}
