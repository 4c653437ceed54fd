import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { lstat, mkdir, readdir, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { RunledgerError } from "../../callbacks/runledger-error.js";
import type { Run } from "../../schemas/index.js";
import { PRIVATE_FILE_MODE, unsafeDirectory, unsafeDirectorySync } from "./private-files.js";
import { runText } from "./run-json.js";

/** Spool files are named `spool-<epoch ms>-<pid>-<random>.jsonl`, so a listing sorts them by age. */
export const SPOOL_FILE = /^spool-\d+-\d+-[0-9a-f]+\.jsonl$/;

/** The default size cap of a spool directory: 64 MiB. */
export const DEFAULT_SPOOL_MAX_BYTES = 64 * 2 ** 20;

/** How many runs a spool write kept, and how many it could not (over the size cap). */
export interface SpoolWrite {
  written: number;
  overCap: number;
}

/**
 * A local directory where runs that could not be exported are kept for `runledger replay`: each
 * write is one new JSON Lines file, written under a temporary name and renamed, so a reader never
 * sees a partial file. Files are private to the user (mode 0600), created new (never through a
 * symbolic link); a directory that is a link, another user's, or writable by others is refused (the
 * write fails with the reason, and the caller drops and reports the runs). The directory's spool files never
 * exceed `maxBytes` together: runs beyond the cap are not written (the caller counts them).
 *
 * @example
 * const spool = new RunSpool("/var/spool/myapp-runs");
 * const { written, overCap } = await spool.write(runs);
 */
export class RunSpool {
  readonly dir: string;
  readonly maxBytes: number;

  constructor(dir: string, maxBytes: number = DEFAULT_SPOOL_MAX_BYTES) {
    this.dir = resolve(dir);
    this.maxBytes = maxBytes;
  }

  /** Writes `runs` (already in their export form, as records or as their JSON text) to a new spool file. */
  async write(runs: readonly (Run | string)[]): Promise<SpoolWrite> {
    if (runs.length === 0) return { written: 0, overCap: 0 };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const problem = await unsafeDirectory(this.dir);
    if (problem !== undefined) throw new RunledgerError("unsafe_spool", `spool directory not used: ${problem}`);
    const used = await this.usedBytes();
    const { data, written } = fitting(runs, this.maxBytes - used);
    if (written > 0) {
      const { temporary, final } = this.newNames();
      await writeFile(temporary, data, { mode: PRIVATE_FILE_MODE, flag: "wx" });
      await rename(temporary, final);
    }
    return { written, overCap: runs.length - written };
  }

  /** `write`, synchronously: for the process's `exit` event, when nothing asynchronous runs any more. */
  writeSync(runs: readonly (Run | string)[]): SpoolWrite {
    if (runs.length === 0) return { written: 0, overCap: 0 };
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const problem = unsafeDirectorySync(this.dir);
    if (problem !== undefined) throw new RunledgerError("unsafe_spool", `spool directory not used: ${problem}`);
    const used = this.usedBytesSync();
    const { data, written } = fitting(runs, this.maxBytes - used);
    if (written > 0) {
      const { temporary, final } = this.newNames();
      writeFileSync(temporary, data, { mode: PRIVATE_FILE_MODE, flag: "wx" });
      renameSync(temporary, final);
    }
    return { written, overCap: runs.length - written };
  }

  // Measured at each write, not tracked: several processes may share the directory, and replay empties it.
  private async usedBytes(): Promise<number> {
    let total = 0;
    for (const name of (await readdir(this.dir)).filter((entry) => SPOOL_FILE.test(entry))) {
      total += await lstat(join(this.dir, name)).then(
        (info) => info.size,
        () => 0,
      );
    }
    return total;
  }

  private usedBytesSync(): number {
    let total = 0;
    for (const name of readdirSync(this.dir).filter((entry) => SPOOL_FILE.test(entry))) {
      try {
        total += lstatSync(join(this.dir, name)).size;
      } catch {
        // Replayed and deleted meanwhile.
      }
    }
    return total;
  }

  private newNames(): { temporary: string; final: string } {
    const name = `spool-${Date.now()}-${process.pid}-${randomBytes(6).toString("hex")}.jsonl`;
    return { temporary: join(this.dir, `.${name}.tmp`), final: join(this.dir, name) };
  }
}

/** The JSON Lines of the leading runs that fit in `budget` bytes. */
function fitting(runs: readonly (Run | string)[], budget: number): { data: Buffer; written: number } {
  const lines: Buffer[] = [];
  let size = 0;
  for (const run of runs) {
    const line = Buffer.from(`${runText(run)}\n`);
    if (size + line.length > budget) break;
    lines.push(line);
    size += line.length;
  }
  return { data: Buffer.concat(lines), written: lines.length };
}
