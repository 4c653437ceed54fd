import type { ChatCompletionsProfile } from "./openai-chat.js";
import { asArray, asRecord, type JsonRecord } from "../common/records.js";

/**
 * ChatTogether is langchain-openai's BaseChatOpenAI pointed at Together, so its metadata is
 * langchain-openai's, down to `model_provider: "openai"`.
 */
export const TOGETHER_CHAT_PROFILE: ChatCompletionsProfile = {
  provider: "together",
  modelProvider: "openai",
  emptyDetailMaps: true,
  systemFingerprintDefault: "",
  modelKey: false,
};

/** Together echoes `prompt: []` in responses and sends `token_id` and `text` with stream deltas. */
export function looksLikeTogether(raw: JsonRecord): boolean {
  if (Array.isArray(raw.prompt)) return true;
  const choice = asRecord(asArray(raw.choices)?.[0]);
  return asRecord(choice?.delta)?.token_id !== undefined;
}
