/**
 * Each Discord server's own articles live in the corpus folder under `servers/<guild id>/`; every
 * other file belongs to the shared corpus. What a folder name means, and how much a server has.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

/** The corpus sub-folder that holds each server's own articles: `servers/<guild id>/…`. */
export const SERVERS_FOLDER = "servers";

/** A Discord snowflake, as a guild id is: 17 to 20 digits. */
export const GUILD_ID = /^\d{17,20}$/;

/** The server an article file (relative to the corpus folder, with `/`) belongs to, or undefined for the shared corpus. */
export function guildOfFile(file: string): string | undefined {
  const [folder, guild, ...rest] = file.split("/");
  return folder === SERVERS_FOLDER && guild !== undefined && GUILD_ID.test(guild) && rest.length > 0 ? guild : undefined;
}

/**
 * Why an entry directly under `servers/` is not read, or undefined when it is a server's folder:
 * anything else there belongs to no server, and read as shared it would publish to every server.
 */
export function notAServerFolder(name: string, isDirectory: boolean): string | undefined {
  if (!isDirectory) return `a file directly in ${SERVERS_FOLDER}/ belongs to no server: put it in ${SERVERS_FOLDER}/<guild id>/, or outside ${SERVERS_FOLDER}/ for every server`;
  if (!GUILD_ID.test(name)) return `${SERVERS_FOLDER}/${name}/ is not a server's folder (a folder there is named by the server's guild id, 17 to 20 digits); nothing in it is indexed`;
  return undefined;
}

/** How much a server has of its own: article files and their bytes. */
export interface ServerUsage {
  articles: number;
  bytes: number;
}

/** The article files (any name not starting with a dot) under `servers/<guildId>/` of a corpus folder, and their bytes; zero when it has none. */
export async function serverUsage(corpusDir: string, guildId: string): Promise<ServerUsage> {
  if (!GUILD_ID.test(guildId)) throw new Error(`${JSON.stringify(guildId)} is not a guild id (17 to 20 digits)`);
  const usage = { articles: 0, bytes: 0 };
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`Cannot read ${dir}: check that the bot may read the corpus folder.`, { cause: error });
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        usage.articles++;
        usage.bytes += (await stat(path)).size;
      }
    }
  };
  await walk(join(corpusDir, SERVERS_FOLDER, guildId));
  return usage;
}


/** Why a server may not add an article of `bytes` more, or undefined when it may. */
export function quotaProblem(usage: ServerUsage, bytes: number, limits: { maxArticles: number; maxBytes: number }): string | undefined {
  if (usage.articles + 1 > limits.maxArticles) return `this server already has ${usage.articles} articles of its own, the most it may have (${limits.maxArticles})`;
  if (usage.bytes + bytes > limits.maxBytes) return `this server's articles would take ${formatBytes(usage.bytes + bytes)}, more than the ${formatBytes(limits.maxBytes)} it may have`;
  return undefined;
}

function formatBytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.ceil(bytes / 1000)} kB`;
}
