/**
 * Discord replies as plain JSON payloads (what discord.js sends as is): answers with their quotes,
 * the sources list, and the buttons that page through them. Every payload is within Discord's
 * limits, and nothing from an article or a question can format, ping or link.
 */
// The payload types and enums come from discord-api-types (what discord.js itself re-exports): the
// console and the CLI build these payloads too, and should not load the whole Discord client.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from "discord-api-types/v10";
import type { Source } from "../corpus/article.js";
import type { IndexSource } from "../index/source.js";
import type { Answer, Quote } from "../retrieval/answer.js";
import { outletsIn as outletsOf, scopedListing, type ArticleScope } from "../retrieval/scope.js";
import { DISCORD_LIMITS, escapeMarkdown, fitRendering, inviteDots, safeLink, splitGraphemes, stripBidiControls, truncate, unescapeMarkdown } from "./markdown.js";
import { ALSO_REPORTED_BY, answerHeadline, confidenceText, HELP, HELP_HEADINGS, helpHow, helpReadLine, inSourceOrder, LABELS, NO_ARTICLES, NOT_STATED, passageCount, QUESTION_LABEL, SOURCES_TITLE, sourcesFooter, VOTE_EMOJI } from "./wording.js";

/** What every reply carries: no mention in it can ping anyone. */
export const NO_MENTIONS = Object.freeze({ parse: [] as never[] });

/** A message body for Discord: sent with reply, editReply, update or followUp. */
export interface ReplyPayload {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowedMentions: { parse: never[] };
}

/** Quotes per page of an answer. */
export const QUOTES_PER_PAGE = 4;
/** Pages of quotes an answer offers at most (the rest are too far from the question to help). */
export const MAX_ANSWER_PAGES = 5;
/** Articles per page of /sources. */
export const SOURCES_PER_PAGE = 10;
/** Longest example question /help shows (a configured one can be as long as a question). */
const MAX_EXAMPLE_SHOWN = 300;

const COLOUR_ANSWER = 0x2b6cb0;
const COLOUR_LOW_CONFIDENCE = 0x808080;
const QUESTION_PREFIX = `**${QUESTION_LABEL}** `;

/** What a "More" / "Back" button needs to show a page of an answer, even after a restart. */
export interface AnswerPageRef {
  page: number;
  /** The index build the answer came from: a changed index means the pages no longer line up. */
  buildId: string;
}

/** Encodes an answer page button's custom_id: `ask:<page>:<buildId>`. The question is read from the message. */
export function answerPageId(ref: AnswerPageRef): string {
  return `ask:${ref.page}:${ref.buildId}`;
}

/** Encodes a /sources page button's custom_id. */
export function sourcesPageId(page: number): string {
  return `sources:${page}`;
}

/** A 👍 / 👎 on an answer: what it says of which quote. */
export interface VoteRef {
  choice: "right" | "wrong";
  /** The quote voted on, by where it stands: article id and offsets. */
  articleId: string;
  start: number;
  end: number;
  /** The start of the article's hash when the answer was given: a changed article means the offsets no longer hold. */
  hash: string;
}

/** Hex digits of the article's hash a vote button carries: enough to see that the article changed. */
const VOTE_HASH_CHARS = 8;

/**
 * Encodes a vote button's custom_id: `vote:<r|w>:<hash>:<start>:<end>:<articleId>`. At most
 * 7 + 9 + 8 + 8 + 64 = 96 characters (offsets below 2 MB, ids of at most 64): within Discord's 100.
 */
export function voteId(ref: VoteRef): string {
  return `vote:${ref.choice === "right" ? "r" : "w"}:${ref.hash.slice(0, VOTE_HASH_CHARS)}:${ref.start}:${ref.end}:${ref.articleId}`;
}

/** A parsed button custom_id, or undefined for one this bot did not make. */
export type ButtonRef = ({ kind: "ask" } & AnswerPageRef) | { kind: "sources"; page: number } | ({ kind: "vote" } & VoteRef);

