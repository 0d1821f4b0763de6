/** Why an index cannot be used; each message says what to do. */

/** There is no index yet. */
export class IndexMissingError extends Error {
  constructor(indexDir: string) {
    super(`There is no index in ${indexDir} yet: build it with \`npm run index\`.`);
    this.name = "IndexMissingError";
  }
}

/** The index exists but cannot be read, or does not match its checksums: nothing of it is used. */
export class IndexCorruptError extends Error {
  constructor(
    folder: string,
    /** What is wrong, in a few words ("vectors.f32 does not match its checksum"). */
    readonly problem: string,
    cause?: unknown,
  ) {
    super(`The index at ${folder} is damaged (${problem}): rebuild it with \`npm run index\`.`, { cause });
    this.name = "IndexCorruptError";
  }
}

/** The index was built by another version of Verbatim, in a format this one does not read. */
export class IndexOutdatedError extends IndexCorruptError {
  constructor(folder: string, problem: string) {
    super(folder, `it was built by another version of Verbatim: ${problem}`);
    this.name = "IndexOutdatedError";
  }
}

/**
 * INDEX_DIR/current could lead outside the index folder: it is never followed there. The index
 * is then unusable as a damaged one is, and `npm run index` builds a new one and points at it.
 */
export class IndexPointerError extends IndexCorruptError {
  constructor(indexDir: string, problem: string) {
    super(indexDir, problem);
    this.name = "IndexPointerError";
  }
}
