/** Bytes inspected to tell text from binary (as git and grep do: a NUL byte means binary). */
export const SNIFF_BYTES = 8192;

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((b, i) => head[at + i] === b);
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/** BMP DIB header sizes (core, v1…v5): "BM" alone would also match text files starting with "BM". */
const BMP_DIB_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

/**
 * The MIME type of an image the MCP client can display: PNG, JPEG, GIF, WebP and BMP by their magic
 * bytes, SVG (which is text) by its extension.
 */
export function imageMimeType(head: Uint8Array, fileName: string): string | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(head, ascii("GIF87a")) || startsWith(head, ascii("GIF89a"))) return "image/gif";
  if (startsWith(head, ascii("RIFF")) && startsWith(head, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(head, ascii("BM")) && head.length >= 18) {
    const dib = (head[14] as number) | ((head[15] as number) << 8) | ((head[16] as number) << 16);
    if (head[17] === 0 && BMP_DIB_SIZES.has(dib)) return "image/bmp";
  }
  if (/\.svg$/i.test(fileName)) return "image/svg+xml";
  return undefined;
}

export function looksBinary(head: Uint8Array): boolean {
  return head.indexOf(0) !== -1;
}
