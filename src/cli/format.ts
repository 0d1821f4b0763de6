import type { Source } from "../corpus/article.js";
import type { IndexSnapshot } from "../index/snapshot.js";
import { unansweredReason, type Answer } from "../retrieval/answer.js";

/** "Title · Outlet · 2025-01-17", saying plainly when the outlet or date is not known. */
export function attribution(source: Source): string {
  return [source.title, source.outlet || "outlet not stated", source.published || "date not stated"].join(" · ");
}

/** An answer as terminal text: each quote verbatim in quotation marks, then where it is from. */
export function formatAnswer(answer: Answer, sourceTitle: (id: string) => string): string {
  const lines = [`Q: ${answer.question}`, ""];
  const reason = unansweredReason(answer);
  if (answer.results.length === 0) lines.push(`The articles have nothing on this${reason}.`);
  else if (!answer.answered) lines.push(`Nothing in the articles answers this${reason}. The closest passages (low confidence):`, "");
  answer.results.forEach((result, i) => {
    lines.push(`${i + 1}. “${result.quote}”`);
    lines.push(`   — ${attribution(result.source)}${result.source.url ? ` <${result.source.url}>` : ""}`);
    if (result.alsoReportedBy.length > 0) lines.push(`   also reported by: ${result.alsoReportedBy.map(sourceTitle).join("; ")}`);
    lines.push(`   ${answer.answered ? "confidence" : "low confidence"} ${result.score.toFixed(2)} · characters ${result.start}–${result.end} of ${result.source.id}`, "");
  });
  return lines.join("\n");
}

/** The indexed articles as a terminal table, with the index's model and build time. */
export function formatSources(snapshot: IndexSnapshot): string {
  const { manifest } = snapshot;
  const rows = [...snapshot.articles.values()]
    .sort((a, b) => (b.published || "").localeCompare(a.published || "") || a.title.localeCompare(b.title))
    .map((article) => `  ${(article.published || "date n/a").padEnd(10)}  ${(article.outlet || "outlet n/a").padEnd(18)}  ${String(manifest.articles[article.id]?.passages ?? 0).padStart(4)} passages  ${article.title}`);
  return [
    `${manifest.counts.articles} articles, ${manifest.counts.passages} passages`,
    `model ${manifest.model.id} (${manifest.model.dimensions} dimensions), built ${manifest.builtAt}`,
    "",
    ...rows,
    "",
  ].join("\n");
}
