/**
 * Replies as terminal text (`npm run ask`, the local console, error messages): the same words as
 * on Discord, without its markup. Article text is data, never commands to the terminal: "ESC[2J"
 * in an article would clear the screen, a lone carriage return would overwrite the line before
 * it, and bidirectional overrides would reorder what is shown. `--json` output is not passed
 * through here: it stays exact (JSON escapes every control character itself).
 */
import type { Source } from "../corpus/article.js";
import type { IndexSource } from "../index/source.js";
import type { Answer, Quote } from "../retrieval/answer.js";
import { SOURCES_PER_PAGE, type ReplyPayload } from "./discord.js";
import { stripBidiControls } from "./markdown.js";
import { ALSO_REPORTED_BY, answerHeadline, confidenceText, inSourceOrder, NOT_STATED, NOT_STATED_SHORT, passageCount, QUESTION_LABEL, sourcesHeader, sourcesPageLine } from "./wording.js";

/** C0 controls other than tab and newline, DEL, and the C1 controls (U+0080–U+009F, which include the one-character CSI). */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/** Unicode's "control pictures" block shows C0 controls visibly: ESC is ␛ (U+241B). */
const CONTROL_PICTURES = 0x2400;

/** Shows control characters as visible symbols (ESC as ␛, DEL as ␡, C1 controls as �) and drops bidi controls. */
export function terminalSafe(text: string): string {
  return stripBidiControls(text).replace(CONTROLS, (char) => {
    const code = char.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(CONTROL_PICTURES + code);
    if (code === 0x7f) return "\u2421";
    return "\uFFFD";
  });
}

/** How terminal text shows emphasis. */
export interface TerminalStyle {
  bold(text: string): string;
}

/** No emphasis: for pipes, files and logs. */
export const PLAIN: TerminalStyle = Object.freeze({ bold: (text: string) => text });
/** ANSI bold (SGR 1, then 22 to end it), for a terminal. */
export const ANSI: TerminalStyle = Object.freeze({ bold: (text: string) => (text === "" ? "" : `\u001b[1m${text}\u001b[22m`) });

/** The style for a stream: bold only when it is a terminal. */
export function styleFor(stream: { isTTY?: boolean }): TerminalStyle {
  return stream.isTTY === true ? ANSI : PLAIN;
}

/** "Title · Outlet · 2025-01-17", saying plainly when the outlet or date is not known. */
export function attribution(source: Source): string {
  return [source.title, source.outlet || NOT_STATED.outlet, source.published || NOT_STATED.date].join(" · ");
}

/** A quote in quotation marks, its best sentence (when it is not the whole quote) in the style's bold. */
function quoteLine(quote: Quote, style: TerminalStyle): string {
  const from = Math.max(0, Math.min(quote.quote.length, quote.focus.start - quote.start));
  const to = Math.max(from, Math.min(quote.quote.length, quote.focus.end - quote.start));
  const [before, focus, after] = [quote.quote.slice(0, from), quote.quote.slice(from, to), quote.quote.slice(to)];
  if (before.trim() === "" && after.trim() === "") return `“${terminalSafe(quote.quote)}”`;
  // White space stays outside the bold, as on Discord.
  const [, lead = "", core = "", trail = ""] = /^(\s*)([\s\S]*?)(\s*)$/.exec(focus) ?? [];
  return `“${terminalSafe(before + lead)}${style.bold(terminalSafe(core))}${terminalSafe(trail + after)}”`;
}

/** An answer as terminal text: each quote verbatim in quotation marks, then where it is from. */
export function formatAnswer(answer: Answer, sourceTitle: (id: string) => string, style: TerminalStyle = PLAIN): string {
  const lines = [`${QUESTION_LABEL} ${answer.question}`, ""];
  const headline = answerHeadline(answer, { first: 0, shown: answer.results.length });
  if (headline) lines.push(headline, ...(answer.results.length > 0 ? [""] : []));
  const body: string[] = [];
  answer.results.forEach((result, i) => {
    body.push(`${i + 1}. ${quoteLine(result, style)}`);
    body.push(terminalSafe(`   — ${attribution(result.source)}${result.source.url ? ` <${result.source.url}>` : ""}`));
    if (result.alsoReportedBy.length > 0) body.push(terminalSafe(`   ${ALSO_REPORTED_BY}: ${result.alsoReportedBy.map(sourceTitle).join("; ")}`));
    body.push(`   ${confidenceText(result, answer.answered)}`, "");
  });
  return [terminalSafe(lines.join("\n")), ...body].join("\n");
}

