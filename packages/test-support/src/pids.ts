// Pids that test commands print (`echo $$`, `echo $!`), one per line.
import { waitFor } from "./wait.js";

/** The integers (pids) that stand alone on a line of `text`. */
export function pidsIn(text: string): number[] {
  return text
    .split("\n")
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}

/**
 * Waits until `read()` holds `count` whole lines that are pids (a last line without its newline may
 * still be half written), and returns the first `count`.
 */
export async function readPids(read: () => string, count: number, timeoutMs = 5000): Promise<number[]> {
  const pids = () => {
    const text = read();
    return pidsIn(text.slice(0, text.lastIndexOf("\n") + 1));
  };
  if (!(await waitFor(() => pids().length >= count, timeoutMs))) {
    throw new Error(`expected ${count} pids, got output ${JSON.stringify(read())}`);
  }
  return pids().slice(0, count);
}
