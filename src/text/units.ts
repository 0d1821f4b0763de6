/**
 * Units as news writes them after a number: "100m" and "100 metres", "5kg", "70mph", "£2bn",
 * "20%" and "20 per cent". Each abbreviation is read as the words it stands for, so both ways of
 * writing meet in the same terms. Written here rather than taken from a units library because
 * those key units for conversion ("m/h" for miles per hour in convert-units) and know nothing of
 * how text abbreviates them or of money ("m" after a currency sign is million, not metres).
 *
 * Abbreviations are read as units only straight after a numeral ("100m", "100 m"): alone, "m",
 * "g" or "in" are letters and words.
 */
const AFTER_NUMBERS: ReadonlyMap<string, string> = new Map([
  // length
  ["mm", "millimetres"], ["cm", "centimetres"], ["m", "metres"], ["km", "kilometres"], ["ft", "feet"], ["yd", "yards"], ["mi", "miles"],
  // mass
  ["mg", "milligrams"], ["g", "grams"], ["kg", "kilograms"], ["kgs", "kilograms"], ["lb", "pounds"], ["lbs", "pounds"], ["oz", "ounces"],
  // volume, area
  ["ml", "millilitres"], ["sq", "square"], ["ha", "hectares"],
  // speed ("km/h" is "km" then "h")
  ["mph", "miles per hour"], ["kph", "kilometres per hour"], ["kmh", "kilometres per hour"],
  // time
  ["h", "hours"], ["hr", "hours"], ["hrs", "hours"], ["min", "minutes"], ["mins", "minutes"], ["sec", "seconds"], ["secs", "seconds"], ["yr", "years"], ["yrs", "years"],
  // power, energy, data
  ["kw", "kilowatts"], ["mw", "megawatts"], ["gw", "gigawatts"], ["kwh", "kilowatt hours"], ["gwh", "gigawatt hours"], ["kb", "kilobytes"], ["mb", "megabytes"], ["gb", "gigabytes"], ["tb", "terabytes"],
  // amounts of money and things
  ["bn", "billion"], ["tn", "trillion"], ["trn", "trillion"],
]);

/** After a currency sign ("$5m", "£3.5bn"), these are amounts, not units. */
const AFTER_CURRENCY: ReadonlyMap<string, string> = new Map([
  ["m", "million"], ["mn", "million"], ["k", "thousand"], ["b", "billion"], ["bn", "billion"], ["tn", "trillion"], ["trn", "trillion"],
]);

/** Currency signs that may stand before a number. */
export const CURRENCY_SIGNS = /[$£€¥₹₽]/;

/** The words an abbreviation written after a numeral stands for, if it is one. */
export function unitWords(abbreviation: string, afterCurrency: boolean): string | undefined {
  const lower = abbreviation.toLowerCase();
  return (afterCurrency ? AFTER_CURRENCY.get(lower) : undefined) ?? AFTER_NUMBERS.get(lower);
}

/** Phrases that are one word in another spelling ("per cent" is "percent"; "%" is read as "percent" too). */
export const UNIT_PHRASES: readonly (readonly [phrase: string, word: string])[] = [
  ["per cent", "percent"],
];
