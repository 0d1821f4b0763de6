/**
 * The words of the admin commands (/add, /feeds) and of the "Find quotes" message command. Every
 * title and address here comes from a web page or a person, so each is escaped and cut.
 */
import type { AddReport } from "../corpus/addArticles.js";
import { escapeMarkdown, safeLink, truncate } from "./markdown.js";

/** Short private notes. */
export const SERVER_NOTICES = Object.freeze({
  guildOnly: "This command works only in a server: it manages that server's own articles.",
  notAdmin: "Only members with the Manage Server permission can add articles or change this server's feeds. Ask one of the server's admins.",
  messageWithoutText: "This message has no text to find quotes for (only an embed, an attachment or a sticker). Use /ask with the words you want quotes for.",
  feedNotFound: "This server has no feed with that address. /feeds list shows its feeds.",
});

/** The note under a "Find quotes" answer whose message was cut to a question's length. */
export function messageCutNote(used: number, length: number): string {
  return `-# The message is ${length} characters long; its first ${used} were used as the question.`;
}

/** "12 kB", "3.4 MB". */
export function formatBytes(bytes: number): string {
  return bytes >= 1_000_000 ? `${(bytes / 1_000_000).toFixed(1)} MB` : `${Math.ceil(bytes / 1000)} kB`;
}

/** "7 of 500 articles, 120 kB of 50.0 MB". */
export function usageLine(usage: { articles: number; bytes: number }, limits: { maxArticles: number; maxBytes: number }): string {
  return `${usage.articles} of ${limits.maxArticles} articles, ${formatBytes(usage.bytes)} of ${formatBytes(limits.maxBytes)}`;
}

/** An address as shown: a link without a preview, or escaped text when it is not one Discord may show. */
function shownUrl(url: string): string {
  return safeLink(url) ?? escapeMarkdown(truncate(url, 200));
}

/** The note for an /add refused because the server's quota is reached. */
export function quotaReached(problem: string): string {
  return `Nothing was added: ${problem}. Ask the bot's operator for a larger quota (SERVER_MAX_ARTICLES, SERVER_MAX_BYTES), or ask them to remove articles from this server's folder.`;
}

/** What happened to the index after an /add: when the new articles can be asked about. (Why a build failed stays in the log: its message can name any server's files.) */
export type Answerable = { now: true } | { now: false } | { nothingNew: true };

/** Lines saying what an /add did, address by address, then when the new articles are answerable. */
export function addReplyLines(report: AddReport, overQuota: { files: string[]; problem: string } | undefined, answerable: Answerable, feed: { remembered: boolean; listFull: boolean; pollMinutes: number } | undefined): string[] {
  const lines: string[] = [];
  const title = (text: string) => `“${escapeMarkdown(truncate(text.replace(/\s+/g, " "), 120))}”`;
  for (const o of report.outcomes) {
    if (o.status === "added") lines.push(`Added ${title(o.title)}.`);
    else if (o.status === "known") lines.push(`Not added: this server already has it (${o.reason.startsWith("same text") ? "the same text" : "the same address"}).`);
    else if (o.status === "unchanged") lines.push(`The feed ${shownUrl(o.url)} has nothing new since it was last read.`);
    else if (o.status === "failed") lines.push(`Could not add ${shownUrl(o.url)}: ${escapeMarkdown(truncate(o.reason, 300))}.`);
    else if (o.status === "deferred") lines.push(`${shownUrl(o.url)} took too long to fetch; try again later.`);
    else {
      const name = o.title ? `${title(o.title)} ` : "";
      lines.push(`Feed ${name}${shownUrl(o.url)}: ${o.added.length} new article${o.added.length === 1 ? "" : "s"} added, ${o.known} already here, ${o.failed.length} could not be read${o.deferred > 0 ? `, ${o.deferred} left for the next pull` : ""}.`);
      for (const a of o.added.slice(0, 10)) lines.push(`- ${title(a.title)}`);
      if (o.added.length > 10) lines.push(`- and ${o.added.length - 10} more`);
    }
  }
  if (overQuota) lines.push(`${overQuota.files.length} more article${overQuota.files.length === 1 ? " was" : "s were"} fetched but not kept: ${overQuota.problem}.`);
  if (feed?.listFull) lines.push("This server's feed list is full, so the feed is not pulled again: remove one with /feeds remove first.");
  else if (feed?.remembered) lines.push(feed.pollMinutes > 0 ? `The feed is now pulled every ${feed.pollMinutes} minutes; /feeds remove stops it.` : "The feed is remembered (/feeds list), but the bot pulls feeds only when its operator sets FEEDS_POLL_MINUTES: use /add again to pull it now.");
  if ("nothingNew" in answerable) lines.push("Nothing new to index.");
  else if (answerable.now) lines.push("The new articles can be asked about now, in this server only.");
  else lines.push("The new articles are saved, but the index could not be rebuilt yet (the bot's operator has the reason in its log): they can be asked about after the next successful rebuild.");
  return lines;
}

/** The reply to /feeds list. */
export function feedsListLines(feeds: readonly { url: string; title: string; added: string }[], usage: { articles: number; bytes: number }, limits: { maxArticles: number; maxBytes: number }, pollMinutes: number): string[] {
  const lines = [`This server's own articles: ${usageLine(usage, limits)}.`];
  if (feeds.length === 0) lines.push("It has no feeds. /add with a feed's address adds its articles and keeps pulling it.");
  else {
    lines.push(pollMinutes > 0 ? `Its feeds, pulled every ${pollMinutes} minutes:` : "Its feeds (the bot's operator has not set FEEDS_POLL_MINUTES, so they are pulled only by /add):");
    for (const feed of feeds) lines.push(`- ${feed.title ? `${escapeMarkdown(truncate(feed.title, 80))} ` : ""}${shownUrl(feed.url)} (added ${feed.added.slice(0, 10)})`);
  }
  return lines;
}
