/**
 * The "Find quotes" message command's question: a chat message's text, without what only Discord
 * reads (mentions, custom emoji, channel links, addresses). A message longer than a question may
 * be is cut at a word to the question's limit, and the reply says so: chat messages run long, and
 * their first words usually say what they are about. Pure.
 */
import { MAX_QUESTION_LENGTH } from "../retrieval/answer.js";

/** What a message gives as a question: its words (cut to fit when `cut`), or nothing to ask. */
export type MessageQuestion = { question: string; cut: boolean; length: number } | { question: undefined };

/** Mentions of users, roles and channels, custom emoji, timestamps, slash-command mentions: Discord's markup, not words. */
const DISCORD_MARKUP = /<(?:@[!&]?\d+|#\d+|a?:\w{1,32}:\d+|t:-?\d+(?::[tTdDfFR])?|\/[\w -]{1,100}:\d+)>/g;
/** Addresses: their words are not what the message says. */
const LINKS = /<?https?:\/\/\S+>?/gi;

/** The question in a message's text (`content`, possibly empty when the message is only an embed or an attachment). */
export function questionFromMessage(content: string): MessageQuestion {
  const words = content.replace(DISCORD_MARKUP, " ").replace(LINKS, " ").replace(/\s+/g, " ").trim();
  if (!/[\p{L}\p{N}]/u.test(words)) return { question: undefined };
  if (words.length <= MAX_QUESTION_LENGTH) return { question: words, cut: false, length: words.length };
  // Cut at the last space within the limit (or hard at the limit for one endless word), never inside a surrogate pair.
  let end = words.lastIndexOf(" ", MAX_QUESTION_LENGTH);
  if (end <= 0) end = MAX_QUESTION_LENGTH - (/[\uD800-\uDBFF]/.test(words[MAX_QUESTION_LENGTH - 1]!) ? 1 : 0);
  return { question: words.slice(0, end).trim(), cut: true, length: words.length };
}
