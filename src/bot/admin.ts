/**
 * The admin commands: /add (a page or a feed into this server's own articles) and /feeds (list,
 * remove). Discord shows them only to members with Manage Server by default, but a server can
 * change who may use a command, so each use is checked again here from the member's permissions
 * as the interaction carries them. New articles are indexed at once (the Rebuilder) and the reply
 * says when they can be asked about.
 */
import { MessageFlags, PermissionFlagsBits, type AutocompleteInteraction, type ChatInputCommandInteraction } from "discord.js";
import type { Rebuilder } from "../app/rebuild.js";
import { QuotaReachedError, type ServerArticles } from "../app/serverArticles.js";
import { DISCORD_LIMITS, truncate } from "../reply/markdown.js";
import { addReplyLines, feedsListLines, quotaReached, SERVER_NOTICES, type Answerable } from "../reply/serverWording.js";
import type { InteractionLog } from "./bot.js";
import { MAX_AUTOCOMPLETE_CHOICES, MAX_CHOICE_LENGTH } from "./askOptions.js";
import { ADD_OPTIONS, FEEDS_SUBCOMMANDS } from "./commands.js";
import { noticeReply } from "../reply/discord.js";
import { notify, respond } from "./respond.js";


/** Whether the member who used the command may manage the server (Administrator counts). */
export function mayManage(interaction: ChatInputCommandInteraction | AutocompleteInteraction): boolean {
  return interaction.inGuild() && interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true;
}

/** Handles /add and /feeds for one bot. */
export class AdminCommands {
  constructor(
    private readonly servers: ServerArticles,
    private readonly rebuilder: Rebuilder,
    /** FEEDS_POLL_MINUTES: how often a server's feeds are pulled (0: never by itself). */
    private readonly pollMinutes: number,
  ) {}

  /** Refuses a use outside a server or by a member without Manage Server; the guild id otherwise. */
  private async allowed(interaction: ChatInputCommandInteraction, log: InteractionLog): Promise<string | undefined> {
    if (!interaction.inGuild()) {
      log.outcome = "not in a server";
      await notify(interaction, SERVER_NOTICES.guildOnly);
      return undefined;
    }
    if (!mayManage(interaction)) {
      log.outcome = "not an admin";
      await notify(interaction, SERVER_NOTICES.notAdmin);
      return undefined;
    }
    return interaction.guildId;
  }

  /** /add url: fetches, keeps what fits the quota, rebuilds the index, and says when the articles are answerable. */
  async add(interaction: ChatInputCommandInteraction, log: InteractionLog): Promise<void> {
    const guildId = await this.allowed(interaction, log);
    if (guildId === undefined) return;
    const url = interaction.options.getString(ADD_OPTIONS.url, true).trim();
    // Fetching and indexing take seconds: acknowledge first, privately (only the admin needs the report).
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    let result;
    try {
      result = await this.servers.add(guildId, [url]);
    } catch (error) {
      if (!(error instanceof QuotaReachedError)) throw error;
      log.outcome = "quota reached";
      await notify(interaction, quotaReached(error.problem));
      return;
    }
    const answerable: Answerable = result.report.added.length === 0 ? { nothingNew: true } : await this.rebuilder.rebuild(`/add in ${guildId}`).then((built): Answerable => ("error" in built ? { now: false } : { now: true }));
    const feed = result.feed || result.feedListFull ? { remembered: result.feed !== undefined, listFull: result.feedListFull, pollMinutes: this.pollMinutes } : undefined;
    const lines = addReplyLines(result.report, result.overQuota, answerable, feed);
    Object.assign(log, { outcome: result.overQuota ? "added, quota reached" : "added", results: result.report.added.length });
    await respond(interaction, noticeReply(truncate(lines.join("\n"), DISCORD_LIMITS.content)), { privately: true });
  }

  /** /feeds list and /feeds remove. */
  async feeds(interaction: ChatInputCommandInteraction, log: InteractionLog): Promise<void> {
    const guildId = await this.allowed(interaction, log);
    if (guildId === undefined) return;
    const sub = interaction.options.getSubcommand(true);
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    if (sub === FEEDS_SUBCOMMANDS.remove) {
      const url = interaction.options.getString(FEEDS_SUBCOMMANDS.feed, true).trim();
      const removed = await this.servers.removeFeed(guildId, url);
      log.outcome = removed ? "feed removed" : "feed not found";
      await notify(interaction, removed ? "The feed is removed: it is no longer pulled. The articles it added stay; ask the bot's operator to remove them from this server's folder if they should go." : SERVER_NOTICES.feedNotFound);
      return;
    }
    const [feeds, usage] = await Promise.all([this.servers.feeds(guildId), this.servers.usage(guildId)]);
    log.outcome = "feeds listed";
    await respond(interaction, noticeReply(truncate(feedsListLines(feeds, usage, this.servers.limits, this.pollMinutes).join("\n"), DISCORD_LIMITS.content)), { privately: true });
  }

  /** The server's feeds matching what is typed, for /feeds remove; none for a member who may not manage the server. */
  async feedChoices(interaction: AutocompleteInteraction): Promise<{ name: string; value: string }[]> {
    if (!mayManage(interaction) || interaction.guildId === null) return [];
    const typed = interaction.options.getFocused().toLowerCase();
    const feeds = await this.servers.feeds(interaction.guildId);
    return feeds
      .filter((feed) => feed.url.length <= MAX_CHOICE_LENGTH && (feed.url.toLowerCase().includes(typed) || feed.title.toLowerCase().includes(typed)))
      .slice(0, MAX_AUTOCOMPLETE_CHOICES)
      .map((feed) => ({ name: truncate(feed.title ? `${feed.title} (${feed.url})` : feed.url, MAX_CHOICE_LENGTH), value: feed.url }));
  }
}
