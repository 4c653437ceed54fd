#!/usr/bin/env node
// The `runledger` bin: `runledger report <traces.jsonl>`, `runledger html <traces.jsonl> -o <file>` and
// `runledger replay <spool-dir>`.
import { runCli } from "./run-cli.js";

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`runledger: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
