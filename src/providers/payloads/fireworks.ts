import type { ChatCompletionsProfile } from "./openai-chat.js";
import type { JsonRecord } from "../common/records.js";

/** ChatFireworks: OpenAI's format, no empty detail maps, system_fingerprint defaulting to "". */
export const FIREWORKS_CHAT_PROFILE: ChatCompletionsProfile = {
  provider: "fireworks",
  modelProvider: "fireworks",
  emptyDetailMaps: false,
  systemFingerprintDefault: "",
  modelKey: false,
};

/** Fireworks model ids live under `accounts/<account>/models/`. */
export function looksLikeFireworks(raw: JsonRecord): boolean {
  return typeof raw.model === "string" && /^accounts\/[^/]+\/models\//.test(raw.model);
}
