/**
 * File-system errors of a build told as what happened and what to do, instead of a bare
 * "ENOSPC: no space left on device, write".
 */

/** What each error code means for an index folder, and what the operator can do about it. */
const EXPLANATIONS: Readonly<Record<string, (dir: string) => string>> = {
  ENOSPC: (dir) => `There is no space left on the disk that holds the index folder ${dir}: free some space there (or set INDEX_DIR to a folder on a larger disk), then run \`npm run index\` again.`,
  EDQUOT: (dir) => `The disk quota for the index folder ${dir} is used up: free some space or raise the quota, then run \`npm run index\` again.`,
  EROFS: (dir) => `The index folder ${dir} is on a read-only file system: set INDEX_DIR to a writable folder (or remount it writable), then run \`npm run index\` again.`,
  EACCES: (dir) => `No permission to write in the index folder ${dir}: give the user running Verbatim write access to it (or set INDEX_DIR to a folder it owns), then run \`npm run index\` again.`,
  EPERM: (dir) => `The system did not allow writing in the index folder ${dir}: give the user running Verbatim write access to it (or set INDEX_DIR to a folder it owns), then run \`npm run index\` again.`,
  EMFILE: () => "Too many files are open at once: raise the open-file limit (ulimit -n), then run `npm run index` again.",
};

/**
 * An error that says what to do when `error` is a known file-system failure while writing the
 * index (the original stays as its cause); any other error is returned unchanged.
 */
export function explainWriteError(error: unknown, indexDir: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const explain = code === undefined ? undefined : EXPLANATIONS[code];
  if (!explain) return error;
  return new Error(`${explain(indexDir)} The index in use was not changed. (${(error as Error).message})`, { cause: error });
}
