/**
 * The ArrayBuffer behind `bytes` when they fill it alone (as a file read whole does), else a copy:
 * typed-array views need an aligned start, and a pooled small Buffer shares its memory with others.
 * Skipping the copy matters at scale: 60 MB of index files copied again cost ~0.2 s at start-up here.
 */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}
