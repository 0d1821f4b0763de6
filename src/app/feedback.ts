/**
 * People's 👍 / 👎 on answers, kept durably: one JSON line per click, appended to
 * FEEDBACK_DIR/votes.jsonl (flushed to disk before the click is acknowledged), never rewritten, so
 * the votes survive restarts and re-indexing. Each vote names the quote by article id and
 * offsets, with its text (so a vote on an article that later changes is not carried over to other
 * words), and the question. The voter is kept only as a hash of their Discord id: enough to count
 * distinct people, and the file holds no list of user ids (anyone who knows an id can still check
 * it). The file is read once at start; the current votes (one per person per answer) stay in memory.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { Logger } from "../log.js";

/** The file, under FEEDBACK_DIR. */
export const VOTES_FILE = "votes.jsonl";
/** The format of a line; bumped if a line's fields change meaning. */
const VOTE_FORMAT = 1;

/** A person's vote on an answer's first quote: it answers, it does not, or no vote (taken back). */
export type VoteChoice = "right" | "wrong" | "none";

const voteSchema = z.object({
  v: z.literal(VOTE_FORMAT),
  at: z.string(),
  /** The answer: the Discord message the buttons are under. */
  answer: z.string().min(1),
  /** sha256 of the voter's Discord id (hex, shortened). */
  voter: z.string().min(1),
  vote: z.enum(["right", "wrong", "none"]),
  question: z.string(),
  article: z.string().min(1),
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
  quote: z.string(),
  /** The server the vote was cast in; absent for a DM or the console. */
  guild: z.string().optional(),
});

/** One line of the file: the latest click of one person on one answer. */
export type Vote = z.infer<typeof voteSchema>;

/** What a click says, before it is recorded. */
export interface Click {
  answer: string;
  /** The voter's Discord user id (stored hashed). */
  user: string;
  choice: "right" | "wrong";
  question: string;
  article: string;
  start: number;
  end: number;
  quote: string;
  /** The server the click came from; undefined for a DM or the console. */
  guild?: string;
}

/** Whether a file is empty or ends with a newline (where the next line can start). */
async function endsWithNewline(file: FileHandle): Promise<boolean> {
  const { size } = await file.stat();
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  await file.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Hex characters kept of a voter's hash: 128 bits, no collisions among any number of people. */
const VOTER_HASH_CHARS = 32;

/** A voter as stored: a hash of their Discord id. */
export function voterOf(user: string): string {
  return createHash("sha256").update(`verbatim-voter:${user}`).digest("hex").slice(0, VOTER_HASH_CHARS);
}

/** The key of a quote: its article and offsets. */
export function quoteKey(quote: { article: string; start: number; end: number }): string {
  return `${quote.article}:${quote.start}:${quote.end}`;
}

/** What a person's click makes of their vote: the same choice again takes it back, another replaces it. */
export function nextChoice(current: VoteChoice | undefined, clicked: "right" | "wrong"): VoteChoice {
  return current === clicked ? "none" : clicked;
}

/** The votes so far, and the file they are appended to. */
export class FeedbackStore {
  /** The latest vote of each person on each answer. */
  private readonly current = new Map<string, Vote>();
  /** The same votes by the quote they are on. */
  private readonly byQuote = new Map<string, Map<string, Vote>>();
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    /** Lines of the file that could not be read (a line cut short by a crash, a hand edit). */
    readonly unreadableLines: number,
  ) {}

  /** Reads the votes kept in `dir` (none yet when it does not exist); lines that cannot be read are skipped, counted and logged. */
  static async open(dir: string, logger?: Logger): Promise<FeedbackStore> {
    const votes: Vote[] = [];
    let unreadable = 0;
    try {
      const lines = createInterface({ input: createReadStream(join(dir, VOTES_FILE)), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.trim() === "") continue;
        const parsed = (() => {
          try {
            return voteSchema.safeParse(JSON.parse(line));
          } catch {
            return undefined;
          }
        })();
        if (parsed?.success) votes.push(parsed.data);
        else unreadable++;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`Cannot read the feedback in ${join(dir, VOTES_FILE)}: check that the bot may read it, or set FEEDBACK_DIR to another folder.`, { cause: error });
    }
    if (unreadable > 0) logger?.warn({ file: join(dir, VOTES_FILE), unreadable }, "some feedback lines cannot be read and are left out (a line cut short by a crash?)");
    const store = new FeedbackStore(dir, unreadable);
    for (const vote of votes) store.remember(vote);
    return store;
  }

  /** The current votes (one per person per answer, taken-back ones included as "none"). */
  votes(): IterableIterator<Vote> {
    return this.current.values();
  }

  /**
   * The current votes on one quote; with `scope`, only those cast in its server (or, without a
   * guild id, in DMs and the console): one server's votes never move another's quotes.
   */
  votesOn(quote: { article: string; start: number; end: number }, scope?: { guildId?: string }): Iterable<Vote> {
    const votes = this.byQuote.get(quoteKey(quote))?.values() ?? [];
    return scope === undefined ? votes : [...votes].filter((vote) => vote.guild === scope.guildId);
  }

  /** Whether anyone's vote says a quote is wrong. */
  get hasWrongVotes(): boolean {
    for (const vote of this.current.values()) if (vote.vote === "wrong") return true;
    return false;
  }

  /** Records a click and returns the person's vote on that answer now. Clicks are written one at a time, each flushed to disk. */
  record(click: Click, now: Date = new Date()): Promise<VoteChoice> {
    const done = this.writing.then(async () => {
      const voter = voterOf(click.user);
      const choice = nextChoice(this.current.get(`${click.answer}:${voter}`)?.vote, click.choice);
      const vote: Vote = { v: VOTE_FORMAT, at: now.toISOString(), answer: click.answer, voter, vote: choice, question: click.question, article: click.article, start: click.start, end: click.end, quote: click.quote, ...(click.guild !== undefined ? { guild: click.guild } : {}) };
      await this.append(vote);
      this.remember(vote);
      return choice;
    });
    this.writing = done.catch(() => undefined);
    return done;
  }

  private async append(vote: Vote): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      const file = await open(join(this.dir, VOTES_FILE), "a+");
      try {
        // A line cut short by a crash (or a full disk) has no newline: glued onto it, this vote
        // would be unreadable after a restart. Start a line of its own.
        const torn = !(await endsWithNewline(file));
        await file.write(`${torn ? "\n" : ""}${JSON.stringify(vote)}\n`);
        await file.datasync();
      } finally {
        await file.close();
      }
    } catch (error) {
      throw new Error(`Cannot save the vote in ${join(this.dir, VOTES_FILE)}: check that the bot may write there, or set FEEDBACK_DIR to a writable folder.`, { cause: error });
    }
  }

  private remember(vote: Vote): void {
    const key = `${vote.answer}:${vote.voter}`;
    const previous = this.current.get(key);
    if (previous) this.byQuote.get(quoteKey(previous))?.delete(key);
    this.current.set(key, vote);
    const quote = quoteKey(vote);
    let votes = this.byQuote.get(quote);
    if (!votes) this.byQuote.set(quote, (votes = new Map()));
    votes.set(key, vote);
  }
}
