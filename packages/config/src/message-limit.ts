/** Room for the JSON-RPC envelope and the other arguments of a request carrying a whole file. */
const ENVELOPE_BYTES = 1024 * 1024;

/**
 * The largest protocol message the servers accept (an HTTP request body, a line on stdin): a file
 * of --max-file-size inside a JSON string, where escaping at most doubles text (quotes,
 * backslashes, newlines and tabs take two bytes), plus a megabyte for the envelope. Only raw
 * control characters, which escape to six bytes (`\u0001`), can make such a file's message larger.
 */
export function maxMessageBytes(maxFileSize: number): number {
  return maxFileSize * 2 + ENVELOPE_BYTES;
}
