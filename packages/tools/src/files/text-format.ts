/** Longest line shown by view and in edit snippets, in characters (code points). */
export const MAX_LINE_CHARS = 2000;

/** `2.4 MB` style, binary units. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return bytes === 1 ? "1 byte" : `${bytes} bytes`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** One line as `cat -n` prints it: the number right-aligned in 6 columns, a tab, the text. */
export function numberLine(lineNumber: number, text: string): string {
  return `${String(lineNumber).padStart(6)}\t${text}`;
}

/** Cuts a line over MAX_LINE_CHARS code points, saying how long it was. */
export function clipLine(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  const chars = Array.from(text);
  if (chars.length <= MAX_LINE_CHARS) return text;
  return `${chars.slice(0, MAX_LINE_CHARS).join("")}... [truncated, ${chars.length} chars total]`;
}
