// Lint rules, and the layering of ARCHITECTURE.md enforced as import restrictions: an upward import fails CI.
import { readdirSync, statSync } from "node:fs";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// src/ folders and the src/ folders each may import (besides schemas/ and callbacks/). A new folder must be
// placed here, or lint fails: the architecture is stated once, in one place.
const SRC_LAYERS = {
  shared: [],
  cost: ["shared"],
  export: ["shared"],
  providers: ["shared"],
  "ai-sdk": ["shared", "providers"],
  tracing: ["shared", "export", "cost"],
  otel: ["shared", "export", "tracing", "cost"],
  cli: ["shared", "export", "cost"],
};

const srcFolders = readdirSync(new URL("./src/", import.meta.url)).filter((name) =>
  statSync(new URL(`./src/${name}`, import.meta.url)).isDirectory(),
);
const unplaced = srcFolders.filter((name) => !(name in SRC_LAYERS));
if (unplaced.length > 0) {
  throw new Error(`eslint.config.mjs: place src/${unplaced.join(", src/")} in SRC_LAYERS (see ARCHITECTURE.md)`);
}

const layerRule = (patterns) => ["error", { patterns: patterns.map((p) => ({ ...p, message: p.message })) }];

const srcLayerConfigs = srcFolders.map((folder) => {
  const forbidden = srcFolders.filter((other) => other !== folder && !SRC_LAYERS[folder].includes(other));
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      "no-restricted-imports": layerRule([
        ...(forbidden.length > 0
          ? [
              {
                group: forbidden.flatMap((other) => [`../${other}/*`, `../../${other}/*`]),
                message: `src/${folder} may import only ${SRC_LAYERS[folder].map((f) => `src/${f}`).join(", ") || "schemas/ and callbacks/"} (ARCHITECTURE.md)`,
              },
            ]
          : []),
        {
          group: ["../index.js", "../../index.js"],
          message: "folders under src/ never import the package entry point",
        },
      ]),
    },
  };
});

// One style of private members: TypeScript's `private`, never `#name` (cheaper in V8's older tiers, and
// the codebase's convention). Entry points name every export.
const RESTRICTED_SYNTAX = [
  { selector: "PrivateIdentifier", message: "use TypeScript `private`, not #private (one style)" },
  { selector: "ExportAllDeclaration", message: "entry points name their exports (no `export *`)" },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "**/*.cjs", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      // Control characters are matched on purpose: untrusted headers and terminal output are checked for them.
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": ["error", ...RESTRICTED_SYNTAX],
    },
  },
  {
    // Library code throws only RunledgerError (or a subclass): callers branch on `code`, across builds.
    files: ["schemas/**/*.ts", "callbacks/**/*.ts", "src/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        ...RESTRICTED_SYNTAX,
        {
          selector: "ThrowStatement > NewExpression[callee.name=/^(Error|TypeError|RangeError|SyntaxError)$/]",
          message: "throw a RunledgerError (callbacks/runledger-error.ts) with a code from ERROR_CODES",
        },
      ],
    },
  },
  {
    files: ["schemas/**/*.ts"],
    rules: {
      "no-restricted-imports": layerRule([
        {
          group: ["../callbacks/*", "../src/*", "../../*"],
          message: "schemas/ imports nothing of ours (ARCHITECTURE.md)",
        },
      ]),
    },
  },
  {
    files: ["callbacks/**/*.ts"],
    rules: {
      "no-restricted-imports": layerRule([
        { group: ["../src/*", "../../*"], message: "callbacks/ imports only schemas/ (ARCHITECTURE.md)" },
      ]),
    },
  },
  ...srcLayerConfigs,
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "examples/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
);
