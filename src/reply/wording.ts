/**
 * Every sentence and label the bot shows people, once: the Discord replies, the local console and
 * `npm run ask` all take their words from here, so a wording change is one edit. (The messages for
 * a question that cannot be asked stay with `validateQuestion` in retrieval/answer.ts: the
 * retriever itself throws them, and an earlier stage never imports a later one.)
 */
import type { Answer, Quote } from "../retrieval/answer.js";
import { matchStrength, type MatchStrength } from "./confidence.js";

/** What stands in for a field the article does not state. */
export const NOT_STATED = Object.freeze({ outlet: "outlet not stated", date: "date not stated" });
/** The same, in the terminal's narrow sources table. */
export const NOT_STATED_SHORT = Object.freeze({ outlet: "outlet n/a", date: "date n/a" });

/** Button labels (the vote buttons also show 👍 and 👎). */
export const LABELS = Object.freeze({ more: "More", back: "Back", next: "Next", right: "Answers it", wrong: "Does not answer" });
/** The vote buttons' emoji. */
export const VOTE_EMOJI = Object.freeze({ right: "👍", wrong: "👎" });

/** The title of the /sources reply. */
export const SOURCES_TITLE = "Articles I have read";
/** /sources when the index holds no article. */
export const NO_ARTICLES = "No articles yet: add article files to the corpus folder (or `npm run add -- <feed or page address>`) and run `npm run index`.";

/** Short notes sent privately, or printed by the console. */
export const NOTICES = Object.freeze({
  error: "Sorry, something went wrong while answering. It has been logged; please try again in a moment.",
  staleButton: "The articles have been re-indexed since this answer, so its pages have moved. Ask again with /ask to see the latest quotes.",
  notYours: "Only the person who asked can page through this answer. Ask it yourself with /ask to see more.",
  shuttingDown: "The bot is restarting. Please ask again in a minute.",
  unknownCommand: "This bot does not know that command any more. Try /ask, /sources or /help.",
  unknownButton: "This button is from an older version of the bot. Use /ask or /sources again.",
  questionNotFound: "I cannot find the question this button belongs to. Ask again with /ask.",
  askFirst: "Ask something first: type a question (or /ask <question>).",
  consoleStale: "The articles have been re-indexed since that answer. Ask again with /ask.",
  noMoreUnanswered: "Nothing in the articles answers that question, so there are no more quotes to show. Ask another one.",
  noMoreQuotes: "That was the last page of quotes for this question.",
  firstPage: "This is already the first page of quotes.",
  voteRight: "Thanks: you marked the first quote as answering the question. Click 👍 again to take your vote back.",
  voteWrong: "Thanks: you marked the first quote as not answering the question. When several people do, it is shown lower for similar questions. Click 👎 again to take your vote back.",
  voteWithdrawn: "Your vote on this answer is taken back.",
  voteStale: "The articles have changed since this answer, so its quote can no longer be voted on. Ask again with /ask to vote on the latest quotes.",
});

/** The note for a page of sources past the last one, in the console (/sources) or on the command line (`verbatim sources`). */
export function noSuchSourcesPage(asked: number, pages: number, command = "/sources"): string {
  return `There ${pages === 1 ? "is only 1 page" : `are only ${pages} pages`} of sources: try ${command} ${Math.min(Math.max(1, asked), pages)}.`;
}

/** The line under a page of `verbatim sources N`: which page it is, and how to see the next. */
export function sourcesPageLine(page: number, pages: number): string {
  return `page ${page + 1} of ${pages}${page + 1 < pages ? `: verbatim sources ${page + 2} shows the next` : ""}`;
}

/** The words of /help: what the bot does and its limits (how to ask: helpHow, consoleHow). */
export const HELP = Object.freeze({
  title: "What Verbatim does",
  what: "I answer questions about the news articles I have read by quoting them word for word: every word inside quotation marks is the article's own, with its title, outlet, date and link.",
  limits: "I only quote. I never write an answer of my own, summarise, translate or guess, and I know nothing beyond these articles (in English). When nothing in them answers, I say so and show the closest passages, marked “not an answer”. A quote is only as right as its article: follow the link to read it whole.",
});

