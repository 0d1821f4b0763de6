/**
 * The line under an answer's question that says how it was narrowed ("**Only:** outlet Voice of
 * America · since 2025-01-01 · until 2025-01-31"), and reading it back: the More and Back buttons
 * ask the question again with the same filter, read from the message as the question is.
 */
import type { ArticleFilter } from "../retrieval/scope.js";
import { DISCORD_LIMITS, escapeMarkdown, truncate, unescapeMarkdown } from "./markdown.js";

const FILTER_PREFIX = "**Only:** ";
const SEPARATOR = " · ";
/** An ISO day, as the filter holds its dates. */
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filter as one line of an answer, or undefined when it narrows nothing. */
export function filterLine(filter: ArticleFilter): string | undefined {
  const parts: string[] = [];
  for (const outlet of filter.outlets ?? []) parts.push(`outlet ${escapeMarkdown(outlet.replace(/\s+/g, " ").trim())}`);
  if (filter.since) parts.push(`since ${filter.since}`);
  if (filter.until) parts.push(`until ${filter.until}`);
  return parts.length === 0 ? undefined : FILTER_PREFIX + parts.join(SEPARATOR);
}

/** A reply's content with the filter's line under the question (its first line), within Discord's limit. */
export function withFilterLine(content: string, filter: ArticleFilter): string {
  const line = filterLine(filter);
  if (!line) return content;
  const [question, ...rest] = content.split("\n");
  return truncate([question, line, ...rest].join("\n"), DISCORD_LIMITS.content);
}

/** The filter an answer message was made with (its second line), or an empty filter when it has none. */
export function filterOfMessage(content: string): ArticleFilter {
  const line = content.split("\n", 2)[1];
  if (line === undefined || !line.startsWith(FILTER_PREFIX)) return {};
  const filter: { outlets?: string[]; since?: string; until?: string } = {};
  for (const part of line.slice(FILTER_PREFIX.length).split(SEPARATOR)) {
    const [key, ...words] = part.split(" ");
    const value = words.join(" ");
    if (key === "outlet" && value !== "") (filter.outlets ??= []).push(unescapeMarkdown(value));
    else if ((key === "since" || key === "until") && ISO_DAY.test(value)) filter[key] = value;
  }
  return filter;
}