/** Reads a button's custom_id. */
export function parseButtonId(customId: string): ButtonRef | undefined {
  const ask = /^ask:(\d{1,2}):([\w-]{1,64})$/.exec(customId);
  if (ask) return { kind: "ask", page: Number(ask[1]), buildId: ask[2]! };
  const sources = /^sources:(\d{1,4})$/.exec(customId);
  if (sources) return { kind: "sources", page: Number(sources[1]) };
  const vote = /^vote:([rw]):([0-9a-f]{8}):(\d{1,7}):(\d{1,7}):([a-z0-9][a-z0-9_-]{0,63})$/.exec(customId);
  if (vote && Number(vote[3]) < Number(vote[4])) return { kind: "vote", choice: vote[1] === "r" ? "right" : "wrong", hash: vote[2]!, start: Number(vote[3]), end: Number(vote[4]), articleId: vote[5]! };
  return undefined;
}

/** The question an answer message was for, read back from its first line. */
export function questionOfMessage(content: string): string | undefined {
  const first = content.split("\n", 1)[0]!;
  if (!first.startsWith(QUESTION_PREFIX)) return undefined;
  const question = unescapeMarkdown(first.slice(QUESTION_PREFIX.length)).trim();
  return question === "" ? undefined : question;
}

function button(customId: string, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary, emoji?: string): APIButtonComponent {
  return { type: ComponentType.Button, custom_id: customId, label, style, ...(emoji ? { emoji: { name: emoji } } : {}) };
}

/** "Title · Outlet · 2025-01-17", escaped, saying plainly what is not known. */
function attributionLine(source: Source): string {
  const title = `*${escapeMarkdown(truncate(source.title, 120))}*`;
  const outlet = escapeMarkdown(truncate(source.outlet || NOT_STATED.outlet, 60));
  const date = escapeMarkdown(truncate(source.published || NOT_STATED.date, 20));
  const link = safeLink(source.url);
  return `— ${[title, outlet, date, ...(link ? [link] : [])].join(" · ")}`;
}

/** The quote in quotation marks, its best sentence in bold, cut (at whole characters) to fit `max`. */
function quoteText(quote: Quote, max: number): string {
  // Bidi controls are dropped before cutting, so the invite hosts found in the whole quote are where
  // they show; each piece is escaped with those, since a host can straddle two pieces.
  const text = stripBidiControls(quote.quote);
  const chars = splitGraphemes(text);
  const dots = inviteDots(text);
  const startOf = [0];
  for (const g of chars) startOf.push(startOf.at(-1)! + g.length);
  // Where the focus sentence starts and ends, in characters of the quote (trimmed of white space).
  let focusFrom = 0;
  let focusTo = chars.length;
  let offset = quote.start;
  chars.forEach((g, i) => {
    if (offset < quote.focus.start) focusFrom = i + 1;
    if (offset < quote.focus.end) focusTo = i + 1;
    offset += g.length;
  });
  while (focusFrom < focusTo && /^\s+$/.test(chars[focusFrom]!)) focusFrom++;
  while (focusTo > focusFrom && /^\s+$/.test(chars[focusTo - 1]!)) focusTo--;
  // A one-sentence quote is all focus: emphasis would add nothing.
  const emphasise = focusFrom > 0 || focusTo < chars.length;
  const render = (k: number) => {
    const cut = k < chars.length;
    const part = (from: number, to: number) => {
      const a = Math.min(from, k);
      const shift = startOf[a]!;
      return escapeMarkdown(chars.slice(a, Math.min(to, k)).join(""), new Set([...dots].map((dot) => dot - shift)));
    };
    const before = part(0, focusFrom);
    let focus = part(focusFrom, focusTo);
    // Bold needs text that does not end in white space or a lone backslash escape.
    focus = focus.replace(/\s+$/, "");
    const after = cut ? "" : part(focusTo, chars.length);
    const bold = focus === "" || !emphasise ? focus : `**${focus}**`;
    return `“${before}${bold}${after}${cut ? "…" : ""}”`;
  };
  return fitRendering(chars.length, max, render);
}

