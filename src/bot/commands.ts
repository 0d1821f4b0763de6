/** The application commands, as registered with Discord by `npm run register`; the bot dispatches on these names. */
import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type RESTPostAPIApplicationCommandsJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { MAX_QUESTION_LENGTH } from "../retrieval/answer.js";

/** The commands' names, as Discord sends them back in each interaction. */
export const COMMANDS = Object.freeze({ ask: "ask", sources: "sources", help: "help", add: "add", feeds: "feeds", findQuotes: "Find quotes" });
/** The options of /ask. */
export const ASK_OPTIONS = Object.freeze({ question: "question", private: "private", outlet: "outlet", since: "since", until: "until" });
/** The option of /add. */
export const ADD_OPTIONS = Object.freeze({ url: "url" });
/** The subcommands of /feeds and the option of /feeds remove. */
export const FEEDS_SUBCOMMANDS = Object.freeze({ list: "list", remove: "remove", feed: "feed" });
/** The options of the "Find quotes" message command (there are none to type: whether it is private is the default below). */
export const FIND_QUOTES_PRIVATE_BY_DEFAULT = true;

/** Discord's limit on a command option's description. */
export const MAX_OPTION_DESCRIPTION = 100;
/** Longest address /add takes: what fetching takes (fetch.ts refuses longer ones anyway). */
export const MAX_URL_LENGTH = 2_048;
/** Longest outlet name /ask's filter takes: the corpus's own limit on an outlet (corpus.md). */
export const MAX_OUTLET_LENGTH = 100;
/** Longest date /ask's since and until take ("2025-01-17", "jan 2025", "last week", "3 weeks ago"). */
export const MAX_DATE_LENGTH = 40;

/**
 * Who may use /add and /feeds by default: members with Manage Server. A server can change this in
 * its settings, so the bot checks the member's permissions again itself (bot.ts).
 */
export const ADMIN_PERMISSION = PermissionFlagsBits.ManageGuild;

/** /ask's question option described, with the example question when it fits Discord's 100 characters. */
export function questionDescription(example: string | undefined): string {
  const withExample = example === undefined ? undefined : `What you want to know, e.g. ${example.replace(/\s+/g, " ").trim()}`;
  return withExample && withExample.length <= MAX_OPTION_DESCRIPTION ? withExample : "What you want to know about the articles, in your own words";
}

/** An admin command as registered: for members with ADMIN_PERMISSION, inside servers only. */
export type AdminCommandJSON = Omit<RESTPostAPIChatInputApplicationCommandsJSONBody, "default_member_permissions"> & { default_member_permissions: number; dm_permission: false };
/** A command as `npm run register` sends it. */
export type CommandJSON = RESTPostAPIApplicationCommandsJSONBody | AdminCommandJSON;

/**
 * An admin command's JSON: shown to members with ADMIN_PERMISSION only, and only inside servers
 * (`contexts` for today's clients, `dm_permission` for older ones). The permissions go as a number:
 * Discord's API specification declares them an integer in a request (the builders write a string,
 * which Discord also reads, but the spec is what the tests hold every request to).
 */
function adminOnly(command: RESTPostAPIChatInputApplicationCommandsJSONBody): AdminCommandJSON {
  return { ...command, default_member_permissions: Number(ADMIN_PERMISSION), contexts: [InteractionContextType.Guild], dm_permission: false };
}

/**
 * Every command, as the JSON Discord's command registration takes: /ask, /sources, /help, the
 * admin commands /add and /feeds, and the "Find quotes" message command; `example` is the example
 * question (EXAMPLE_QUESTION, or one from the index).
 */
export function commandDefinitions(example?: string): CommandJSON[] {
  const ask = new SlashCommandBuilder()
    .setName(COMMANDS.ask)
    .setDescription("Answer a question with quotes from the articles, word for word, with their sources")
    .addStringOption((option) => option.setName(ASK_OPTIONS.question).setDescription(questionDescription(example)).setRequired(true).setMaxLength(MAX_QUESTION_LENGTH))
    .addBooleanOption((option) => option.setName(ASK_OPTIONS.private).setDescription("Show the answer only to you (default: everyone in the channel sees it)"))
    .addStringOption((option) => option.setName(ASK_OPTIONS.outlet).setDescription("Only quote articles from this outlet").setAutocomplete(true).setMaxLength(MAX_OUTLET_LENGTH))
    .addStringOption((option) => option.setName(ASK_OPTIONS.since).setDescription("Only articles published on or after this date, e.g. 2025-01-17, jan 2025, last week").setMaxLength(MAX_DATE_LENGTH))
    .addStringOption((option) => option.setName(ASK_OPTIONS.until).setDescription("Only articles published on or before this date, e.g. 2025-01-31, feb 2025").setMaxLength(MAX_DATE_LENGTH));
  const sources = new SlashCommandBuilder().setName(COMMANDS.sources).setDescription("List the articles the bot has read, with the index's build time and model");
  const help = new SlashCommandBuilder().setName(COMMANDS.help).setDescription("What the bot does, how to ask it, what it has read, and what it does not do");
  const add = new SlashCommandBuilder()
    .setName(COMMANDS.add)
    .setDescription("Add an article page or a news feed to this server's own articles (Manage Server)")
    .addStringOption((option) => option.setName(ADD_OPTIONS.url).setDescription("The address of an article page, or of an RSS or Atom feed").setRequired(true).setMaxLength(MAX_URL_LENGTH));
  const feeds = new SlashCommandBuilder()
    .setName(COMMANDS.feeds)
    .setDescription("The news feeds this server's articles come from (Manage Server)")
    .addSubcommand((sub) => sub.setName(FEEDS_SUBCOMMANDS.list).setDescription("List this server's feeds and how many articles it has"))
    .addSubcommand((sub) =>
      sub
        .setName(FEEDS_SUBCOMMANDS.remove)
        .setDescription("Stop pulling a feed (the articles already added stay)")
        .addStringOption((option) => option.setName(FEEDS_SUBCOMMANDS.feed).setDescription("The feed's address").setRequired(true).setAutocomplete(true).setMaxLength(MAX_URL_LENGTH)),
    );
  const findQuotes = new ContextMenuCommandBuilder().setName(COMMANDS.findQuotes).setType(ApplicationCommandType.Message);
  return [ask.toJSON(), sources.toJSON(), help.toJSON(), adminOnly(add.toJSON()), adminOnly(feeds.toJSON()), findQuotes.toJSON()];
}
