import type { ChatCompletionsProfile } from "./openai-chat.js";
import type { JsonRecord } from "../common/records.js";

/** ChatMistralAI: OpenAI's format without detail maps, the model also reported under `model`. */
export const MISTRAL_CHAT_PROFILE: ChatCompletionsProfile = {
  provider: "mistralai",
  modelProvider: "mistralai",
  emptyDetailMaps: false,
  modelKey: true,
};

/** Mistral's own model families; other hosts prefix them (e.g. "mistralai/Mixtral-8x7B"). */
const MISTRAL_MODEL =
  /^(mistral|open-mistral|open-mixtral|open-codestral|codestral|pixtral|ministral|magistral|devstral|voxtral)-/;

/**
 * Mistral's API answers in the Chat Completions shape with nothing provider-specific in it except
 * the model name, so the model family is the only hint.
 */
export function looksLikeMistral(raw: JsonRecord): boolean {
  return typeof raw.model === "string" && MISTRAL_MODEL.test(raw.model);
}
