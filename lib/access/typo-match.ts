/**
 * Typo tolerance for the accounts search: whether a typed term is a few slips away from the start of
 * a word, as fuzzy finders forgive "stagng" for "staging" or "devloper" for "developer". Used only
 * when nothing matches exactly (lib/access/role-search.ts), so it never adds noise to a search that
 * already finds something.
 */

/**
 * The places a term may start matching, lower-cased: each word (split at anything not a letter or
 * digit) from its start and from each capital inside it, so "FederatedReadOnly" offers
 * "federatedreadonly", "readonly" and "only".
 */
export function wordStarts(text: string): string[] {
  const starts: string[] = [];
  for (const word of text.split(/[^A-Za-z0-9]+/)) {
    if (word === "") continue;
    starts.push(word.toLowerCase());
    for (const match of word.matchAll(/(?<=[a-z0-9])[A-Z]/g)) {
      starts.push(word.slice(match.index).toLowerCase());
    }
  }
  return starts;
}

/** Slips forgiven in a term: none in very short ones (they would match almost anything). */
export function allowedSlips(term: string): number {
  if (term.length < 4) return 0;
  return term.length < 8 ? 1 : 2;
}

/**
 * The fewest insertions, deletions, substitutions or swaps of neighbours that turn `term` into some
 * beginning of `word` (so a term may still be typed only partly), stopping early above `limit`.
 */
export function slipsToWordStart(term: string, word: string, limit: number): number {
  const m = term.length;
  const n = word.length;
  // rows[i][j]: slips turning term[0..i) into word[0..j).
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i += 1) {
    const current = [i];
    let rowBest = i;
    for (let j = 1; j <= n; j += 1) {
      const same = term[i - 1] === word[j - 1];
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (same ? 0 : 1),
      );
      if (i > 1 && j > 1 && term[i - 1] === word[j - 2] && term[i - 2] === word[j - 1]) {
        best = Math.min(best, (beforePrevious[j - 2] as number) + 1);
      }
      current[j] = best;
      rowBest = Math.min(rowBest, best);
    }
    if (rowBest > limit) return rowBest;
    beforePrevious = previous;
    previous = current;
  }
  return Math.min(...previous);
}

/** Whether `term` is within its allowed slips of the start of any of `words`. */
export function nearlyMatchesAWord(term: string, words: readonly string[]): boolean {
  const limit = allowedSlips(term);
  if (limit === 0) return false;
  return words.some((word) => slipsToWordStart(term, word, limit) <= limit);
}