/** One quote as an embed: the quote, where it is from, who else reported it, and how sure we are. */
function quoteEmbed(quote: Quote, answered: boolean, titleOf: (id: string) => Source | undefined, descriptionBudget: number): APIEmbed {
  const tail = [attributionLine(quote.source)];
  if (quote.alsoReportedBy.length > 0) {
    const others = quote.alsoReportedBy.map((id) => {
      const source = titleOf(id);
      return source ? source.outlet || source.title : id;
    });
    tail.push(`${ALSO_REPORTED_BY} ${escapeMarkdown(truncate(others.join("; "), 200))}`);
  }
  const tailText = tail.join("\n");
  const description = `${quoteText(quote, descriptionBudget - tailText.length - 2)}\n\n${tailText}`;
  return {
    description,
    color: answered ? COLOUR_ANSWER : COLOUR_LOW_CONFIDENCE,
    footer: { text: truncate(confidenceText(quote, answered), 200) },
  };
}

/** Sum of the embed text Discord counts towards its 6,000-character total. */
export function embedLength(embed: APIEmbed): number {
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0) + (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0);
}

/** What a page of an answer shows. */
export interface AnswerPage {
  answer: Answer;
  /** Which page (0 = first) of quotes this is; `answer.results` holds all quotes up to and including it. */
  page: number;
  /** Whether there are quotes beyond this page. */
  hasMore: boolean;
  buildId: string;
  /** The source of any article id, for "also reported by". */
  sourceOf: (id: string) => Source | undefined;
  /** The hash of an article in the index: given, the first page of an answered question gets 👍 / 👎 buttons on its first quote. */
  articleHash?: (id: string) => string | undefined;
}

/** The reply to /ask (and to its More / Back buttons). */
export function answerReply({ answer, page, hasMore, buildId, sourceOf, articleHash }: AnswerPage): ReplyPayload {
  const quotes = answer.results.slice(page * QUOTES_PER_PAGE, (page + 1) * QUOTES_PER_PAGE);
  // The question stays on the first line, where the buttons read it back from.
  const lines = [QUESTION_PREFIX + escapeMarkdown(answer.question.replace(/\s+/g, " ").trim())];
  const headline = answerHeadline(answer, { first: page * QUOTES_PER_PAGE, shown: quotes.length }, escapeMarkdown);
  if (headline) lines.push(headline);
  const content = truncate(lines.join("\n"), DISCORD_LIMITS.content);
  // Share Discord's 6,000-character embed total between the quotes.
  const budget = Math.min(DISCORD_LIMITS.embedDescription, Math.floor((DISCORD_LIMITS.embedTotal - 250 * quotes.length) / Math.max(1, quotes.length)));
  const embeds = quotes.map((quote) => quoteEmbed(quote, answer.answered, sourceOf, budget));
  // The budgets above keep the total within Discord's limit; should they ever not, drop quotes rather than fail.
  while (embeds.length > 1 && embeds.reduce((sum, embed) => sum + embedLength(embed), 0) > DISCORD_LIMITS.embedTotal) embeds.pop();
  const buttons: APIButtonComponent[] = [];
  // The vote is on the answer: its first quote, the one the bot puts forward.
  const first = answer.results[0];
  const hash = first && answer.answered && page === 0 ? articleHash?.(first.source.id) : undefined;
  if (first && hash) {
    const target = { articleId: first.source.id, start: first.start, end: first.end, hash };
    buttons.push(button(voteId({ ...target, choice: "right" }), LABELS.right, ButtonStyle.Secondary, VOTE_EMOJI.right));
    buttons.push(button(voteId({ ...target, choice: "wrong" }), LABELS.wrong, ButtonStyle.Secondary, VOTE_EMOJI.wrong));
  }
  if (page > 0) buttons.push(button(answerPageId({ page: page - 1, buildId }), LABELS.back, ButtonStyle.Secondary));
  if (hasMore && page + 1 < MAX_ANSWER_PAGES) buttons.push(button(answerPageId({ page: page + 1, buildId }), LABELS.more, ButtonStyle.Primary));
  return { content, embeds, components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [], allowedMentions: { parse: [] } };
}

