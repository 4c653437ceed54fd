import type { Run } from "../../schemas/index.js";
import { emitWarning } from "../../callbacks/warnings.js";
import type { MultipartPart } from "./multipart.js";

/**
 * A run's attachments as `/runs/multipart` parts `attachment.{run_id}.{name}`, each with its own media
 * type, as the langsmith client sends them. `run.attachments` takes the client's shapes: `{ name:
 * [mimeType, bytes] }` or `{ name: { mimeType, data } }`, bytes a `Uint8Array` or `ArrayBuffer`.
 * Entries of another shape, and names with a `.` (the part name's separator; the client skips them
 * too), a quote or a line break (they would break the part's header), are skipped with a warning.
 *
 * @example
 * attachmentParts({ ...run, attachments: { chart: ["image/png", png] } });
 * // → [{ name: `attachment.${run.id}.chart`, contentType: "image/png", data: png }]
 */
export function attachmentParts(run: Run): MultipartPart[] {
  const attachments = run.attachments;
  if (attachments === undefined || attachments === null) return [];
  const parts: MultipartPart[] = [];
  for (const [name, value] of Object.entries(attachments)) {
    const attachment = readAttachment(value);
    if (attachment === undefined || !SENDABLE_NAME.test(name)) {
      emitWarning("invalid_attachment", `attachment "${name.slice(0, 100)}" of run ${run.id} skipped: not sendable`);
      continue;
    }
    parts.push({ name: `attachment.${run.id}.${name}`, ...attachment });
  }
  return parts;
}

const SENDABLE_NAME = /^[^."\r\n]+$/;

function readAttachment(value: unknown): { contentType: string; data: Uint8Array } | undefined {
  let [type, data]: unknown[] = [];
  if (Array.isArray(value)) [type, data] = value as unknown[];
  else if (typeof value === "object" && value !== null) {
    ({ mimeType: type, data } = value as { mimeType?: unknown; data?: unknown });
  }
  // A media type is one header token: no CR/LF that could forge part headers.
  if (typeof type !== "string" || !/^[\w.+-]+\/[\w.+-]+$/.test(type)) return undefined;
  if (data instanceof Uint8Array) return { contentType: type, data };
  if (data instanceof ArrayBuffer) return { contentType: type, data: new Uint8Array(data) };
  return undefined;
}
