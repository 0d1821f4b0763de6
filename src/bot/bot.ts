/**
 * The Discord bot: a discord.js client that answers /ask and /sources and their buttons from the
 * live index, one structured log line per interaction. Every interaction is acknowledged before
 * anything that can take time (scoring, reading an article, the disk, the database): what is
 * answered at once is worked out from memory, per build, and scoring runs in worker threads
 * (app/scoringPool.ts) so that no question holds up another's acknowledgement.
 */
import { Client, Events, MessageFlags, RESTEvents, Status, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction } from "discord.js";
import { answerPage, checkQuestion, exampleFor, scoreHere, type Score } from "../app/answers.js";
import type { FeedbackStore } from "../app/feedback.js";
import type { DiscordConnection } from "../app/health.js";
import type { LiveIndex } from "../app/liveIndex.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { QuestionError } from "../retrieval/answer.js";
import { helpReply, parseButtonId, questionOfMessage, sourcesReply, type ReplyPayload, type VoteRef } from "../reply/discord.js";
import { escapeMarkdown } from "../reply/markdown.js";
import { cooldownNotice, NOTICES } from "../reply/wording.js";
import { clientOptions } from "./clientOptions.js";
import { ASK_OPTIONS, COMMANDS } from "./commands.js";
import { Cooldown } from "./cooldown.js";
import { notify, respond, type Answerable } from "./respond.js";
/** How long shutdown waits for interactions in flight. */
const DRAIN_TIMEOUT_MS = 15_000;

/** The bot's settings, from the configuration. */
export type BotConfig = Pick<Config, "DISCORD_TOKEN" | "DISCORD_API_URL" | "ASK_COOLDOWN_SECONDS" | "LOG_QUESTIONS" | "EXAMPLE_QUESTION">;

/** What one interaction's log line says (never the question's text unless LOG_QUESTIONS is on). */
interface InteractionLog {
  kind: string;
  questionLength?: number;
  question?: string;
  page?: number;
  results?: number;
  answered?: boolean;
  outcome?: string;
}

export class VerbatimBot {
  readonly client: Client;
  private readonly cooldown: Cooldown;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  /** /help's reply and the example question, worked out once per build (they read every article). */
  private perBuild: { buildId: string; example: string | undefined; help: ReplyPayload } | undefined;

  constructor(
    private readonly config: BotConfig,
    private readonly index: LiveIndex,
    private readonly logger: Logger,
    /** People's 👍 / 👎, recorded from the buttons and read back when answering. */
    private readonly feedback: FeedbackStore,
    /** Where questions are scored: the scoring workers, or this thread. */
    private readonly score: Score = scoreHere,
  ) {
    this.cooldown = new Cooldown(config.ASK_COOLDOWN_SECONDS);
    this.client = new Client(clientOptions(config.DISCORD_API_URL));
    this.client.once(Events.ClientReady, (client) => this.logger.info({ user: client.user.tag, guilds: client.guilds.cache.size }, "logged in to Discord; ready for /ask, /sources and /help"));
    this.client.on(Events.InteractionCreate, (interaction) => {
      const work = this.handle(interaction).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    });
    this.client.on(Events.Error, (error) => this.logger.error({ err: error }, "Discord client error"));
    this.client.on(Events.Warn, (message) => this.logger.warn({ message }, "Discord client warning"));
    // discord.js waits and retries on its own; the log says how often Discord asks it to. (The logger cuts the token from the URL.)
    this.client.rest.on(RESTEvents.RateLimited, (limit) =>
      this.logger.warn({ method: limit.method.toUpperCase(), url: limit.url, route: limit.route, retryAfterMs: limit.retryAfter, global: limit.global, scope: limit.scope }, "Discord rate limit: discord.js waits, then retries"),
    );
  }

  /** Logs in. The index should already be loaded and warm. */
  async start(): Promise<void> {
    if (!this.config.DISCORD_TOKEN) throw new Error("DISCORD_TOKEN is not set");
    await this.client.login(this.config.DISCORD_TOKEN);
  }

  /** The gateway connection, for the health check: connected when every shard is ready. */
  get connection(): DiscordConnection {
    if (this.stopping) return "disconnected";
    const shards = [...this.client.ws.shards.values()];
    if (shards.length > 0 && shards.every((shard) => shard.status === Status.Ready)) return "connected";
    if (shards.some((shard) => shard.status === Status.Disconnected)) return "disconnected";
    return "connecting";
  }

