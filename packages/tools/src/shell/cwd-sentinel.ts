// The shell's working directory is read back after each foreground command through a sentinel the
// wrapper prints after the user's command: `__BORIS_CWD_<nonce>__<pwd>`. The nonce is random per
// session, so output that merely looks like a sentinel is never mistaken for one.

/** The sentinel prefix for a session's nonce. */
export function sentinelMarker(nonce: string): string {
  return `__BORIS_CWD_${nonce}__`;
}

/**
 * The script run with `<shell> -c`. Design:
 * - The command runs inside `{ …\n}` in the current shell, so `cd` takes effect; the newline
 *   before `}` ends a trailing comment or a here-document cleanly.
 * - Everything before the command stays on the first line, so the shell's own error messages
 *   (`line 3: …`) keep the line numbers of the user's command.
 * - A copy of stdout is kept on fd 9 and closed for the command itself, so the sentinel still
 *   reaches us after `exec >/dev/null` or `exec > log`, and background children do not inherit
 *   the extra descriptor. A command that redirects fd 9 only does so inside the group: the shell
 *   restores it afterwards.
 * - The sentinel is not preceded by a newline of its own: when the command's output did not end
 *   with one, the sentinel simply follows it on the same line and stripping it from the marker
 *   to its newline gives back the output exactly. (A leading newline would also be flushed as a
 *   separate write by the shell's line-buffered printf, splitting the sentinel across reads.)
 * - The directory is the shell's `$PWD` (what `pwd` prints, without forking a subshell for
 *   `$(pwd)`); the caller starts the shell with PWD set to the tracked cwd so that a logical path
 *   (through a symlink) stays logical.
 * - The exit status is the command's; when the command calls `exit` (or the shell is killed),
 *   no sentinel is printed and the tracked cwd stays as it was.
 */
export function wrapWithCwdSentinel(command: string, nonce: string): string {
  return (
    `exec 9>&1; { ${command}\n} 9>&-; __boris_ec=$?; ` +
    `printf '${sentinelMarker(nonce)}%s\\n' "$PWD" >&9; exit $__boris_ec`
  );
}

export interface ExtractedCwd {
  /** stdout without the sentinel (from its marker to its newline, inclusive). */
  readonly output: string;
  /** The directory the shell reported, or undefined when no (complete) sentinel was found. */
  readonly cwd: string | undefined;
}

/**
 * Finds the LAST sentinel in `stdout` (anything a left-behind child printed after it stays in the
 * output) and removes it.
 */
export function extractCwd(stdout: string, nonce: string): ExtractedCwd {
  const marker = sentinelMarker(nonce);
  const at = stdout.lastIndexOf(marker);
  if (at === -1) return { output: stdout, cwd: undefined };
  const pathStart = at + marker.length;
  const eol = stdout.indexOf("\n", pathStart);
  // No newline: the line was cut short, so the path cannot be trusted.
  if (eol === -1) return { output: stdout, cwd: undefined };
  return { output: stdout.slice(0, at) + stdout.slice(eol + 1), cwd: stdout.slice(pathStart, eol) };
}

/**
 * A filter for streamed stdout pieces (progress notifications) that drops the sentinel. A piece
 * that ends with what may be the start of a sentinel is held back until the next piece shows
 * whether it is one; `flush()` releases whatever is held at the end.
 */
export class SentinelFilter {
  private readonly sentinel: RegExp;
  private readonly marker: string;
  private held = "";

  constructor(nonce: string) {
    this.marker = sentinelMarker(nonce);
    this.sentinel = new RegExp(`${this.marker}[^\\n]*\\n`, "g");
  }

  filter(piece: string): string {
    let text = this.held + piece;
    this.held = "";
    if (text.includes(this.marker)) text = text.replace(this.sentinel, "");
    // A marker whose line has not ended yet.
    const open = text.lastIndexOf(this.marker);
    if (open !== -1) return this.hold(text, open);
    // Or the beginning of a marker at the very end.
    for (let k = Math.min(this.marker.length - 1, text.length); k > 0; k--) {
      if (text.endsWith(this.marker.slice(0, k))) return this.hold(text, text.length - k);
    }
    return text;
  }

  flush(): string {
    const rest = this.held;
    this.held = "";
    return rest;
  }

  private hold(text: string, from: number): string {
    this.held = text.slice(from);
    return text.slice(0, from);
  }
}
