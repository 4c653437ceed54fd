import { randomBytes } from "node:crypto";

/** One named part of a multipart/form-data body: JSON text, or bytes of a given media type. */
export type MultipartPart = { name: string; json: string } | { name: string; contentType: string; data: Uint8Array };

/** A multipart/form-data body and the Content-Type header that announces its boundary. */
export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

// Bytes a part adds besides its data: boundary line, two header lines, blank line, CRLF after the data.
const PART_OVERHEAD = 160;

/**
 * Encodes parts as multipart/form-data the way the langsmith client does for `/runs/multipart`:
 * each part has `Content-Disposition: form-data; name="…"` and `Content-Type: <type>; length=<bytes>`
 * (`application/json` for JSON parts, the attachment's own type for bytes).
 *
 * @example
 * const { contentType, body } = encodeMultipart([{ name: `post.${run.id}`, json: JSON.stringify(run) }]);
 */
export function encodeMultipart(parts: readonly MultipartPart[]): MultipartBody {
  const boundary = `----LangSmithFormBoundary${randomBytes(12).toString("hex")}`;
  // JSON parts are written as one text and encoded once (a request carries ~7 parts per run); bytes
  // parts end the text written so far and go in as they are.
  const chunks: Buffer[] = [];
  let text = "";
  for (const part of parts) {
    const json = "json" in part;
    const length = json ? Buffer.byteLength(part.json) : part.data.byteLength;
    text +=
      `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n` +
      `Content-Type: ${json ? "application/json" : part.contentType}; length=${length}\r\n\r\n`;
    if (json) text += `${part.json}\r\n`;
    else {
      chunks.push(Buffer.from(text), Buffer.from(part.data));
      text = "\r\n";
    }
  }
  chunks.push(Buffer.from(`${text}--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/**
 * The bytes a part takes in a multipart body, near enough to bound a request's size (its data plus
 * a fixed allowance for the headers).
 *
 * @example
 * partBytes({ name: "post.1", json: "{}" }); // 162
 */
export function partBytes(part: MultipartPart): number {
  return PART_OVERHEAD + ("json" in part ? Buffer.byteLength(part.json) : part.data.byteLength);
}