  /** Number of interactions being answered now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /** Finishes the interactions in flight (up to 15 s), then logs out. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.inFlight.size > 0) {
      this.logger.info({ inFlight: this.inFlight.size }, "finishing interactions in flight before logging out");
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)))]);
      clearTimeout(timer);
    }
    await this.client.destroy();
    this.logger.info("logged out of Discord");
  }

  private async handle(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand() && !interaction.isButton()) return;
    const started = performance.now();
    const log: InteractionLog = { kind: interaction.isButton() ? "button" : interaction.commandName };
    try {
      if (this.stopping) {
        log.outcome = "shutting down";
        await notify(interaction, NOTICES.shuttingDown);
      } else if (interaction.isChatInputCommand()) await this.command(interaction, log);
      else await this.button(interaction, log);
    } catch (error) {
      log.outcome = "error";
      this.logger.error({ err: error, interaction: interaction.id }, "an interaction failed");
      await this.apologise(interaction).catch((replyError: unknown) => this.logger.warn({ err: replyError, interaction: interaction.id }, "could not tell the user about the error"));
    } finally {
      this.logger.info({ interaction: interaction.id, user: interaction.user.id, ...log, ms: Math.round((performance.now() - started) * 10) / 10 }, "interaction");
    }
  }

  private async command(interaction: ChatInputCommandInteraction, log: InteractionLog): Promise<void> {
    if (interaction.commandName === COMMANDS.sources) {
      await interaction.deferReply();
      await respond(interaction, sourcesReply(this.index.source, 0));
      log.outcome = "sources";
      return;
    }
    if (interaction.commandName === COMMANDS.help) {
      await respond(interaction, this.built().help, { privately: true });
      log.outcome = "help";
      return;
    }
    if (interaction.commandName !== COMMANDS.ask) {
      log.outcome = "unknown command";
      await notify(interaction, NOTICES.unknownCommand);
      return;
    }
    const raw = interaction.options.getString(ASK_OPTIONS.question, true);
    log.questionLength = raw.length;
    if (this.config.LOG_QUESTIONS) log.question = raw;
    let question: string;
    try {
      question = checkQuestion(raw, () => {
        const example = this.example();
        return example === undefined ? undefined : escapeMarkdown(example);
      });
    } catch (error) {
      if (!(error instanceof QuestionError)) throw error;
      log.outcome = "bad question";
      await notify(interaction, error.message);
      return;
    }
    const wait = this.cooldown.take(interaction.user.id);
    if (wait > 0) {
      log.outcome = "cooldown";
      await notify(interaction, cooldownNotice(wait));
      return;
    }
    const isPrivate = interaction.options.getBoolean(ASK_OPTIONS.private) ?? false;
    await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const { reply, answer } = await answerPage(this.index.current, question, 0, { feedback: this.feedback, voting: true, score: this.score });
    await respond(interaction, reply);
    Object.assign(log, { outcome: "answered", page: 0, results: reply.embeds.length, answered: answer.answered });
  }

  private async button(interaction: ButtonInteraction, log: InteractionLog): Promise<void> {
    const ref = parseButtonId(interaction.customId);
    if (!ref) {
      log.outcome = "unknown button";
      await notify(interaction, NOTICES.unknownButton);
      return;
    }
    log.kind = `${ref.kind} button`;
    if ("page" in ref) log.page = ref.page;
    if (ref.kind === "sources") {
      await interaction.deferUpdate();
      await respond(interaction, sourcesReply(this.index.source, ref.page));
      log.outcome = "sources";
      return;
    }
    if (ref.kind === "vote") {
      await this.vote(interaction, ref, log);
      return;
    }
    const asker = interaction.message.interactionMetadata?.user.id;
    if (asker !== undefined && asker !== interaction.user.id) {
      log.outcome = "not the asker";
      await notify(interaction, NOTICES.notYours);
      return;
    }
    const retriever = this.index.current;
    if (ref.buildId !== retriever.source.buildId) {
      log.outcome = "index changed";
      await notify(interaction, NOTICES.staleButton);
      return;
    }
    const question = questionOfMessage(interaction.message.content);
    if (question === undefined) {
      log.outcome = "question not found";
      await notify(interaction, NOTICES.questionNotFound);
      return;
    }
    log.questionLength = question.length;
    if (this.config.LOG_QUESTIONS) log.question = question;
    await interaction.deferUpdate();
    const { reply, answer } = await answerPage(retriever, question, ref.page, { feedback: this.feedback, voting: true, score: this.score });
    await respond(interaction, reply);
    Object.assign(log, { outcome: "answered", results: reply.embeds.length, answered: answer.answered });
  }

  /** Records a 👍 / 👎 on an answer's first quote, anyone's, and says privately what it did. */
  private async vote(interaction: ButtonInteraction, ref: VoteRef, log: InteractionLog): Promise<void> {
    const question = questionOfMessage(interaction.message.content);
    if (question === undefined) {
      log.outcome = "question not found";
      await notify(interaction, NOTICES.questionNotFound);
      return;
    }
    log.questionLength = question.length;
    if (this.config.LOG_QUESTIONS) log.question = question;
    // Reading the article and recording the vote wait on the disk or the database: acknowledge
    // first, privately, and turn the placeholder into the note.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    // The offsets hold only in the article as it was when the answer was given.
    const { source } = this.index;
    const article = source.articles.get(ref.articleId);
    const body = article && article.hash.startsWith(ref.hash) ? await source.body(ref.articleId) : undefined;
    if (!article || body === undefined || ref.end > body.length) {
      log.outcome = "vote on a changed article";
      await notify(interaction, NOTICES.voteStale);
      return;
    }
    const choice = await this.feedback.record({ answer: interaction.message.id, user: interaction.user.id, choice: ref.choice, question, article: ref.articleId, start: ref.start, end: ref.end, quote: body.slice(ref.start, ref.end) });
    log.outcome = `vote ${choice}`;
    await notify(interaction, choice === "right" ? NOTICES.voteRight : choice === "wrong" ? NOTICES.voteWrong : NOTICES.voteWithdrawn);
  }

  /** The example question of help texts and errors: the configured one, or one from the index in use. */
  private example(): string | undefined {
    return this.built().example;
  }

  /** What /help and the example question are for the build served now, made once per build. */
  private built(): { example: string | undefined; help: ReplyPayload } {
    const { source } = this.index;
    if (this.perBuild?.buildId !== source.buildId) {
      const example = exampleFor(this.config.EXAMPLE_QUESTION, source);
      this.perBuild = { buildId: source.buildId, example, help: helpReply(source, example) };
    }
    return this.perBuild;
  }

  /** Tells the user, privately and briefly, that answering failed. */
  private async apologise(interaction: Answerable): Promise<void> {
    // A public "thinking…" placeholder would stay forever: remove it, then say so privately (a
    // private placeholder becomes the note itself).
    if (interaction.deferred && interaction.ephemeral !== true && interaction.isChatInputCommand()) await interaction.deleteReply().catch(() => undefined);
    await notify(interaction, NOTICES.error);
  }
}