/** The reply to /sources (and its page buttons): the articles `scope` sees (the shared ones by default), counted in that scope only, with the index's build and model. */
export function sourcesReply(source: Pick<IndexSource, "manifest" | "articles">, requestedPage: number, scope: ArticleScope = {}): ReplyPayload {
  const snapshot = scopedListing(source, scope);
  const { manifest } = snapshot;
  const articles = inSourceOrder(snapshot.articles.values());
  const pages = sourcesPages(snapshot);
  const page = Math.min(Math.max(0, requestedPage), pages - 1);
  const shown = articles.slice(page * SOURCES_PER_PAGE, (page + 1) * SOURCES_PER_PAGE);
  const lines = shown.map((article) => {
    const passages = manifest.articles[article.id]?.passages ?? 0;
    const link = safeLink(article.url);
    const facts = [escapeMarkdown(truncate(article.outlet || NOT_STATED.outlet, 40)), escapeMarkdown(truncate(article.published || NOT_STATED.date, 20)), passageCount(passages), ...(link ? [link] : [])];
    return `**${escapeMarkdown(truncate(article.title, 100))}**\n${facts.join(" · ")}`;
  });
  const description = lines.length > 0 ? lines.join("\n\n") : NO_ARTICLES;
  const footer = sourcesFooter(manifest.counts, manifest.model.id, manifest.builtAt, page, pages);
  const buttons: APIButtonComponent[] = [];
  if (page > 0) buttons.push(button(sourcesPageId(page - 1), LABELS.back, ButtonStyle.Secondary));
  if (page + 1 < pages) buttons.push(button(sourcesPageId(page + 1), LABELS.next, ButtonStyle.Primary));
  return {
    content: "",
    embeds: [{ title: SOURCES_TITLE, description, color: COLOUR_ANSWER, footer: { text: truncate(footer, 300) } }],
    components: buttons.length > 0 ? [{ type: ComponentType.ActionRow, components: buttons }] : [],
    allowedMentions: { parse: [] },
  };
}

/** The pages /sources has for an index, as `scope` sees it. */
export function sourcesPages(snapshot: Pick<IndexSource, "manifest" | "articles">, scope: ArticleScope = {}): number {
  return Math.max(1, Math.ceil(scopedListing(snapshot, scope).articles.size / SOURCES_PER_PAGE));
}

/** The outlets the articles `scope` sees name (what /ask's outlet: autocompletes from), sorted. */
export function outletsIn(source: Pick<IndexSource, "articles">, scope: ArticleScope = {}): string[] {
  return outletsOf(source.articles.values(), scope);
}

/**
 * The reply to /help: what the bot does, how to ask (`how`: Discord's words, or the console's),
 * with `example` as the example question, what it has read, and what it does not do.
 */
export function helpReply(snapshot: Pick<IndexSource, "manifest" | "articles">, example: string | undefined, how: (example: string | undefined) => string = helpHow): ReplyPayload {
  const read = escapeMarkdown(truncate(helpReadLine([...snapshot.articles.values()], snapshot.manifest.builtAt), 1000));
  // The example can be an article's title: data, so escaped like any other.
  const howText = how(example === undefined ? undefined : escapeMarkdown(truncate(example, MAX_EXAMPLE_SHOWN)));
  const description = [HELP.what, `**${HELP_HEADINGS.how}**\n${howText}`, `**${HELP_HEADINGS.read}**\n${read}`, `**${HELP_HEADINGS.limits}**\n${HELP.limits}`].join("\n\n");
  return { content: "", embeds: [{ title: HELP.title, description: truncate(description, DISCORD_LIMITS.embedDescription), color: COLOUR_ANSWER }], components: [], allowedMentions: { parse: [] } };
}

/** A short reply with one message (errors, cooldown, a stale button). */
export function noticeReply(message: string): ReplyPayload {
  return { content: truncate(message, DISCORD_LIMITS.content), embeds: [], components: [], allowedMentions: { parse: [] } };
}
