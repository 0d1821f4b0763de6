/** Shared fixtures for the reply tests. */
import fc from "fast-check";

/** Text that tries everything: markdown, mentions, links, emoji with modifiers, odd white space. */
export const HOSTILE_TEXT = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 400 }),
  fc.array(fc.constantFrom("@everyone", "@here", "<@123456789012345678>", "<@&123>", "<#1>", "**", "__", "~~", "||", "`", "```", "> ", "\n# ", "\n-# ", "\n- ", "\n1. ", "[x](https://e.x)", "https://e.x/a_b", "\\", "🧑🏽‍🚒", "🇬🇧", "é", " ", "word", ".", ":", "<t:1:R>", "<:e:1>", "\u202E", "\u2066", "discord.gg/abc", "discord.com/invite/x", "DISCORDAPP.COM/invite/y"), { maxLength: 300 }).map((parts) => parts.join("")),
);