/** How the bolded sentence and the match labels read, said in every "how to ask". */
const HOW_TO_READ = "The sentence that best matches your question is in bold, and each quote says how good a match it is.";

/** /help's "How to ask" on Discord, with an example question (made safe for Discord by the caller) when there is one. */
export function helpHow(example: string | undefined): string {
  const ask = example ? `Ask with /ask, e.g. “/ask question: ${example}”` : "Ask with /ask followed by your question";
  return `${ask}; add “private: True” to see the answer alone. ${HOW_TO_READ} More and Back page through further quotes; /sources lists the articles.`;
}

/** /help's "How to ask" in the local console, which has no buttons or options to click. */
export function consoleHow(example: string | undefined): string {
  const ask = example ? `Type a question, e.g. “${example}”.` : "Type a question.";
  return `${ask} ${HOW_TO_READ} Type more and back to page through further quotes, good or bad to say whether the first quote answers the question, and /sources to list the articles.`;
}

/** The note for an empty question, with an example of one when there is. */
export function emptyQuestion(example: string | undefined): string {
  return `The question is empty: ask something about the articles${example ? `, e.g. “${example}”` : ""}.`;
}

/** The most outlets /help names before "and N others". */
const HELP_OUTLETS = 5;

/** /help's "what I have read": how many articles, from which outlets, over which dates, and when they were indexed. */
export function helpReadLine(articles: readonly { outlet: string; published: string }[], builtAt: string): string {
  if (articles.length === 0) return NO_ARTICLES;
  const counts = new Map<string, number>();
  for (const article of articles) if (article.outlet) counts.set(article.outlet, (counts.get(article.outlet) ?? 0) + 1);
  const outlets = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([outlet]) => outlet);
  const named = outlets.slice(0, HELP_OUTLETS).join(", ") + (outlets.length > HELP_OUTLETS ? ` and ${outlets.length - HELP_OUTLETS} others` : "");
  const dates = articles.map((article) => article.published).filter(Boolean).sort();
  const span = dates.length === 0 ? "" : dates[0] === dates.at(-1) ? `, dated ${dates[0]}` : `, dated ${dates[0]} to ${dates.at(-1)}`;
  return `${articles.length} article${articles.length === 1 ? "" : "s"}${named ? ` from ${named}` : ""}${span}; indexed ${builtAt}.`;
}

/** The headings of /help's parts. */
export const HELP_HEADINGS = Object.freeze({ how: "How to ask", read: "What I have read", limits: "What I do not do" });

/** The note for a question asked again too soon. */
export function cooldownNotice(seconds: number): string {
  return `You are asking quickly: please wait ${seconds} second${seconds === 1 ? "" : "s"} before the next question.`;
}

/** "1 passage", "2 passages". */
export function passageCount(count: number): string {
  return `${count} passage${count === 1 ? "" : "s"}`;
}

/**
 * Why the articles do not answer, when that is known, to follow "Nothing in the articles answers
 * this": ": they never mention “Japan”" (names shown through `show`), or "".
 */
