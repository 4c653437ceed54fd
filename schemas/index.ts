export * from "./usage.js";
export * from "./usage-math.js";
export * from "./usage-parse.js";
export * from "./run.js";
export * from "./response-metadata.js";
export * from "./llm-result.js";
export * from "./cost.js";
