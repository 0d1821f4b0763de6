/**
 * Written questions rewritten the way people type in a chat, for training and measuring the
 * learned ranking on more than SQuAD's careful wording: lowercase, no question mark, possessives
 * without the apostrophe, some small words dropped, a typo in a long word. General rules applied
 * at random (seeded), never a list of our questions. Pure.
 */
import { STOP_WORDS } from "../text/terms.js";

/** How often each change is made (per question, or per word for the dropped words). */
export const CHAT_STYLE_RATES = {
  lowercase: 0.85,
  noQuestionMark: 0.85,
  noApostrophe: 0.6,
  dropSmallWord: 0.3,
  typo: 0.35,
} as const;

/** Shortest word a typo is put in: short words are typed right, or nothing can correct them. */
const TYPO_MIN_LENGTH = 6;

/** One typo in a word: a letter dropped, doubled, two swapped, or a neighbour on the keyboard's row struck. */
function typo(word: string, random: () => number): string {
  const at = 1 + Math.floor(random() * (word.length - 2));
  const kind = Math.floor(random() * 4);
  if (kind === 0) return word.slice(0, at) + word.slice(at + 1);
  if (kind === 1) return word.slice(0, at) + word[at] + word.slice(at);
  if (kind === 2) return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
  const rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
  const row = rows.find((letters) => letters.includes(word[at]!.toLowerCase()));
  if (!row) return word.slice(0, at) + word.slice(at + 1);
  const i = row.indexOf(word[at]!.toLowerCase());
  const next = row[i + 1 < row.length ? i + 1 : i - 1]!;
  return word.slice(0, at) + next + word.slice(at + 1);
}

/** A chat-style version of a written question. */
export function chatStyle(question: string, random: () => number): string {
  let words = question.trim().split(/\s+/);
  if (random() < CHAT_STYLE_RATES.noApostrophe) words = words.map((word) => word.replace(/['’](s\b)?/g, "$1"));
  // Small words go, but never all of them, and never the first ("who", "when" say what is asked).
  words = words.filter((word, i) => i === 0 || !STOP_WORDS.has(word.toLowerCase().replace(/\W/g, "")) || random() >= CHAT_STYLE_RATES.dropSmallWord);
  if (random() < CHAT_STYLE_RATES.typo) {
    const long = words.map((word, i) => [word, i] as const).filter(([word]) => /^\p{L}+$/u.test(word) && word.length >= TYPO_MIN_LENGTH);
    if (long.length > 0) {
      const [word, i] = long[Math.floor(random() * long.length)]!;
      words[i] = typo(word, random);
    }
  }
  let text = words.join(" ");
  if (random() < CHAT_STYLE_RATES.noQuestionMark) text = text.replace(/\s*\?+$/, "");
  if (random() < CHAT_STYLE_RATES.lowercase) text = text.toLowerCase();
  return text === "" ? question : text;
}