export function unansweredReason(answer: Answer, show: (name: string) => string = (name) => name): string {
  if (answer.language) return `: the question ${answer.language.name ? `looks like ${answer.language.name}` : "does not look like English"}, and the articles are in English. Please ask in English`;
  const shown = (answer.unmentioned ?? []).map((name) => `“${show(name)}”`);
  if (shown.length === 0) return "";
  return `: they never mention ${shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(", ")} or ${shown.at(-1)}`}`;
}

/**
 * The line under the question: that nothing answers (and why), that the quotes shown are only the
 * closest, or which quotes a later page holds; undefined for the first page of an answer.
 */
export function answerHeadline(answer: Answer, page: { first: number; shown: number }, show?: (name: string) => string): string | undefined {
  const reason = unansweredReason(answer, show);
  if (answer.results.length === 0) return `The articles have nothing on this${reason}.`;
  if (!answer.answered) return `Nothing in the articles answers this${reason}. The closest passages, with low confidence:`;
  if (page.first > 0) return `Quotes ${page.first + 1}–${page.first + page.shown}:`;
  return undefined;
}

/** Before the other outlets that report the same fact. */
export const ALSO_REPORTED_BY = "also reported by";

/** Each match strength in words. */
export const MATCH_LABELS: Readonly<Record<MatchStrength, string>> = Object.freeze({ strong: "strong match", possible: "possible match", weak: "weak match", none: "not an answer" });

/** What is shown with a quote: how good a match it is, in words (the score and offsets stay in `--json`), and whether people marked it wrong. */
export function confidenceText(quote: Pick<Quote, "score" | "markedWrongBy" | "kindMissing">, answered: boolean): string {
  const label = MATCH_LABELS[matchStrength(quote.score, answered, quote.kindMissing)];
  return quote.markedWrongBy ? `${label} · marked wrong by ${quote.markedWrongBy} people for a similar question` : label;
}

/** What starts the line with the question, on Discord (in bold) and on a terminal. */
export const QUESTION_LABEL = "Q:";

/** How the local console introduces itself. */
export const CONSOLE_INTRO = "Meanwhile, here is a local console that answers like the bot does.";

/** What the console takes, printed when it starts and after an unknown command. */
export function consoleHelp(example: string | undefined): string {
  return `Type a question, or:
  /ask <question>    the same: quotes that answer it${example ? `, e.g. /ask ${example}` : ""}
  more, back         the next or previous quotes of the last answer (the buttons on Discord)
  good, bad          say the last answer's first quote answers it, or does not (👍 / 👎 on Discord)
  /sources [page]    the articles the bot has read
  /help              what the bot does and does not do
  clear              clear the screen
  /quit              leave (or Ctrl+D)`;
}

/** The console's notes for good / bad, and for a screen it cannot clear. */
export const CONSOLE_NOTICES = Object.freeze({
  voteRight: "Thanks: you marked the first quote as answering the question. Type good again to take your vote back.",
  voteWrong: "Thanks: you marked the first quote as not answering the question. When several people do, it is shown lower for similar questions. Type bad again to take your vote back.",
  nothingToVoteOn: "Nothing in the articles answers that question, so there is no quote to vote on. Ask another one.",
  votesNotKept: "Votes are not kept in this console: it was started without a feedback folder.",
  notATerminal: "There is no screen to clear: the output is not a terminal.",
});

/** The console's note for a command it does not know. */
export function unknownCommand(command: string): string {
  return `Unknown command "${command}".`;
}

/** "model verbatim-static-squad-100d · built 2026-…", and the page of /sources when there are several. */
export function sourcesFooter(counts: { articles: number; passages: number }, model: string, builtAt: string, page: number, pages: number): string {
  return `${indexCounts(counts)} · model ${model} · built ${builtAt}${pages > 1 ? ` · page ${page + 1} of ${pages}` : ""}`;
}

/** The terminal's header of the sources: what the index holds, with which model, and when it was built. */
export function sourcesHeader(counts: { articles: number; passages: number }, model: string, dimensions: number, builtAt: string): string[] {
  return [indexCounts(counts), `model ${model} (${dimensions} dimensions), built ${builtAt}`];
}

/** "6 articles, 90 passages": what an index holds. */
export function indexCounts(counts: { articles: number; passages: number }): string {
  return `${counts.articles} articles, ${counts.passages} passages`;
}

/** The order the sources are listed in, everywhere: newest first, undated last, then by title. */
export function inSourceOrder<T extends { published: string; title: string }>(articles: Iterable<T>): T[] {
  return [...articles].sort((a, b) => (b.published || "").localeCompare(a.published || "") || a.title.localeCompare(b.title));
}
