import { open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { LOCK_FILE } from "./layout.js";

/** Whether a process with this pid is running. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the build lock of an index folder, or throws naming the build that holds it. Returns the release. */
export async function acquireBuildLock(indexDir: string): Promise<() => Promise<void>> {
  const path = join(indexDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) {
        throw new Error(`Another index build (pid ${pid}) is running on ${indexDir}; wait for it to finish, then run \`npm run index\` again.`);
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`Cannot take the build lock ${path}; delete it if no index build is running.`);
}
