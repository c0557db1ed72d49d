/**
 * `7m05s`: minutes and whole seconds, for run times of several minutes.
 * @param {number} ms
 */
export function duration(ms) {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
