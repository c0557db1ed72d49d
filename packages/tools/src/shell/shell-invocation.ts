// How a script reaches the shell. `<shell> -c <script>` passes it as one argument, and Linux refuses
// an argument of MAX_ARG_STRLEN (128 KiB) or more: the exec fails and the shell never starts. A
// larger script (a big heredoc) goes through a pipe on file descriptor 3 instead, read by a short
// bootstrap that then runs it with `eval`; stdin stays /dev/null for the command.

/** Longest script passed as an argument: the kernel's MAX_ARG_STRLEN (32 pages) less its NUL. */
const MAX_ARGUMENT_BYTES = 128 * 1024 - 1;

/** Longest command bash accepts, in bytes of UTF-8 (documented in the tools README). */
export const MAX_COMMAND_BYTES = 16 * 1024 * 1024;

/**
 * Reads fd 3 to its end (the `.` keeps trailing newlines, which `$(…)` would strip), closes it for
 * the command, and runs the script in this shell, so `cd` and `exit` act as with `-c`.
 */
const BOOTSTRAP =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
  '__boris_script=$(cat <&3; echo .) && exec 3<&- && eval "unset __boris_script; ${__boris_script%.}"';

export interface ShellInvocation {
  readonly args: readonly string[];
  /** For the runner's `fd3Input`: the script, when it is too big for an argument. */
  readonly fd3Input?: string;
}

/** The arguments that make the shell run `script`. */
export function shellInvocation(script: string): ShellInvocation {
  if (Buffer.byteLength(script) <= MAX_ARGUMENT_BYTES) return { args: ["-c", script] };
  return { args: ["-c", BOOTSTRAP], fd3Input: script };
}
