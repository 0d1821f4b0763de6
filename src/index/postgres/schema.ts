/**
 * The PostgreSQL store's schema, in numbered migrations that `npm run index` (and the bot, before
 * it reads) applies in order, each in its own transaction under an advisory lock, recorded in
 * `verbatim_schema`. Never run by hand; never edited once released: a change is a new migration.
 *
 * Each build's rows live in partitions of their own (`verbatim_passages_b7` for build 7): a build
 * is written beside the one in use and made current by one row update, the HNSW index of its
 * passage vectors is its partition's own, and an old build is dropped with its partitions at once.
 */
import type pg from "pg";

/** Advisory lock keys (two int4s: "verbatim" and which lock). */
export const LOCK_NAMESPACE = 0x76726274; // "vrbt"
export const MIGRATION_LOCK = 1;
export const BUILD_LOCK = 2;
/** The channel a finished build is announced on; the payload is the build's name. */
export const BUILD_CHANNEL = "verbatim_build";

/** The tables partitioned by build, and the name of a build's partition of each. */
export const BUILD_TABLES = ["articles", "passages", "terms", "postings"] as const;
export type BuildTable = (typeof BUILD_TABLES)[number];
export function partition(table: BuildTable, build: number): string {
  if (!Number.isSafeInteger(build) || build < 1) throw new Error(`not a build number: ${build}`);
  return `verbatim_${table}_b${build}`;
}

/** The migrations, in order: version i + 1 is MIGRATIONS[i]. */
export const MIGRATIONS: readonly string[] = [
  `
  create extension if not exists vector;
  create table verbatim_builds (
    id integer generated always as identity primary key,
    name text not null unique,
    manifest jsonb not null,
    dimensions integer not null check (dimensions > 0),
    created_at timestamptz not null default now()
  );
  create table verbatim_current (
    singleton boolean primary key default true check (singleton),
    build integer not null references verbatim_builds (id)
  );
  create table verbatim_articles (
    build integer not null,
    row integer not null,
    id text not null,
    title text not null,
    outlet text not null,
    published text not null,
    url text not null,
    file text not null,
    hash text not null,
    body text not null,
    body_sha256 text not null,
    first_passage integer not null,
    end_passage integer not null,
    terms integer[] not null,
    primary key (build, row),
    unique (build, id)
  ) partition by list (build);
  create table verbatim_passages (
    build integer not null,
    row integer not null,
    article_row integer not null,
    start integer not null,
    "end" integer not null,
    sentences integer[] not null,
    term_ends integer[] not null,
    terms integer[] not null,
    embedding vector not null,
    primary key (build, row)
  ) partition by list (build);
  create table verbatim_terms (
    build integer not null,
    id integer not null,
    term text not null,
    spelling text not null,
    documents integer not null,
    name boolean not null,
    vector bytea not null,
    primary key (build, id)
  ) partition by list (build);
  create table verbatim_postings (
    build integer not null,
    term integer not null,
    passages integer[] not null,
    weights double precision[] not null,
    primary key (build, term)
  ) partition by list (build);
  `,
  // 2: each term's postings as one impact-ordered bytea of (int32 passage, float32 weight) pairs,
  // stored uncompressed so that a question reads only the head of a long list (substring reads
  // only the TOAST chunks it needs); and the build's mean passage length, which exact BM25 scores
  // need. Builds made before it keep their arrays and are refused by the reader until rebuilt.
  `
  alter table verbatim_postings alter column passages drop not null, alter column weights drop not null, add column pairs bytea;
  alter table verbatim_postings alter column pairs set storage external;
  alter table verbatim_builds add column keyword_average_length double precision;
  `,
];

/** The database was migrated by a newer Verbatim than this one. */
export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(`The database's Verbatim schema is version ${found}, newer than this version of Verbatim knows (${MIGRATIONS.length}): upgrade Verbatim, or point DATABASE_URL at another database.`);
    this.name = "SchemaTooNewError";
  }
}

/** Applies the migrations the database lacks; returns the versions applied. Safe to run from several processes at once. */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("begin");
    await client.query("select pg_advisory_xact_lock($1, $2)", [LOCK_NAMESPACE, MIGRATION_LOCK]);
    await client.query("create table if not exists verbatim_schema (version integer primary key, applied_at timestamptz not null default now())");
    const { rows } = await client.query<{ version: number | null }>("select max(version) as version from verbatim_schema");
    const current = rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length) throw new SchemaTooNewError(current);
    for (let version = current + 1; version <= MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query("insert into verbatim_schema (version) values ($1)", [version]);
      applied.push(version);
    }
    await client.query("commit");
    return applied;
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The build in use: its number, name, manifest and vector size, or undefined before the first build. */
export async function currentBuild(pool: pg.Pool | pg.PoolClient): Promise<{ id: number; name: string; manifest: unknown; dimensions: number } | undefined> {
  const { rows } = await pool.query<{ id: number; name: string; manifest: unknown; dimensions: number }>("select b.id, b.name, b.manifest, b.dimensions from verbatim_current c join verbatim_builds b on b.id = c.build");
  return rows[0];
}
