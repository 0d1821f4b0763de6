/**
 * The example question that help texts and errors show: the one configured (EXAMPLE_QUESTION), or
 * else one made from a title of the articles read, so that it is about whatever the corpus holds
 * rather than a topic written into the code. Pure.
 */

/** Longest example question preferred from a title: short enough for /ask's option description (100 characters) after its own words. */
export const MAX_EXAMPLE_LENGTH = 72;

/** A question about an article, made from its title; a title that asks a question is asked as it is. */
export function questionFromTitle(title: string): string {
  const clean = title.replace(/\s+/g, " ").trim();
  return clean.endsWith("?") ? clean : `what do the articles say about ${clean}`;
}

/**
 * The example question: `configured` when set; otherwise the question made from the newest
 * article's title that fits in MAX_EXAMPLE_LENGTH characters (the shortest, when none fits);
 * undefined when there is no article.
 */
export function exampleQuestion(configured: string | undefined, articles: Iterable<{ title: string; published: string }>): string | undefined {
  if (configured) return configured;
  let best: { question: string; published: string; fits: boolean } | undefined;
  for (const article of articles) {
    const question = questionFromTitle(article.title);
    const candidate = { question, published: article.published, fits: question.length <= MAX_EXAMPLE_LENGTH };
    if (!best || better(candidate, best)) best = candidate;
  }
  return best?.question;
}

/** Whether `a` makes a better example than `b`: one that fits before one that does not; among those that fit the newest, among the others the shortest; then by text, so the choice never depends on the order read. */
function better(a: { question: string; published: string; fits: boolean }, b: { question: string; published: string; fits: boolean }): boolean {
  if (a.fits !== b.fits) return a.fits;
  if (a.fits && a.published !== b.published) return a.published > b.published;
  if (!a.fits && a.question.length !== b.question.length) return a.question.length < b.question.length;
  return a.question < b.question;
}
