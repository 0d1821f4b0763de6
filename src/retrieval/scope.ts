/**
 * Which articles a question may be answered from. Every article belongs to the shared corpus or to
 * one Discord server (guild): a file under `servers/<guild id>/` of the corpus folder belongs to
 * that server, any other file to the shared corpus. A question from a server is answered from the
 * shared corpus plus that server's articles; a DM (and the CLI without --server) from the shared
 * corpus only. Filters narrow further, by outlet and publication date.
 */
import type { Source } from "../corpus/article.js";

/** The corpus sub-folder that holds each server's own articles: `servers/<guild id>/…`. */
export const SERVERS_FOLDER = "servers";

/** A Discord snowflake, as a guild id is: 17 to 20 digits. */
export const GUILD_ID = /^\d{17,20}$/;

/** Who is asking: a server (its articles and the shared ones) or nobody in particular (the shared corpus only). */
export interface ArticleScope {
  /** The server's guild id; undefined for a DM or the CLI without --server. */
  guildId?: string;
}

/** Narrowing a question to some articles of its scope. Dates are ISO days (YYYY-MM-DD), inclusive. */
export interface ArticleFilter {
  /** Outlets as the articles name them (compared without case); undefined = any. */
  outlets?: readonly string[];
  since?: string;
  until?: string;
}

/** The server an article file belongs to (its guild id), or undefined for the shared corpus. */
export function guildOfFile(file: string): string | undefined {
  const [folder, guild, ...rest] = file.split("/");
  return folder === SERVERS_FOLDER && guild !== undefined && GUILD_ID.test(guild) && rest.length > 0 ? guild : undefined;
}

/** Whether a question asked in `scope` may see an article read from `file`. */
export function inScope(file: string, scope: ArticleScope = {}): boolean {
  const guild = guildOfFile(file);
  return guild === undefined || guild === scope.guildId;
}
