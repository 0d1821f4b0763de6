/**
 * The Discord bot: a discord.js client that answers /ask and /sources and their buttons from the
 * live index, one structured log line per interaction. Every interaction is acknowledged before
 * anything that can take time (scoring, reading an article, the disk, the database): what is
 * answered at once is worked out from memory, per build, and scoring runs in worker threads
 * (app/scoringPool.ts) so that no question holds up another's acknowledgement.
 */
import {
  Client,
  Events,
  MessageFlags,
  RESTEvents,
  Status,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import { answerPage, checkQuestion, scoreHere, type Score } from "../app/answers.js";
import type { FeedbackStore } from "../app/feedback.js";
import type { DiscordConnection } from "../app/health.js";
import type { LiveIndex } from "../app/liveIndex.js";
import { rebuilderFor } from "../app/rebuild.js";
import { configuredServerArticles } from "../app/serverArticles.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { QuestionError } from "../retrieval/answer.js";
import { allowedArticles, inScope, type ArticleFilter, type ArticleScope } from "../retrieval/scope.js";
import { outletsIn, parseButtonId, questionOfMessage, sourcesReply, type VoteRef } from "../reply/discord.js";
import { filterOfMessage, withFilterLine } from "../reply/filterLine.js";
import { DISCORD_LIMITS, escapeMarkdown, truncate } from "../reply/markdown.js";
import { messageCutNote, SERVER_NOTICES } from "../reply/serverWording.js";
import { cooldownNotice, NOTICES } from "../reply/wording.js";
import { AdminCommands } from "./admin.js";
import { askFilter, outletChoices } from "./askOptions.js";
import { ScopeListings, type ScopeListing } from "./listings.js";
import { clientOptions } from "./clientOptions.js";
import { ASK_OPTIONS, COMMANDS, FIND_QUOTES_PRIVATE_BY_DEFAULT } from "./commands.js";
import { Cooldown } from "./cooldown.js";
import { questionFromMessage } from "./findQuotes.js";
import { notify, respond, type Answerable } from "./respond.js";
/** How long shutdown waits for interactions in flight. */
const DRAIN_TIMEOUT_MS = 15_000;

/** What one interaction's log line says (never the question's text unless LOG_QUESTIONS is on). */
export interface InteractionLog {
  kind: string;
  questionLength?: number;
  question?: string;
  page?: number;
  results?: number;
  answered?: boolean;
  outcome?: string;
  /** The server it came from (none for a DM). */
  guild?: string;
}

/** Who is asking: the server the interaction comes from, or no server (a DM: the shared articles only). */
export function scopeOf(interaction: Interaction): ArticleScope {
  return interaction.guildId ? { guildId: interaction.guildId } : {};
}

export class VerbatimBot {
  readonly client: Client;
  private readonly cooldown: Cooldown;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  /** /help's reply and the example question of each scope, worked out once per build (they read every article). */
  private readonly listings: ScopeListings;
  private readonly admin: AdminCommands;

  constructor(
    private readonly config: Config,
    private readonly index: LiveIndex,
    private readonly logger: Logger,
    /** People's 👍 / 👎, recorded from the buttons and read back when answering. */
    private readonly feedback: FeedbackStore,
    /** Where questions are scored: the scoring workers, or this thread. */
    private readonly score: Score = scoreHere,
  ) {
    this.cooldown = new Cooldown(config.ASK_COOLDOWN_SECONDS);
    this.listings = new ScopeListings(config.EXAMPLE_QUESTION);
    this.admin = new AdminCommands(configuredServerArticles(config), rebuilderFor(config, index, logger), config.FEEDS_POLL_MINUTES);
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
    if (interaction.isAutocomplete()) return this.autocomplete(interaction);
    if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isMessageContextMenuCommand()) return;
    const started = performance.now();
    const log: InteractionLog = { kind: interaction.isButton() ? "button" : interaction.commandName, ...(interaction.guildId ? { guild: interaction.guildId } : {}) };
    try {
      if (this.stopping) {
        log.outcome = "shutting down";
        await notify(interaction, NOTICES.shuttingDown);
      } else if (interaction.isChatInputCommand()) await this.command(interaction, log);
      else if (interaction.isMessageContextMenuCommand()) await this.findQuotes(interaction, log);
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
    const scope = scopeOf(interaction);
    if (interaction.commandName === COMMANDS.sources) {
      await interaction.deferReply();
      await respond(interaction, sourcesReply(this.index.source, 0, scope));
      log.outcome = "sources";
      return;
    }
    if (interaction.commandName === COMMANDS.help) {
      await respond(interaction, this.built(scope).help, { privately: true });
      log.outcome = "help";
      return;
    }
    if (interaction.commandName === COMMANDS.add) return this.admin.add(interaction, log);
    if (interaction.commandName === COMMANDS.feeds) return this.admin.feeds(interaction, log);
    if (interaction.commandName !== COMMANDS.ask) {
      log.outcome = "unknown command";
      await notify(interaction, NOTICES.unknownCommand);
      return;
    }
    const raw = interaction.options.getString(ASK_OPTIONS.question, true);
    log.questionLength = raw.length;
    if (this.config.LOG_QUESTIONS) log.question = raw;
    let filter: ArticleFilter = {};
    const retriever = this.index.current;
    const question = await this.admit(interaction, log, () => {
      const checked = checkQuestion(raw, () => {
        const example = this.built(scope).example;
        return example === undefined ? undefined : escapeMarkdown(example);
      });
      filter = askFilter(interaction, new Date());
      // An unknown outlet, unreadable dates or a filter that leaves nothing: said now, privately,
      // not as an empty answer. (Only the check: the scope's view is made after acknowledging.)
      allowedArticles(retriever.source.articles.values(), scope, filter);
      return checked;
    });
    if (question === undefined) return;
    const isPrivate = interaction.options.getBoolean(ASK_OPTIONS.private) ?? false;
    await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const { reply, answer } = await answerPage(retriever, question, 0, { feedback: this.feedback, voting: true, score: this.score, scope, filter });
    await respond(interaction, { ...reply, content: withFilterLine(reply.content, filter) });
    Object.assign(log, { outcome: "answered", page: 0, results: reply.embeds.length, answered: answer.answered });
  }

  /**
   * A question to answer, from `check` (which throws QuestionError for a bad one), unless the user
   * must be told otherwise first: the check's message, or how long their cooldown has to run.
   * Then undefined, with the log's outcome set.
   */
  private async admit(interaction: Answerable, log: InteractionLog, check: () => string): Promise<string | undefined> {
    let question: string;
    try {
      question = check();
    } catch (error) {
      if (!(error instanceof QuestionError)) throw error;
      log.outcome = "bad question";
      await notify(interaction, error.message);
      return undefined;
    }
    const wait = this.cooldown.take(interaction.user.id);
    if (wait > 0) {
      log.outcome = "cooldown";
      await notify(interaction, cooldownNotice(wait));
      return undefined;
    }
    return question;
  }

  /**
   * "Find quotes" on a message: its text as the question (cut to a question's length, and said
   * so), answered as /ask answers, privately by default, from the scope of the server it is used in.
   */
  private async findQuotes(interaction: MessageContextMenuCommandInteraction, log: InteractionLog): Promise<void> {
    const scope = scopeOf(interaction);
    const found = questionFromMessage(interaction.targetMessage.content ?? "");
    if (found.question === undefined) {
      log.outcome = "message without text";
      await notify(interaction, SERVER_NOTICES.messageWithoutText);
      return;
    }
    log.questionLength = found.question.length;
    if (this.config.LOG_QUESTIONS) log.question = found.question;
    const text = found.question;
    const question = await this.admit(interaction, log, () => checkQuestion(text, () => undefined));
    if (question === undefined) return;
    await interaction.deferReply(FIND_QUOTES_PRIVATE_BY_DEFAULT ? { flags: MessageFlags.Ephemeral } : {});
    const { reply, answer } = await answerPage(this.index.current, question, 0, { feedback: this.feedback, voting: true, score: this.score, scope });
    // The note goes last, after the headline: the buttons read the question from the first line.
    const content = found.cut ? truncate(`${reply.content}\n${messageCutNote(question.length, found.length)}`, DISCORD_LIMITS.content) : reply.content;
    await respond(interaction, { ...reply, content });
    Object.assign(log, { outcome: "answered", page: 0, results: reply.embeds.length, answered: answer.answered });
  }

  /** Suggestions while an option is typed: /ask's outlets (the scope's), /feeds remove's feeds (the server's, for its admins). */
  private async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    try {
      const focused = interaction.options.getFocused(true);
      let choices: { name: string; value: string }[] = [];
      if (interaction.commandName === COMMANDS.ask && focused.name === ASK_OPTIONS.outlet) {
        choices = outletChoices(outletsIn(this.index.source, scopeOf(interaction)), focused.value);
      } else if (interaction.commandName === COMMANDS.feeds) choices = await this.admin.feedChoices(interaction);
      await interaction.respond(choices);
    } catch (error) {
      // A suggestion that fails costs the person nothing but the list: logged, never apologised for.
      this.logger.warn({ err: error, interaction: interaction.id }, "could not offer suggestions");
    }
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
    // A button answers from the scope of the server it is pressed in, never from the one the
    // message was made in: whatever a message carries, nobody sees another server's articles.
    const scope = scopeOf(interaction);
    if (ref.kind === "sources") {
      await interaction.deferUpdate();
      await respond(interaction, sourcesReply(this.index.source, ref.page, scope));
      log.outcome = "sources";
      return;
    }
    if (ref.kind === "vote") {
      await this.vote(interaction, ref, scope, log);
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
    const filter = filterOfMessage(interaction.message.content);
    try {
      allowedArticles(retriever.source.articles.values(), scope, filter);
    } catch (error) {
      if (!(error instanceof QuestionError)) throw error;
      log.outcome = "bad filter";
      await notify(interaction, error.message);
      return;
    }
    await interaction.deferUpdate();
    const { reply, answer } = await answerPage(retriever, question, ref.page, { feedback: this.feedback, voting: true, score: this.score, scope, filter });
    // A "Find quotes" answer's note about a cut message stays on every page.
    const note = interaction.message.content.split("\n").find((line) => line.startsWith("-# The message is "));
    const content = withFilterLine(reply.content, filter);
    await respond(interaction, { ...reply, content: note ? truncate(`${content}\n${note}`, DISCORD_LIMITS.content) : content });
    Object.assign(log, { outcome: "answered", results: reply.embeds.length, answered: answer.answered });
  }

  /** Records a 👍 / 👎 on an answer's first quote, anyone's, in the server it is pressed in, and says privately what it did. */
  private async vote(interaction: ButtonInteraction, ref: VoteRef, scope: ArticleScope, log: InteractionLog): Promise<void> {
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
    const body = article && inScope(article.file, scope) && article.hash.startsWith(ref.hash) ? await source.body(ref.articleId) : undefined;
    // An article outside the presser's scope is treated as unknown: its existence is not confirmed.
    if (!article || !inScope(article.file, scope) || body === undefined || ref.end > body.length) {
      log.outcome = "vote on a changed article";
      await notify(interaction, NOTICES.voteStale);
      return;
    }
    const choice = await this.feedback.record({ answer: interaction.message.id, user: interaction.user.id, choice: ref.choice, question, article: ref.articleId, start: ref.start, end: ref.end, quote: body.slice(ref.start, ref.end), ...(scope.guildId ? { guild: scope.guildId } : {}) });
    log.outcome = `vote ${choice}`;
    await notify(interaction, choice === "right" ? NOTICES.voteRight : choice === "wrong" ? NOTICES.voteWrong : NOTICES.voteWithdrawn);
  }

  /** What /help and the example question are for the build served now, as `scope` sees it. */
  private built(scope: ArticleScope): ScopeListing {
    return this.listings.of(this.index.source, scope);
  }

  /** Tells the user, privately and briefly, that answering failed. */
  private async apologise(interaction: Answerable): Promise<void> {
    // A public "thinking…" placeholder would stay forever: remove it, then say so privately (a
    // private placeholder becomes the note itself).
    if (interaction.deferred && interaction.ephemeral !== true && !interaction.isButton()) await interaction.deleteReply().catch(() => undefined);
    await notify(interaction, NOTICES.error);
  }
}
