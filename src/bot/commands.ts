/** The slash commands, as registered with Discord by `npm run register`. */
import { SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from "discord.js";
import { MAX_QUESTION_LENGTH } from "../retrieval/answer.js";

/** /ask and /sources, as the JSON Discord's command registration takes. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const ask = new SlashCommandBuilder()
    .setName("ask")
    .setDescription("Answer a question with quotes from the articles, word for word, with their sources")
    .addStringOption((option) => option.setName("question").setDescription("What you want to know, e.g. does the treaty include mutual defence").setRequired(true).setMaxLength(MAX_QUESTION_LENGTH))
    .addBooleanOption((option) => option.setName("private").setDescription("Show the answer only to you (default: everyone in the channel sees it)"));
  const sources = new SlashCommandBuilder().setName("sources").setDescription("List the articles the bot has read, with the index's build time and model");
  return [ask.toJSON(), sources.toJSON()];
}
