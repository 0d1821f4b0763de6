/** Where the PostgreSQL store's builds come from; open.ts loads it (and pg) only with DATABASE_URL. */
import type pg from "pg";
import { BUILD_CHANNEL, currentBuild } from "../index/postgres/schema.js";
import { PostgresSource, type BuildRow, type PostgresSourceOptions } from "../index/postgres/source.js";
import type { Logger } from "../log.js";
import type { IndexWatcher } from "./watchers.js";

/** The PostgreSQL store's builds: the current row, and the build channel's notifications; `options`: how each build's source searches vectors. */
export function databaseWatcher(pool: pg.Pool, options: PostgresSourceOptions = {}): IndexWatcher {
  let listener: pg.PoolClient | undefined;
  let closed = false;
  const watcher: IndexWatcher = {
    current: async () => (await currentBuild(pool))?.name,
    load: async () => {
      const source = await PostgresSource.open(pool, undefined, options);
      await source.verify();
      return source;
    },
    loadNamed: async (buildId) => {
      const { rows } = await pool.query<BuildRow>("select id, name, manifest, dimensions from verbatim_builds where name = $1", [buildId]);
      if (!rows[0]) throw new Error(`The database has no index build named ${buildId} (it was removed after a newer build): the bot loads the current one.`);
      return PostgresSource.open(pool, rows[0], options);
    },
    listen: async (changed, logger) => {
      const connect = async (): Promise<void> => {
        const client = await pool.connect();
        listener = client;
        client.on("notification", (message) => {
          if (message.channel === BUILD_CHANNEL) changed();
        });
        client.on("error", (error) => {
          // The connection dropped: listen again on a new one, and look for a build missed meanwhile.
          logger.warn({ err: error }, "lost the database connection that listens for new builds; reconnecting");
          client.release(true);
          listener = undefined;
          retry(1000);
        });
        await client.query(`listen ${BUILD_CHANNEL}`);
      };
      // Until it listens again, the poll still finds new builds; retried with a growing pause, up to a minute.
      const retry = (pause: number): void => {
        if (closed) return;
        setTimeout(() => {
          connect().then(changed, (error: unknown) => {
            logger.warn({ err: error, retryInSeconds: Math.min(60, (pause * 2) / 1000) }, "cannot listen for new builds yet; the poll still finds them");
            retry(Math.min(60_000, pause * 2));
          });
        }, pause).unref();
      };
      await connect();
    },
    close: async () => {
      closed = true;
      if (listener) {
        await listener.query(`unlisten ${BUILD_CHANNEL}`).catch(() => undefined);
        listener.release();
        listener = undefined;
      }
    },
  };
  return watcher;
}

