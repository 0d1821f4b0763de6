/**
 * Making text safe to show on Discord: escaping so that article text cannot format, ping or link,
 * and cutting to Discord's limits at whole characters (never inside an emoji or an escape).
 */

/** Discord's limits on one message (https://discord.com/developers/docs/resources/message). */
export const DISCORD_LIMITS = Object.freeze({
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFooter: 2048,
  fieldValue: 1024,
  embedTotal: 6000,
  buttonLabel: 80,
  customId: 100,
});

/**
 * Characters that start Discord markdown, mentions, custom emoji, timestamps or links (":" breaks
 * "https://" so no link forms). Each is escaped with a backslash, which Discord shows as the plain
 * character.
 */
const SPECIAL_CHARS = new Set("\\*_~`|<>@[]:");
/** Markers that only count at the start of a line: headings, "-#" small text, lists. */
const LINE_START = /^([ \t]*)(#|-|\+|\d+\.)(?=\s|#|$)/gm;

/**
 * Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): invisible,
 * they reorder the text around them ("\u202Etxt.exe" shows as "exe.txt"), so they are dropped.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const BIDI_CHARS = new Set("\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");
/**
 * Hosts that Discord turns into an invite card even without "https://"; a backslash before the
 * dot ("discord\.gg/abc") shows the same text but is no longer recognised.
 */
const INVITE_HOSTS = /(discord(?:app)?|dsc)\.(gg|com|me|io|li)\b/gi;

/** Text without bidirectional controls, as Discord and the terminal show article text. */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, "");
}

/** Where in `text` the dots of invite hosts are ("discord.gg": the index of its "."). */
export function inviteDots(text: string): Set<number> {
  const dots = new Set<number>();
  for (const match of text.matchAll(INVITE_HOSTS)) dots.add(match.index + match[1]!.length);
  return dots;
}

/**
 * Escapes text so Discord shows it as written: no formatting, no mention, no link or invite, no
 * reordering. `dots` says which dots to break (of invite hosts); a caller escaping a text in
 * pieces passes those of the whole text (without bidi controls), since a host can straddle two
 * pieces ("discord." + "gg").
 */
export function escapeMarkdown(text: string, dots?: ReadonlySet<number>): string {
  if (!dots) {
    // Bidi controls go first, so that "discord\u202E.gg" is seen as the invite it shows as.
    text = stripBidiControls(text);
    dots = inviteDots(text);
  }
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (BIDI_CHARS.has(char)) continue;
    if (SPECIAL_CHARS.has(char) || (char === "." && dots.has(i))) out += "\\";
    out += char;
  }
  return out.replace(LINE_START, (_match, indent: string, marker: string) => `${indent}${marker.replace(/^(\d*)(.)/, "$1\\$2")}`);
}

/** Undoes escapeMarkdown. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\s\S])/g, "$1");
}

/** Whether text holds no unescaped markdown, mention, link or invite character and no bidi control (as escapeMarkdown leaves it). */
export function isInert(text: string): boolean {
  if (new RegExp(BIDI_CONTROLS.source).test(text) || new RegExp(INVITE_HOSTS.source, "i").test(text)) return false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") {
      i++;
      continue;
    }
    if (SPECIAL_CHARS.has(text[i]!)) return false;
  }
  return !new RegExp(LINE_START.source, "m").test(text);
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * The user-perceived characters of a text (an emoji with modifiers is one). ICU's segmenter slows
 * down more than linearly on long strings (40,000 characters: 0.3 s), so callers pass bounded text.
 */
export function splitGraphemes(text: string): string[] {
  if (ONE_UNIT_GRAPHEMES.test(text)) return text.split("");
  return Array.from(graphemes.segment(text), (segment) => segment.segment);
}

/**
 * Texts in which every UTF-16 unit is a character of its own: printable ASCII, Latin-1 and the
 * Latin extensions, IPA and spacing modifier letters (not the combining marks at U+0300), and
 * general punctuation from U+2010 (dashes, curly quotes, ellipsis; not the zero-width joiners
 * before it). None of these extends or joins another character (UAX #29), and without CR there
 * is no CR LF pair, so splitting by unit is the segmenter's answer at a fraction of its cost:
 * most news text is only these.
 */
const ONE_UNIT_GRAPHEMES = /^[\x20-\x7e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e]*$/;

/**
 * Cuts plain text to at most `max` UTF-16 units at a whole character, ending with "…" when cut.
 * Only a prefix of `max` + 2 units is segmented, so the cost does not depend on the text's length.
 * Whether a grapheme boundary falls before a code point depends only on that code point and what
 * precedes it (UAX #29), so every boundary of the prefix at or before `max` (where the code point
 * that follows is whole) is one of the full text; only the prefix's last segment is dropped.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  const kept = splitGraphemes(text.slice(0, max + 2));
  kept.pop();
  let out = "";
  for (const g of kept) {
    if (out.length + g.length + 1 > max) break;
    out += g;
  }
  return out + "…";
}

/**
 * The longest rendering that fits: `render(k)` shows the first k characters of a text (k from 0
 * to `count`); returns the rendering for the largest k whose length is at most `max`.
 */
export function fitRendering(count: number, max: number, render: (k: number) => string): string {
  const full = render(count);
  if (full.length <= max) return full;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (render(mid).length <= max) low = mid;
    else high = mid - 1;
  }
  return render(low);
}

/** A link Discord may show: http(s), no spaces or angle brackets; wrapped in <…> so it has no preview. */
export function safeLink(url: string): string | undefined {
  return /^https?:\/\/[^\s<>"]+$/i.test(url) && url.length <= 300 ? `<${url}>` : undefined;
}
