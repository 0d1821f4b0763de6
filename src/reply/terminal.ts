/**
 * Replies as terminal text (`npm run ask`, the local console, error messages): the same words as
 * on Discord, without its markup. Article text is data, never commands to the terminal: "ESC[2J"
 * in an article would clear the screen, a lone carriage return would overwrite the line before
 * it, and bidirectional overrides would reorder what is shown. `--json` output is not passed
 * through here: it stays exact (JSON escapes every control character itself).
 */
import type { Source } from "../corpus/article.js";
import type { IndexSnapshot } from "../index/snapshot.js";
import type { Answer } from "../retrieval/answer.js";
import type { ReplyPayload } from "./discord.js";
import { stripBidiControls, unescapeMarkdown } from "./markdown.js";
import { ALSO_REPORTED_BY, answerHeadline, confidenceText, indexCounts, inSourceOrder, NOT_STATED, NOT_STATED_SHORT, passageCount } from "./wording.js";

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

/** "Title · Outlet · 2025-01-17", saying plainly when the outlet or date is not known. */
export function attribution(source: Source): string {
  return [source.title, source.outlet || NOT_STATED.outlet, source.published || NOT_STATED.date].join(" · ");
}

/** An answer as terminal text: each quote verbatim in quotation marks, then where it is from. */
export function formatAnswer(answer: Answer, sourceTitle: (id: string) => string): string {
  const lines = [`Q: ${answer.question}`, ""];
  const headline = answerHeadline(answer, { first: 0, shown: answer.results.length });
  if (headline) lines.push(headline, ...(answer.results.length > 0 ? [""] : []));
  answer.results.forEach((result, i) => {
    lines.push(`${i + 1}. “${result.quote}”`);
    lines.push(`   — ${attribution(result.source)}${result.source.url ? ` <${result.source.url}>` : ""}`);
    if (result.alsoReportedBy.length > 0) lines.push(`   ${ALSO_REPORTED_BY}: ${result.alsoReportedBy.map(sourceTitle).join("; ")}`);
    lines.push(`   ${confidenceText(result, answer.answered)}`, "");
  });
  return lines.join("\n");
}

/** The indexed articles as a terminal table, with the index's model and build time. */
export function formatSources(snapshot: IndexSnapshot): string {
  const { manifest } = snapshot;
  const rows = inSourceOrder(snapshot.articles.values()).map(
    (article) => `  ${(article.published || NOT_STATED_SHORT.date).padEnd(10)}  ${(article.outlet || NOT_STATED_SHORT.outlet).padEnd(18)}  ${passageCount(manifest.articles[article.id]?.passages ?? 0).padStart(13)}  ${article.title}`,
  );
  return [indexCounts(manifest.counts), `model ${manifest.model.id} (${manifest.model.dimensions} dimensions), built ${manifest.builtAt}`, "", ...rows, ""].join("\n");
}

/** A Discord reply as terminal text, for the local console: the same words, without Discord's markup. */
export function replyAsText(reply: ReplyPayload): string {
  const plain = (text: string) => unescapeMarkdown(text.replace(/(?<!\\)\*\*?/g, ""));
  const parts = [plain(reply.content)];
  reply.embeds.forEach((embed, i) => {
    const block = [embed.title ? plain(embed.title) : "", embed.description ? plain(embed.description) : "", embed.footer ? `  ${embed.footer.text}` : ""].filter(Boolean).join("\n");
    parts.push(reply.embeds.length > 1 ? `${i + 1}. ${block}` : block);
  });
  const buttons = reply.components.flatMap((row) => row.components.map((component) => `[${"label" in component ? component.label : ""}]`));
  if (buttons.length > 0) parts.push(`buttons: ${buttons.join(" ")}`);
  return parts.filter((part) => part !== "").join("\n\n") + "\n";
}
