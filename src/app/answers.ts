/** Answering a question as the bot and the local console show it: one page of quotes, as a reply. */
import { sourceOf } from "../corpus/article.js";
import type { Answer } from "../retrieval/answer.js";
import type { Retriever } from "../retrieval/retriever.js";
import { answerReply, QUOTES_PER_PAGE, type ReplyPayload } from "../reply/discord.js";

/** One page of an answer, ready to send, with what a log line needs. */
export interface AnswerPageReply {
  reply: ReplyPayload;
  answer: Answer;
  /** Whether there are quotes beyond this page. */
  hasMore: boolean;
}

/** Answers `question` and shows page `page` (0 = first) of its quotes. */
export async function answerPage(retriever: Retriever, question: string, page: number): Promise<AnswerPageReply> {
  const shown = (page + 1) * QUOTES_PER_PAGE;
  const answer = await retriever.ask(question, { limit: shown + 1 });
  const hasMore = answer.answered && answer.results.length > shown;
  const trimmed: Answer = { ...answer, results: answer.results.slice(0, shown) };
  const { snapshot } = retriever;
  const reply = answerReply({
    answer: trimmed,
    page,
    hasMore,
    buildId: snapshot.buildId,
    sourceOf: (id) => {
      const article = snapshot.articles.get(id);
      return article ? sourceOf(article) : undefined;
    },
  });
  return { reply, answer: trimmed, hasMore };
}
