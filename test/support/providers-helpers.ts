import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { UsageMetadata } from "../../schemas/index.js";
import {
  StreamAccumulator,
  type NormalizeOptions,
  type ProviderName,
  type StreamResult,
} from "../../src/providers/index.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const FIXTURES_DIR = path.resolve(repoRoot, "../shared/fixtures/providers");

/** Fixture folder names that are not runledger provider names (the fixtures README maps them). */
const FOLDER_PROVIDERS: Readonly<Record<string, ProviderName>> = { bedrock: "amazon_bedrock", mistral: "mistralai" };

export interface Fixture {
  file: string;
  folder: string;
  provider: ProviderName;
  streaming: boolean;
  raw: unknown;
  expected_usage: UsageMetadata | null;
  better_expected_usage?: UsageMetadata | null;
  expected_model_name: string | null;
  better_expected_model_name?: string | null;
  expected_finish_reason: unknown;
  finish_reason_key: string | null;
  expected_response_metadata?: Record<string, unknown>;
  expected_response_metadata_subset?: Record<string, unknown>;
}

/** Every fixture in the shared folder, discovered by listing it. */
export function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const folder of readdirSync(FIXTURES_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(path.join(FIXTURES_DIR, folder.name))) {
      if (!file.endsWith(".json")) continue;
      const data = JSON.parse(readFileSync(path.join(FIXTURES_DIR, folder.name, file), "utf8")) as Omit<
        Fixture,
        "file" | "folder" | "provider"
      >;
      fixtures.push({
        ...data,
        file: `${folder.name}/${file}`,
        folder: folder.name,
        provider: FOLDER_PROVIDERS[folder.name] ?? (folder.name as ProviderName),
      });
    }
  }
  return fixtures;
}

/** The fixtures README: an empty detail map and an absent one are equivalent. */
export function withoutEmptyDetails(usage: UsageMetadata | null | undefined): UsageMetadata | undefined {
  if (usage === null || usage === undefined) return undefined;
  const copy: UsageMetadata = { ...usage };
  for (const key of ["input_token_details", "output_token_details"] as const) {
    const details = copy[key];
    if (details !== undefined && Object.keys(details).length === 0) delete copy[key];
  }
  return copy;
}

/** Runs chunks through a fresh accumulator. */
export function accumulate(chunks: readonly unknown[], options: NormalizeOptions = {}): StreamResult {
  const accumulator = new StreamAccumulator(options);
  for (const chunk of chunks) accumulator.add(chunk);
  return accumulator.result();
}

// Warning capture is shared by every suite.
export { captureWarnings } from "./warnings-capture.js";

/** A deep copy, so a test can edit a fixture payload without touching the shared one. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
