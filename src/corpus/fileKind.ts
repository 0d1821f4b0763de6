/**
 * What a corpus file that is not text looks like, from its first bytes: a picture, a PDF or a
 * Word document saved under an article's name is named as such, so it can be skipped with a
 * reason a person recognises. Pure.
 */

/** Known kinds of file by their first bytes ("magic numbers"), each as a person would say it. */
const SIGNATURES: readonly { kind: string; bytes: readonly number[] }[] = [
  { kind: "a PNG image", bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { kind: "a JPEG image", bytes: [0xff, 0xd8, 0xff] },
  { kind: "a GIF image", bytes: [0x47, 0x49, 0x46, 0x38] },
  { kind: "a PDF document", bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  // .docx, .xlsx, .pptx, .odt and .epub are all ZIP archives.
  { kind: "a ZIP archive (a .docx or .odt document is one)", bytes: [0x50, 0x4b, 0x03, 0x04] },
  { kind: "a ZIP archive (a .docx or .odt document is one)", bytes: [0x50, 0x4b, 0x05, 0x06] },
  { kind: "gzip-compressed data", bytes: [0x1f, 0x8b] },
  // The old binary Word, Excel and PowerPoint format (OLE compound file).
  { kind: "a Microsoft Office document (.doc)", bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
];

/** Bytes looked at for a NUL: text never holds one, and binary formats nearly always do early on (git's rule). */
const SNIFF_BYTES = 8000;

/** Byte-order marks of UTF-16: text in another encoding (the UTF-8 check names it), not binary data. */
const UTF16_BOMS: readonly (readonly number[])[] = [
  [0xff, 0xfe],
  [0xfe, 0xff],
];

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

/** What a file's bytes look like when they are not text ("a PNG image", "binary data"), or undefined when they may be text. */
export function binaryKind(bytes: Uint8Array): string | undefined {
  for (const signature of SIGNATURES) if (startsWith(bytes, signature.bytes)) return signature.kind;
  if (UTF16_BOMS.some((bom) => startsWith(bytes, bom))) return undefined;
  return bytes.subarray(0, SNIFF_BYTES).includes(0) ? "binary data" : undefined;
}
