/**
 * pgvector's text form of a vector, "[0.1,-0.2,…]", both ways. Each float32 is written as the
 * shortest decimal that reads back as the same double, and so as the same float32: a vector
 * survives the round trip bit for bit.
 */
export function vectorLiteral(vector: ArrayLike<number>): string {
  let text = "[";
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i]!;
    if (!Number.isFinite(x)) throw new Error(`a vector component is ${x}`);
    text += (i === 0 ? "" : ",") + (Object.is(x, -0) ? "-0" : String(x));
  }
  return `${text}]`;
}

/** A vector from pgvector's text form; throws on anything else. */
export function parseVector(text: string): Float32Array {
  if (!text.startsWith("[") || !text.endsWith("]")) throw new Error(`not a pgvector value: ${text.slice(0, 40)}`);
  const parts = text.slice(1, -1).split(",");
  const vector = new Float32Array(parts.length);
  parts.forEach((part, i) => {
    const x = Number(part);
    if (part.trim() === "" || !Number.isFinite(x)) throw new Error(`not a pgvector value: ${text.slice(0, 40)}`);
    vector[i] = x;
  });
  return vector;
}
