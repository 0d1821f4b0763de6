/**
 * The discord.js client's options for a bot that runs for weeks: it caches what answering needs
 * (its guilds, their channels and roles) and nothing that grows with the people who use it.
 */
import { GatewayIntentBits, Options, type ClientOptions, type GuildMember, type User } from "discord.js";

/** Users kept in the cache besides the bot itself: each interaction carries its user, so none. */
export const MAX_CACHED_USERS = 0;
/** Everything else the bot never reads (members, messages, presences…): each interaction's payload has what it needs. */
const NOT_NEEDED = 0;
/** How often the sweepers run (seconds): a second line behind the limits, cheap at this pace. */
export const SWEEP_INTERVAL_SECONDS = 3_600;
/** Archived threads are dropped after this long (seconds); thread channels cannot be size-limited. */
const ARCHIVED_THREAD_LIFETIME_SECONDS = 3_600;

/** The bot's own user and member are kept: discord.js uses them for its permission checks. */
const isSelf = (entry: User | GuildMember): boolean => entry.id === entry.client.user?.id;
/** A sweep filter that drops everything but the bot itself. */
const allButSelf = () => (entry: User | GuildMember) => !isSelf(entry);

/** Intents, allowed mentions, the REST base URL, and bounded caches with sweepers. */
export function clientOptions(apiUrl: string): ClientOptions {
  return {
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: { api: apiUrl },
    // Guilds, channels, roles and permission overwrites stay unlimited: discord.js needs them, and they grow only with servers.
    makeCache: Options.cacheWithLimits({
      UserManager: { maxSize: MAX_CACHED_USERS, keepOverLimit: isSelf },
      GuildMemberManager: { maxSize: NOT_NEEDED, keepOverLimit: isSelf },
      MessageManager: NOT_NEEDED,
      DMMessageManager: NOT_NEEDED,
      GuildMessageManager: NOT_NEEDED,
      PresenceManager: NOT_NEEDED,
      ReactionManager: NOT_NEEDED,
      ReactionUserManager: NOT_NEEDED,
      VoiceStateManager: NOT_NEEDED,
      ThreadManager: NOT_NEEDED,
      GuildTextThreadManager: NOT_NEEDED,
      GuildForumThreadManager: NOT_NEEDED,
      ThreadMemberManager: NOT_NEEDED,
      GuildEmojiManager: NOT_NEEDED,
      BaseGuildEmojiManager: NOT_NEEDED,
      ApplicationEmojiManager: NOT_NEEDED,
      GuildStickerManager: NOT_NEEDED,
      GuildScheduledEventManager: NOT_NEEDED,
      GuildInviteManager: NOT_NEEDED,
      GuildBanManager: NOT_NEEDED,
      StageInstanceManager: NOT_NEEDED,
      AutoModerationRuleManager: NOT_NEEDED,
      ApplicationCommandManager: NOT_NEEDED,
      EntitlementManager: NOT_NEEDED,
    }),
    sweepers: {
      users: { interval: SWEEP_INTERVAL_SECONDS, filter: allButSelf },
      guildMembers: { interval: SWEEP_INTERVAL_SECONDS, filter: allButSelf },
      messages: { interval: SWEEP_INTERVAL_SECONDS, lifetime: SWEEP_INTERVAL_SECONDS },
      threads: { interval: SWEEP_INTERVAL_SECONDS, lifetime: ARCHIVED_THREAD_LIFETIME_SECONDS },
    },
  };
}
