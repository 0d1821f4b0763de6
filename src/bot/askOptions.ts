/** /ask's filter options read from an interaction, and the outlets suggested while `outlet:` is typed. */
import type { ChatInputCommandInteraction } from "discord.js";
import { parseDateFilter } from "../retrieval/dates.js";
import type { ArticleFilter } from "../retrieval/scope.js";
import { ASK_OPTIONS } from "./commands.js";

/** Choices Discord shows at most for an autocompleted option. */
export const MAX_AUTOCOMPLETE_CHOICES = 25;
/** Discord's limit on a choice's name and value. */
export const MAX_CHOICE_LENGTH = 100;

/** /ask's outlet, since and until as a filter; a FilterError (a QuestionError) for a date that cannot be read. */
export function askFilter(interaction: ChatInputCommandInteraction, now: Date): ArticleFilter {
  const outlet = interaction.options.getString(ASK_OPTIONS.outlet)?.trim();
  const dates = parseDateFilter({ since: interaction.options.getString(ASK_OPTIONS.since) ?? undefined, until: interaction.options.getString(ASK_OPTIONS.until) ?? undefined }, now);
  return { ...(outlet ? { outlets: [outlet] } : {}), ...dates };
}

/** The outlets (of the asker's scope) holding what is typed, as Discord's choices. */
export function outletChoices(outlets: readonly string[], typed: string): { name: string; value: string }[] {
  const wanted = typed.trim().toLowerCase();
  return outlets
    .filter((outlet) => outlet.length <= MAX_CHOICE_LENGTH && outlet.toLowerCase().includes(wanted))
    .slice(0, MAX_AUTOCOMPLETE_CHOICES)
    .map((outlet) => ({ name: outlet, value: outlet }));
}
