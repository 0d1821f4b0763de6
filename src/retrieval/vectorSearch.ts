/** A row of the matrix and its dot product with the query. */
export interface VectorHit {
  row: number;
  score: number;
}

/** Dot product of every row of a row-major matrix with a vector. */
export function dotAll(matrix: Float32Array, dimensions: number, vector: Float32Array): Float32Array {
  const rows = matrix.length / dimensions;
  const scores = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    const base = row * dimensions;
    for (let d = 0; d < dimensions; d++) sum += matrix[base + d]! * vector[d]!;
    scores[row] = sum;
  }
  return scores;
}

/** The `limit` highest scores, best first (a bounded selection, not a full sort). */
export function topScores(scores: Float32Array, limit: number): VectorHit[] {
  const hits: VectorHit[] = [];
  let floor = -Infinity;
  for (let row = 0; row < scores.length; row++) {
    const score = scores[row]!;
    if (hits.length >= limit && score <= floor) continue;
    hits.push({ row, score });
    if (hits.length > limit * 2) {
      hits.sort((a, b) => b.score - a.score);
      hits.length = limit;
      floor = hits[limit - 1]!.score;
    }
  }
  return hits.sort((a, b) => b.score - a.score || a.row - b.row).slice(0, limit);
}
