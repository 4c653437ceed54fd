import { randomBytes } from "node:crypto";

/** One named JSON part of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  /** The part's JSON text. */
  json: string;
}

/** A multipart/form-data body and the Content-Type header that announces its boundary. */
export interface MultipartBody {
  contentType: string;
  body: Buffer;
}

/**
 * Encodes JSON parts as multipart/form-data the way the langsmith client does for `/runs/multipart`:
 * each part has `Content-Disposition: form-data; name="…"` and `Content-Type: application/json;
 * length=<bytes>`.
 *
 * @example
 * const { contentType, body } = encodeMultipart([{ name: `post.${run.id}`, json: JSON.stringify(run) }]);
 */
export function encodeMultipart(parts: readonly MultipartPart[]): MultipartBody {
  const boundary = `----LangSmithFormBoundary${randomBytes(12).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const data = Buffer.from(part.json);
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n` +
          `Content-Type: application/json; length=${data.length}\r\n\r\n`,
      ),
      data,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
