/** Where and as whom the LangSmith exporter sends runs. */
export interface LangSmithConfig {
  apiUrl: string;
  apiKey: string | undefined;
  projectName: string;
  workspaceId: string | undefined;
}

/** LangSmith's cloud endpoint, the default when `LANGSMITH_ENDPOINT` is not set. */
const DEFAULT_LANGSMITH_ENDPOINT = "https://api.smith.langchain.com";

/**
 * The LangSmith settings: explicit values first, then the environment as the `langsmith` package
 * reads it (`LANGSMITH_*`, falling back to `LANGCHAIN_*`; `LANGCHAIN_SESSION` for the project).
 *
 * @example
 * resolveLangSmithConfig({ projectName: "checkout" }).apiUrl; // "https://api.smith.langchain.com"
 */
export function resolveLangSmithConfig(explicit: Partial<LangSmithConfig> = {}): LangSmithConfig {
  const apiUrl = trimQuotes(explicit.apiUrl ?? env("ENDPOINT")) ?? DEFAULT_LANGSMITH_ENDPOINT;
  return {
    apiUrl: apiUrl.replace(/\/+$/, ""),
    apiKey: trimQuotes(explicit.apiKey ?? env("API_KEY")),
    projectName: explicit.projectName ?? env("PROJECT") ?? nonEmpty(process.env.LANGCHAIN_SESSION) ?? "default",
    workspaceId: trimQuotes(explicit.workspaceId ?? env("WORKSPACE_ID")),
  };
}

function env(name: string): string | undefined {
  return nonEmpty(process.env[`LANGSMITH_${name}`]) ?? nonEmpty(process.env[`LANGCHAIN_${name}`]);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

// Values pasted into .env files often keep their quotes; langsmith strips them too.
function trimQuotes(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return nonEmpty(
    value
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .replace(/^'(.*)'$/, "$1"),
  );
}
