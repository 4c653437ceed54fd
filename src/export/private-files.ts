import { constants, lstatSync, type Stats } from "node:fs";
import { lstat, open, type FileHandle } from "node:fs/promises";

// O_NOFOLLOW: a symbolic link planted where a file is expected makes the open fail instead of
// reading or writing wherever it points. (0 where the platform has no such flag.)
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** Flags of an append-only file, created when missing, never through a symbolic link. */
export const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | NO_FOLLOW;
/** Flags to read a file, never through a symbolic link. */
export const READ = constants.O_RDONLY | NO_FOLLOW;

/** Files runledger writes (spool, JSON Lines traces) are readable by their owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Why a directory must not hold runs (they carry prompts and outputs), or undefined when it may: a
 * symbolic link, not a directory, owned by another user, or writable by group or others (anyone who
 * can write there can plant links or files for replay to follow).
 *
 * @example
 * const problem = await unsafeDirectory("/tmp"); // "… is writable by others (mode 1777)"
 */
export async function unsafeDirectory(dir: string): Promise<string | undefined> {
  return directoryProblem(dir, await lstat(dir));
}

/** `unsafeDirectory`, synchronously (for the process's `exit` hook). */
export function unsafeDirectorySync(dir: string): string | undefined {
  return directoryProblem(dir, lstatSync(dir));
}

function directoryProblem(dir: string, info: Stats): string | undefined {
  if (info.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!info.isDirectory()) return `${dir} is not a directory`;
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return `${dir} is owned by another user (uid ${info.uid})`;
  if (process.platform !== "win32" && (info.mode & 0o022) !== 0)
    return `${dir} is writable by others (mode ${(info.mode & 0o7777).toString(8)})`;
  return undefined;
}

/**
 * Opens a regular file without following a symbolic link; undefined when the path is a link or not a
 * regular file (the caller reports it and moves on).
 *
 * @example
 * const handle = await openRegular(path, READ);
 */
export async function openRegular(
  path: string,
  flags: number,
  mode = PRIVATE_FILE_MODE,
): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") return undefined; // a symbolic link
    throw error;
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    return undefined;
  }
  return handle;
}
