/**
 * What the bot and the local console share: the loaded model and index (swapped for a rebuilt
 * index while running), and the replies to /ask and /sources. Knows nothing about Discord's wire.
 */
import { readPointer } from "../index/layout.js";
import { loadIndex, verifyBodies, type IndexSnapshot } from "../index/snapshot.js";
import type { Logger } from "../log.js";
import { sourceOf } from "../corpus/article.js";
import type { Answer } from "../retrieval/answer.js";
import { DEFAULT_WEIGHTS, Retriever } from "../retrieval/retriever.js";
import { answerReply, QUOTES_PER_PAGE, type ReplyPayload } from "./replies.js";

/** The retriever in use, replaced when `npm run index` switches the index to a new build. */
export class LiveIndex {
  private retriever: Retriever;
  private timer: NodeJS.Timeout | undefined;
  /** A build that failed to load: not retried until the pointer moves on. */
  private refused: string | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    retriever: Retriever,
    private readonly indexDir: string,
    private readonly logger: Logger,
  ) {
    this.retriever = retriever;
  }

  /** The retriever answering questions now. */
  get current(): Retriever {
    return this.retriever;
  }

  /** The index being served. */
  get snapshot(): IndexSnapshot {
    return this.retriever.snapshot;
  }

  /** Checks for a new build every `seconds`. */
  watch(seconds: number): void {
    this.timer = setInterval(() => void this.check(), seconds * 1000);
    this.timer.unref();
  }

  /** Stops watching. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Loads the build the index pointer names, if it is new; a broken one is refused and logged. */
  check(): Promise<void> {
    this.checking ??= this.reload().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async reload(): Promise<void> {
    let pointer: string | undefined;
    try {
      pointer = await readPointer(this.indexDir);
    } catch (error) {
      this.logger.warn({ err: error }, "cannot read the index pointer; still serving the loaded index");
      return;
    }
    if (pointer === undefined || pointer === this.snapshot.buildId || pointer === this.refused) return;
    try {
      const snapshot = await loadIndex(this.indexDir);
      await verifyBodies(snapshot);
      if (snapshot.manifest.model.key !== this.retriever.embedder.key) {
        throw new Error(`it was built with the model ${snapshot.manifest.model.id}, but the bot runs ${this.retriever.embedder.key}; restart the bot after changing EMBEDDING_MODEL`);
      }
      const previous = this.snapshot.buildId;
      const retriever = new Retriever(snapshot, this.retriever.embedder, DEFAULT_WEIGHTS, this.retriever.models, this.retriever.learnedRefusal);
      retriever.warmUp();
      this.retriever = retriever;
      this.refused = undefined;
      this.logger.info({ buildId: snapshot.buildId, previous, articles: snapshot.manifest.counts.articles, passages: snapshot.manifest.counts.passages }, "serving the new index");
    } catch (error) {
      this.refused = pointer;
      this.logger.error({ err: error, buildId: pointer, serving: this.snapshot.buildId }, "the new index cannot be loaded; still serving the previous one (run `npm run index` to repair it)");
    }
  }
}

/** One page of an answer, ready to send, with what a log line needs. */
export interface AnswerPageReply {
  reply: ReplyPayload;
  answer: Answer;
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
  return { reply, answer: trimmed };
}
