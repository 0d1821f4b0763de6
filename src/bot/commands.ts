/** The slash commands, as registered with Discord by `npm run register`; the bot dispatches on these names. */
import { SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import { MAX_QUESTION_LENGTH } from "../retrieval/answer.js";

/** The commands' names, as Discord sends them back in each interaction. */
export const COMMANDS = Object.freeze({ ask: "ask", sources: "sources", help: "help" });
/** The options of /ask. */
export const ASK_OPTIONS = Object.freeze({ question: "question", private: "private" });

/** /ask, /sources and /help, as the JSON Discord's command registration takes. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const ask = new SlashCommandBuilder()
    .setName(COMMANDS.ask)
    .setDescription("Answer a question with quotes from the articles, word for word, with their sources")
    .addStringOption((option) => option.setName(ASK_OPTIONS.question).setDescription("What you want to know, e.g. does the treaty include mutual defence").setRequired(true).setMaxLength(MAX_QUESTION_LENGTH))
    .addBooleanOption((option) => option.setName(ASK_OPTIONS.private).setDescription("Show the answer only to you (default: everyone in the channel sees it)"));
  const sources = new SlashCommandBuilder().setName(COMMANDS.sources).setDescription("List the articles the bot has read, with the index's build time and model");
  const help = new SlashCommandBuilder().setName(COMMANDS.help).setDescription("What the bot does, how to ask it, what it has read, and what it does not do");
  return [ask.toJSON(), sources.toJSON(), help.toJSON()];
}
