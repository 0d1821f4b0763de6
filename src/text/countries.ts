import { createRequire } from "node:module";
import type { Country } from "world-countries";

/**
 * The ways English text names a country: "Iranian", "Islamic Republic of Iran", "US", "USA",
 * "United States", "American". The data is mledoze/countries (npm `world-countries`, ODbL):
 * common and official names, alternative spellings and English demonyms of 250 countries and
 * territories. Nothing here is written for a particular corpus or question.
 */
export interface CountryNames {
  /** The name people use ("United States"), which every other form is read as. */
  common: string;
  /** Sovereign states win a form they share with a territory ("American": the US, not its outlying islands). */
  independent: boolean;
  /** Every other form: official name, alternative spellings, demonyms. */
  forms: string[];
}

/** Latin letters, spaces, apostrophes, dots and hyphens only: the forms an English article writes. */
const LATIN = /^[\p{Script=Latin}\s.'’-]+$/u;
/** Words left out of a name's initials: "United States of America" is "USA". */
const INITIALS_SKIP = new Set(["of", "the", "and"]);

/**
 * Whether an abbreviation stands for one of the names: its letters are the names' initials
 * ("UK" for United Kingdom, "DPRK"). Other all-capital spellings in the data are ISO codes ("IT",
 * "IN", "NO"), which in running text are words or other things, so they are left out.
 */
function isInitialism(abbreviation: string, names: readonly string[]): boolean {
  return names.some((name) => {
    const words = name.split(/[\s-]+/).filter((word) => word !== "" && !INITIALS_SKIP.has(word.toLowerCase()));
    return words.map((word) => word[0]!.toUpperCase()).join("") === abbreviation;
  });
}

let cached: CountryNames[] | undefined;

/** Every country's names in English text (read once). */
export function countryNames(): readonly CountryNames[] {
  if (cached) return cached;
  // The minified copy (half the bytes to parse); the ESM entry imports its JSON without an import attribute, which Node 20 refuses.
  const countries = createRequire(import.meta.url)("world-countries/dist/countries.json") as Country[];
  cached = countries.map((country) => {
    const { common, official } = country.name;
    const english = country.demonyms["eng"];
    const candidates = [official, ...country.altSpellings, english?.m, english?.f];
    const forms = new Set<string>();
    for (const form of candidates) {
      if (!form || form === common || !LATIN.test(form)) continue;
      if (/^[A-Z]{2,5}$/.test(form) && !isInitialism(form, [common, official])) continue;
      forms.add(form);
    }
    return { common, independent: country.independent, forms: [...forms] };
  });
  return cached;
}
