import { isTokenCount } from "../../../schemas/usage-parse.js";
import { describeValue, type JsonRecord } from "./records.js";

/**
 * Reads token counts out of an untrusted usage record. A missing or null count reads as undefined;
 * a negative, fractional, NaN or non-numeric one also reads as undefined and is recorded as a problem
 * naming the field and the value, so the caller can refuse the whole usage rather than report it wrong.
 */
export class CountReader {
  readonly problems: string[] = [];

  /** The count at `record[key]`; `path` names the record in problem messages (e.g. `usage`). */
  read(record: JsonRecord | undefined, key: string, path: string): number | undefined {
    if (record === undefined) return undefined;
    const value = record[key];
    if (value === undefined || value === null) return undefined;
    if (isTokenCount(value)) return value;
    this.problems.push(`${path}.${key}: ${describeValue(value)} is not a non-negative integer`);
    return undefined;
  }

  /** Like `read`, for records whose SDKs spell keys either camelCase or snake_case. */
  readEither(record: JsonRecord | undefined, camel: string, snake: string, path: string): number | undefined {
    if (record === undefined) return undefined;
    return record[camel] !== undefined && record[camel] !== null
      ? this.read(record, camel, path)
      : this.read(record, snake, path);
  }

  /** A count sent as an HTTP header value: decimal digits only (headers are text, and may be hostile). */
  readHeader(value: unknown, name: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    const text = Array.isArray(value) ? value[0] : value;
    if (typeof text === "string" && /^\s*\d{1,15}\s*$/.test(text)) return Number(text.trim());
    this.problems.push(`header ${name}: ${describeValue(value)} is not a non-negative integer`);
    return undefined;
  }
}
