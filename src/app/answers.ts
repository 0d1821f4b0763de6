/**
 * Answering a question as people see it: the retriever's quotes, then the feedback rule
 * (demotion.ts: quotes marked wrong by several people for similar questions move down), then, for
 * the bot and the local console, one page of them as a reply.
 */
import { sourceOf } from "../corpus/article.js";
import type { IndexSource } from "../index/source.js";
import { QuestionError, validateQuestion, type Answer } from "../retrieval/answer.js";
import type { AskOptions, Retriever } from "../retrieval/retriever.js";
import { inScope, type ArticleFilter, type ArticleScope } from "../retrieval/scope.js";
import { answerReply, MAX_ANSWER_PAGES, QUOTES_PER_PAGE, type ReplyPayload } from "../reply/discord.js";
import { exampleQuestion } from "../reply/example.js";
import { emptyQuestion } from "../reply/wording.js";
import { demoteMarkedWrong } from "./demotion.js";
import type { FeedbackStore } from "./feedback.js";

/** One page of an answer, ready to send, with what a log line needs. */
export interface AnswerPageReply {
  reply: ReplyPayload;
  answer: Answer;
  /** Whether there are quotes beyond this page. */
  hasMore: boolean;
}

/** Every quote an answer can page through: a quote moved down goes last among these, never past them. */
const ALL_PAGES = MAX_ANSWER_PAGES * QUOTES_PER_PAGE;

/**
 * The example question for help texts and errors: EXAMPLE_QUESTION when configured, otherwise one
 * made from a title of the articles `scope` sees (never another server's title).
 */
export function exampleFor(configured: string | undefined, source: Pick<IndexSource, "articles">, scope: ArticleScope = {}): string | undefined {
  const seen = [...source.articles.values()].filter((article) => inScope(article.file, scope));
  return exampleQuestion(configured, seen.length === source.articles.size ? source.articles.values() : seen);
}

/**
 * A question as validateQuestion takes it, or a QuestionError a person can act on; an empty one is
 * told an example question (`example` is asked for only then).
 */
export function checkQuestion(raw: string, example: () => string | undefined): string {
  if (raw.replace(/\s+/g, " ").trim() === "") throw new QuestionError(emptyQuestion(example()));
  return validateQuestion(raw);
}

/**
 * Where a question is scored: by `retriever` itself in this thread (scoreHere), or by a worker
 * thread holding the same build (scoringPool.ts). Either way the answer is `retriever`'s build's.
 */
export type Score = (retriever: Retriever, question: string, options: AskOptions) => Promise<Answer>;

/** Scores in this thread. */
export const scoreHere: Score = (retriever, question, options) => retriever.ask(question, options);

/**
 * The retriever's answer with the feedback rule applied (without feedback, the retriever's answer
 * as it is): only votes cast in the same scope count (a server's, or DMs' and the CLI's). The
 * scope and filter are checked here, in this thread, so that a FilterError reaches the caller as
 * one even when a worker thread scores the question.
 */
export async function answerQuestion(retriever: Retriever, question: string, options: AskOptions = {}, feedback?: FeedbackStore, score: Score = scoreHere): Promise<Answer> {
  retriever.view(options.scope, options.filter);
  const answer = await score(retriever, question, options);
  const scope = options.scope ?? {};
  return feedback ? demoteMarkedWrong(answer, (quote) => feedback.votesOn({ article: quote.source.id, start: quote.start, end: quote.end }, scope)) : answer;
}

/**
 * Answers `question` and shows page `page` (0 = first) of its quotes, with 👍 / 👎 buttons when
 * `voting` (on Discord; the console has nothing to click), scored by `score` (this thread by
 * default) and formatted from `retriever`'s build. Once anyone has marked a quote wrong, every
 * page is cut from all the quotes an answer can page through, so that a quote moved down stays on
 * one page rather than slipping off each page as the next is asked for (the retriever's first
 * quotes are the same whatever the limit). `scope` and `filter` are the question's (AskOptions):
 * the same scope and filter give the same quotes on every page.
 */
export async function answerPage(
  retriever: Retriever,
  question: string,
  page: number,
  { feedback, voting = false, score, scope, filter }: { feedback?: FeedbackStore; voting?: boolean; score?: Score; scope?: ArticleScope; filter?: ArticleFilter } = {},
): Promise<AnswerPageReply> {
  const shown = (page + 1) * QUOTES_PER_PAGE;
  const answer = await answerQuestion(retriever, question, { limit: feedback?.hasWrongVotes ? ALL_PAGES : shown + 1, ...(scope ? { scope } : {}), ...(filter ? { filter } : {}) }, feedback, score);
  const hasMore = answer.answered && answer.results.length > shown;
  const trimmed: Answer = { ...answer, results: answer.results.slice(0, shown) };
  const { source: snapshot } = retriever;
  const reply = answerReply({
    answer: trimmed,
    page,
    hasMore,
    buildId: snapshot.buildId,
    sourceOf: (id) => {
      const article = snapshot.articles.get(id);
      return article ? sourceOf(article) : undefined;
    },
    articleHash: voting ? (id) => snapshot.articles.get(id)?.hash : undefined,
  });
  return { reply, answer: trimmed, hasMore };
}
