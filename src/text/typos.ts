/**
 * Typos in questions, corrected against the corpus's own words: people type "pezeshkain" and
 * "signd" in a chat, and a word the articles never use matches nothing. Only long words are
 * corrected, within a small edit distance, to the spelling the articles use most.
 */

/** Words shorter than this are never corrected: short words have too many neighbours. */
export const MIN_CORRECTED_LENGTH = 5;
/** Words of this length or more may be two edits away; shorter ones one. */
const TWO_EDITS_FROM_LENGTH = 8;

/** Edits allowed for a word of this length (0: not corrected). */
export function allowedEdits(length: number): number {
  if (length < MIN_CORRECTED_LENGTH) return 0;
  return length >= TWO_EDITS_FROM_LENGTH ? 2 : 1;
}

/** Rows of the distance table, reused between calls (words are short; grown when a longer one comes). */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Damerau–Levenshtein distance (insertions, deletions, substitutions, swaps of neighbours) between
 * two words, or `max` + 1 as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (b.length + 1 > rows[0]!.length) rows = rows.map(() => new Int32Array(b.length + 1));
  let [before, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  // A swap reaches back two rows, so the distance must exceed `max` only when two rows in a row do.
  let previousMin = 0;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max && previousMin > max) return max + 1;
    previousMin = rowMin;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[b.length]!, max + 1);
}

/** Finds, for a misspelt word, the corpus spelling it most likely stands for. */
export class TypoCorrector {
  /**
   * Row numbers of the spellings by length and first letter, and by length and second letter: a
   * typo rarely changes both of a word's first two letters, and looking only where one of them
   * agrees skips most of a large vocabulary (71,000 words: ~10 ms → well under 1 ms a word).
   */
  private readonly byFirst = new Map<string, number[]>();
  private readonly bySecond = new Map<string, number[]>();

  /**
   * @param spellings the corpus's words (plain lowercase), one per vocabulary row
   * @param frequency how many passages use a row's word: among equally close words, the commonest wins
   */
  constructor(
    private readonly spellings: readonly string[],
    private readonly frequency: (row: number) => number,
  ) {
    spellings.forEach((spelling, row) => {
      if (spelling.length < MIN_CORRECTED_LENGTH - 2 || /\d/.test(spelling)) return;
      for (const [index, key] of [[this.byFirst, `${spelling.length}:${spelling[0]}`], [this.bySecond, `${spelling.length}:${spelling[1]}`]] as const) {
        const rows = index.get(key);
        if (rows) rows.push(row);
        else index.set(key, [row]);
      }
    });
  }

  /**
   * The row of the closest corpus word within the allowed edits, or undefined (a short word, a
   * number, nothing close). With `within`, each row's frequency in part of the corpus (a scope's
   * articles): a word that part never uses is never offered.
   */
  correct(word: string, within?: (row: number) => number): number | undefined {
    const max = allowedEdits(word.length);
    if (max === 0 || /\d/.test(word)) return undefined;
    let best: { row: number; distance: number; frequency: number } | undefined;
    const consider = (row: number) => {
      const distance = editDistance(word, this.spellings[row]!, best ? Math.min(max, best.distance) : max);
      if (distance > max) return;
      const frequency = within ? within(row) : this.frequency(row);
      if (within && frequency === 0) return;
      if (!best || distance < best.distance || (distance === best.distance && frequency > best.frequency)) best = { row, distance, frequency };
    };
    for (let length = word.length - max; length <= word.length + max; length++) {
      const first = this.byFirst.get(`${length}:${word[0]}`) ?? [];
      for (const row of first) consider(row);
      // Words whose first letter differs: the typo is in the first letter, the second agrees.
      for (const row of this.bySecond.get(`${length}:${word[1]}`) ?? []) if (this.spellings[row]![0] !== word[0]) consider(row);
    }
    return best?.row;
  }
}
