/** The slash commands, as registered with Discord by `npm run register`; the bot dispatches on these names. */
import { SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import { MAX_QUESTION_LENGTH } from "../retrieval/answer.js";

/** The commands' names, as Discord sends them back in each interaction. */
export const COMMANDS = Object.freeze({ ask: "ask", sources: "sources", help: "help" });
/** The options of /ask. */
export const ASK_OPTIONS = Object.freeze({ question: "question", private: "private" });

/** Discord's limit on a command option's description. */
export const MAX_OPTION_DESCRIPTION = 100;

/** /ask's question option described, with the example question when it fits Discord's 100 characters. */
export function questionDescription(example: string | undefined): string {
  const withExample = example === undefined ? undefined : `What you want to know, e.g. ${example.replace(/\s+/g, " ").trim()}`;
  return withExample && withExample.length <= MAX_OPTION_DESCRIPTION ? withExample : "What you want to know about the articles, in your own words";
}

/** /ask, /sources and /help, as the JSON Discord's command registration takes; `example` is the example question (EXAMPLE_QUESTION, or one from the index). */
export function commandDefinitions(example?: string): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const ask = new SlashCommandBuilder()
    .setName(COMMANDS.ask)
    .setDescription("Answer a question with quotes from the articles, word for word, with their sources")
    .addStringOption((option) => option.setName(ASK_OPTIONS.question).setDescription(questionDescription(example)).setRequired(true).setMaxLength(MAX_QUESTION_LENGTH))
    .addBooleanOption((option) => option.setName(ASK_OPTIONS.private).setDescription("Show the answer only to you (default: everyone in the channel sees it)"));
  const sources = new SlashCommandBuilder().setName(COMMANDS.sources).setDescription("List the articles the bot has read, with the index's build time and model");
  const help = new SlashCommandBuilder().setName(COMMANDS.help).setDescription("What the bot does, how to ask it, what it has read, and what it does not do");
  return [ask.toJSON(), sources.toJSON(), help.toJSON()];
}
