/**
 * `npm run register`: registers /ask, /sources, /help, the admin commands /add and /feeds, and the
 * "Find quotes" message command with Discord — to the server DISCORD_GUILD_ID
 * when it is set (takes effect at once), globally otherwise (can take up to an hour to appear).
 * The bot itself never registers commands.
 */
import { exampleFor } from "../app/answers.js";
import { loadConfiguredSource } from "../app/open.js";
import { loadConfig, type Config } from "../config.js";
import { runCli } from "./run.js";
import { parseCommand, usageText } from "./usage.js";

const USAGE = usageText({
  name: "register",
  forms: [["", "register /ask, /sources, /help, /add, /feeds and Find quotes with Discord (needs DISCORD_TOKEN and\nDISCORD_APPLICATION_ID; to the server DISCORD_GUILD_ID when set, at once; globally otherwise, within an hour)"]],
});

/** The example question /ask's description shows: EXAMPLE_QUESTION, or one from the index when there is one yet (none otherwise). */
async function registeredExample(config: Config): Promise<string | undefined> {
  if (config.EXAMPLE_QUESTION) return config.EXAMPLE_QUESTION;
  try {
    return exampleFor(undefined, await loadConfiguredSource(config));
  } catch {
    return undefined;
  } finally {
    if (config.DATABASE_URL) await (await import("../index/postgres/database.js")).closePools();
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {}, USAGE);
  if (typeof parsed === "number") return parsed;
  const config = loadConfig();
  const missing = (["DISCORD_TOKEN", "DISCORD_APPLICATION_ID"] as const).filter((name) => !config[name]);
  if (missing.length > 0) {
    process.stderr.write(`${missing.join(" and ")} must be set to register the commands (see .env.example and the README).\n`);
    return 1;
  }
  // discord.js takes half a second to load: only once there is something to send.
  const [{ ApplicationCommandType, REST, Routes }, { commandDefinitions }] = await Promise.all([import("discord.js"), import("../bot/commands.js")]);
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN!);
  const appId = config.DISCORD_APPLICATION_ID!;
  const route = config.DISCORD_GUILD_ID ? Routes.applicationGuildCommands(appId, config.DISCORD_GUILD_ID) : Routes.applicationCommands(appId);
  const registered = (await rest.put(route, { body: commandDefinitions(await registeredExample(config)) })) as { name: string; type?: number }[];
  // A slash command is typed as /name; a message command is found in a message's Apps menu.
  const names = registered.map((command) => (command.type === undefined || command.type === ApplicationCommandType.ChatInput ? `/${command.name}` : `“${command.name}” (on a message)`)).join(", ");
  process.stdout.write(
    config.DISCORD_GUILD_ID
      ? `Registered ${names} in the server ${config.DISCORD_GUILD_ID}; they can be used now.\n`
      : `Registered ${names} globally; Discord can take up to an hour to show them everywhere.\n`,
  );
  return 0;
}

runCli(main);
