/**
 * The one way a reply reaches Discord. Every payload goes out with no mention that can ping
 * (`allowedMentions: { parse: [] }`, whatever the payload says), and a private note is ephemeral
 * whether or not the interaction has been acknowledged yet.
 */
import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction, type MessageContextMenuCommandInteraction } from "discord.js";
import { NO_MENTIONS, noticeReply, type ReplyPayload } from "../reply/discord.js";

/** An interaction the bot answers. */
export type Answerable = ChatInputCommandInteraction | MessageContextMenuCommandInteraction | ButtonInteraction;

/**
 * Sends `payload` as the interaction's answer: the message itself (an edit once deferred), or,
 * with `privately`, a note only the user sees (the private placeholder itself when the interaction
 * was deferred privately, a follow-up once it is otherwise acknowledged).
 */
export async function respond(interaction: Answerable, payload: ReplyPayload, { privately = false } = {}): Promise<void> {
  const body = { ...payload, allowedMentions: NO_MENTIONS };
  const acknowledged = interaction.deferred || interaction.replied;
  if (privately) {
    if (interaction.deferred && interaction.ephemeral === true && !interaction.replied) await interaction.editReply(body);
    else if (acknowledged) await interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
    else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
  } else if (acknowledged) await interaction.editReply(body);
  else await interaction.reply(body);
}

/** Sends a short private note (an error, the cooldown, a stale button). */
export function notify(interaction: Answerable, message: string): Promise<void> {
  return respond(interaction, noticeReply(message), { privately: true });
}