/** The pages of the sources list: as many as /sources has on Discord. */
export function sourcesPageCount(snapshot: Pick<IndexSource, "articles">): number {
  return Math.max(1, Math.ceil(snapshot.articles.size / SOURCES_PER_PAGE));
}

/** The indexed articles in source order: all of them, or page `page` (0 = first) of them. */
function sourcesShown(snapshot: Pick<IndexSource, "articles">, page?: number) {
  const all = inSourceOrder(snapshot.articles.values());
  return page === undefined ? all : all.slice(page * SOURCES_PER_PAGE, (page + 1) * SOURCES_PER_PAGE);
}

/** The indexed articles as a terminal table, with the index's model and build time: all of them, or page `page` (0 = first). */
export function formatSources(snapshot: Pick<IndexSource, "manifest" | "articles">, page?: number): string {
  const { manifest } = snapshot;
  const rows = sourcesShown(snapshot, page).map(
    (article) => `  ${(article.published || NOT_STATED_SHORT.date).padEnd(10)}  ${(article.outlet || NOT_STATED_SHORT.outlet).padEnd(18)}  ${passageCount(manifest.articles[article.id]?.passages ?? 0).padStart(13)}  ${article.title}`,
  );
  const footer = page === undefined ? [] : [sourcesPageLine(page, sourcesPageCount(snapshot)), ""];
  return terminalSafe([...sourcesHeader(manifest.counts, manifest.model.id, manifest.model.dimensions, manifest.builtAt), "", ...rows, "", ...footer].join("\n"));
}

/** The indexed articles as data, for `--json`: what the index holds, and every article (or one page of them) with its passages. */
export function sourcesJson(snapshot: Pick<IndexSource, "manifest" | "articles">, page?: number) {
  const { manifest } = snapshot;
  return {
    articles: manifest.counts.articles,
    passages: manifest.counts.passages,
    model: manifest.model.id,
    builtAt: manifest.builtAt,
    ...(page === undefined ? {} : { page: page + 1, pages: sourcesPageCount(snapshot) }),
    sources: sourcesShown(snapshot, page).map((article) => ({ id: article.id, title: article.title, outlet: article.outlet, published: article.published, url: article.url, passages: manifest.articles[article.id]?.passages ?? 0 })),
  };
}

/**
 * Discord markup as terminal text: escapes undone, our own `**` bold in the style's bold, and the
 * `*` around titles dropped. Only unescaped markers are ours: escapeMarkdown escapes every `*`
 * and `\` of article text, so a marker is read after undoing the escapes before it, left to right.
 */
function fromMarkdown(text: string, style: TerminalStyle): string {
  let out = "";
  let run = "";
  let bold = false;
  const flush = () => {
    out += bold ? style.bold(terminalSafe(run)) : terminalSafe(run);
    run = "";
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === "\\" && i + 1 < text.length) run += text[++i];
    else if (char === "*" && text[i + 1] === "*") {
      flush();
      bold = !bold;
      i++;
    } else if (char !== "*") run += char;
  }
  flush();
  return out;
}

/**
 * A Discord reply as terminal text, for the local console: the same words, without Discord's
 * markup. Several embeds (quotes) are numbered from `firstNumber`: on page 2 of an answer, 5 to 8.
 */
export function replyAsText(reply: ReplyPayload, style: TerminalStyle = PLAIN, firstNumber = 1): string {
  const parts = [fromMarkdown(reply.content, style)];
  reply.embeds.forEach((embed, i) => {
    const block = [embed.title ? fromMarkdown(embed.title, style) : "", embed.description ? fromMarkdown(embed.description, style) : "", embed.footer ? terminalSafe(`  ${embed.footer.text}`) : ""].filter(Boolean).join("\n");
    parts.push(reply.embeds.length > 1 || firstNumber > 1 ? `${firstNumber + i}. ${block}` : block);
  });
  const buttons = reply.components.flatMap((row) => row.components.map((component) => `[${terminalSafe("label" in component ? (component.label ?? "") : "")}]`));
  if (buttons.length > 0) parts.push(`buttons: ${buttons.join(" ")}`);
  return parts.filter((part) => part !== "").join("\n\n") + "\n";
}
