/**
 * Telling a feed from a web page by what it holds, and reading a feed's items. RSS 2.0, RSS 1.0
 * (RDF), Atom and JSON Feed are parsed by @extractus/feed-extractor (over fast-xml-parser). Pure.
 */
import { extractFromJson, extractFromXml } from "@extractus/feed-extractor";

/** What a fetched resource is. */
export type ResourceKind = "feed" | "json-feed" | "page" | "other";

/** How much of the start of a document is looked at to tell what it is. */
const SNIFF_CHARS = 2048;

/** Whether a resource is a feed, a web page or something else, from its content (its Content-Type only breaks a tie). */
export function resourceKind(contentType: string, text: string): ResourceKind {
  const start = text.slice(0, SNIFF_CHARS).replace(/^\uFEFF/, "").trimStart();
  const type = contentType.toLowerCase();
  const head = start.toLowerCase();
  if (/<(rss|feed|rdf:rdf)[\s>]/.test(head.replace(/<\?xml[^>]*>|<!--[\s\S]*?-->/g, " ")) && !/^<!doctype html|^<html/.test(head)) return "feed";
  if (/^<!doctype html|^<html|<head[\s>]|<body[\s>]/.test(head)) return "page";
  if (head.startsWith("{") && (type.includes("json") || /"version"\s*:\s*"https:\/\/jsonfeed\.org/.test(start))) return /jsonfeed\.org/.test(start) ? "json-feed" : "other";
  if (type.includes("html")) return "page";
  return "other";
}

/** One item of a feed. */
export interface FeedItem {
  title: string;
  /** The item's page, absolute http(s); items without one are left out. */
  url: string;
  /** YYYY-MM-DD, or "" when the feed does not say. */
  published: string;
}

/** A feed's own name and its items, newest first as the feed lists them. */
export interface ParsedFeed {
  title: string;
  items: FeedItem[];
}

/** A feed that cannot be read, with why. */
export class FeedParseError extends Error {
  override name = "FeedParseError";
}

function isoDate(value: unknown): string {
  if (typeof value !== "string" || value === "") return "";
  const time = Date.parse(value);
  return Number.isNaN(time) ? "" : new Date(time).toISOString().slice(0, 10);
}

/** Reads a feed (XML, or JSON Feed when `json`), resolving relative links against `baseUrl`. */
export function parseFeed(text: string, baseUrl: string, json = false): ParsedFeed {
  let data;
  try {
    data = json ? extractFromJson(text, { baseUrl, descriptionMaxLen: 0 }) : extractFromXml(text, { baseUrl, descriptionMaxLen: 0 });
  } catch (error) {
    throw new FeedParseError(`is not a readable feed: ${(error as Error).message.split("\n")[0]}`, { cause: error });
  }
  const items: FeedItem[] = [];
  const seen = new Set<string>();
  for (const entry of data.entries ?? []) {
    let url: string;
    try {
      url = new URL(String(entry.link ?? ""), baseUrl).href;
    } catch {
      continue;
    }
    if (!/^https?:\/\//.test(url) || seen.has(url) || entry.link === undefined || entry.link === "") continue;
    seen.add(url);
    items.push({ title: String(entry.title ?? "").replace(/\s+/g, " ").trim(), url, published: isoDate(entry.published) });
  }
  return { title: String(data.title ?? "").replace(/\s+/g, " ").trim(), items };
}
