/**
 * A question as people type it in a chat, made plain for retrieval: chat shorthand written out
 * ("w/" → "with", "b4" → "before", "whats" → "what is"), and the filler and hedges that say
 * nothing about what is asked ("ok dumb question but", "anyone know", "like", "actually",
 * "or nah", "lol") taken out, so they neither dilute the question's words nor hide its question
 * word. General rules of chat English, never a list of our questions. Pure.
 */

/** Chat shorthand and contractions written without the apostrophe, written out (whole words, lowercase). */
const SHORTHAND: ReadonlyMap<string, string> = new Map([
  ["w/", "with"],
  ["w/o", "without"],
  ["b4", "before"],
  ["bc", "because"],
  ["cuz", "because"],
  ["coz", "because"],
  ["bcuz", "because"],
  ["govt", "government"],
  ["gov", "government"],
  ["pres", "president"],
  ["ppl", "people"],
  ["u", "you"],
  ["ur", "your"],
  ["r", "are"],
  ["y", "why"],
  ["abt", "about"],
  ["thru", "through"],
  ["yrs", "years"],
  ["yr", "year"],
  ["mins", "minutes"],
  ["hrs", "hours"],
  ["whats", "what is"],
  ["whos", "who is"],
  ["wheres", "where is"],
  ["whens", "when is"],
  ["hows", "how is"],
  ["whys", "why is"],
  ["dont", "do not"],
  ["doesnt", "does not"],
  ["didnt", "did not"],
  ["isnt", "is not"],
  ["wasnt", "was not"],
  ["arent", "are not"],
  ["werent", "were not"],
  ["wont", "will not"],
  ["cant", "can not"],
  ["havent", "have not"],
  ["hasnt", "has not"],
]);

/**
 * Filler: openers, hedges and tags of chat that carry no content. Each is matched on whole words,
 * case-insensitively, and removed with the punctuation that sets it off.
 */
const FILLER: readonly RegExp[] = [
  // Openers and asides about the asking itself.
  /\b(?:ok(?:ay)?\s+)?(?:so\s+)?(?:(?:a|this|one|my)\s+)?(?:dumb|stupid|silly|quick|random|genuine|serious|honest|real)\s+(?:question|q)\b(?:\s+(?:but|here|though|tho|lol))?/gi,
  /\b(?:does|do|did)?\s*(?:any\s?one|any\s?body|someone|somebody)\s+(?:here\s+)?(?:know|remember|have\s+any\s+idea)\b(?:\s+(?:if|whether))?/gi,
  /\bcan\s+(?:some\s?one|any\s?one|somebody|anybody|you|u)\s+(?:please\s+|pls\s+)?(?:tell|explain\s+to|remind)\s+me\b/gi,
  /\b(?:i\s+(?:was|am|m)\s+)?(?:just\s+)?wondering\b(?:\s+(?:if|whether))?/gi,
  /\bi\s+(?:keep\s+)?(?:heard|hear|read|saw|see)\s+(?:somewhere\s+)?(?:that\s+)?(?=\w)/gi,
  /\b(?:i\s+)?(?:don'?t|dont|do\s+not)\s+(?:really\s+)?(?:get|understand|know)\s+(?=(?:what|why|how|who|when|where|which|if|whether)\b)/gi,
  /\b(?:i\s+)?(?:can'?t|cant|cannot)\s+remember\s+(?=(?:what|why|how|who|when|where|which|if|whether)\b)/gi,
  /\bi\s+(?:mean|guess|think)\b(?=[\s,])/gi,
  /\bwait\s+so\b/gi,
  // Tags at the end: "or nah", "or not", "or what", "right?", "again?".
  /\bor\s+(?:nah|naw|not|no|what)\b(?=\W*$)/gi,
  /\b(?:right|again|tho|though|exactly|anyway|anyways)\b(?=\W*$)/gi,
  // Hedges, interjections and reactions anywhere.
  /\b(?:lol|lmao|lmfao|rofl|haha+|hehe+|tbh|ngl|idk|imo|imho|fr|smh|omg|pls|plz|please|thx|thanks|bro|bruh|dude|guys|folks|y'?all|um+|uh+|hmm+|huh|yo|hey|hi|hello)\b/gi,
  /\b(?:actually|basically|literally|really|honestly|seriously|kinda|sorta|kind\s+of|sort\s+of|like|just|even|anyway|anyways|rn|right\s+now)\b/gi,
  // Lone openers ("ok so", "so", "wait", "well") before the question proper.
  /^(?:\W*\b(?:ok(?:ay)?|so|wait|well|also|and|but|alright|right)\b)+/i,
];

/** Whole words of a question, with what stands between them kept. */
const TOKEN = /[\p{L}\p{N}][\p{L}\p{N}/'’]*/gu;

/** Writes out chat shorthand, word by word. */
export function expandShorthand(question: string): string {
  return question.replace(TOKEN, (word) => {
    const lower = word.toLowerCase().replace(/’/g, "'");
    const long = SHORTHAND.get(lower);
    if (long === undefined) return word;
    return word === word.toUpperCase() && word.length > 1 ? long.toUpperCase() : long;
  });
}

/** Removes chat filler, then tidies the white space and punctuation it leaves. */
export function removeFiller(question: string): string {
  let text = question;
  for (const pattern of FILLER) text = text.replace(pattern, " ");
  return text
    .replace(/\s+([,;:?!.])/g, "$1")
    .replace(/([,;:])(?:\s*[,;:])+/g, "$1")
    .replace(/^[\s,;:.!-]+|[\s,;:-]+$/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The question retrieval works on: shorthand written out, filler removed. Falls back to the
 * question as asked when nothing with a letter or digit would be left ("lol?").
 */
export function plainQuestion(question: string): string {
  const expanded = expandShorthand(question);
  const plain = removeFiller(expanded);
  return /[\p{L}\p{N}]/u.test(plain) ? plain : question;
}
