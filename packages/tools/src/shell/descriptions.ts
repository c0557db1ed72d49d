import { DEFAULT_GRACE_MS, MAX_RUNNING_TASKS } from "@boris-mcp/session";
import type { ToolConfig } from "../core/tool-config.js";

// What the model reads about bash, task_output and task_kill. The numbers come from the config, so
// the text never disagrees with what the server does.

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export function bashDescription(config: ToolConfig): string {
  if (config.anthropicCompat) return compatBashDescription(config);
  return [
    `Run a shell command (\`${config.shell} -c <command>\`) and get its exit code, stderr and stdout.`,
    "",
    "- The working directory persists between calls: a `cd` carries over to the next command. Nothing else of the shell does (variables, aliases, functions, activated environments), so chain dependent steps in one command with `&&`.",
    "- stdin is closed (/dev/null): a command waiting for input gets end-of-file. Use non-interactive flags (`-y`, `--no-pager`, `git --no-pager`, `CI=1`).",
    "- A non-zero exit code is part of the result, not an error.",
    `- \`timeout\` is in milliseconds (default ${config.defaultTimeoutMs}, max ${config.maxTimeoutMs}). On timeout the command and everything it started get SIGTERM, then SIGKILL after ${seconds(DEFAULT_GRACE_MS)}.`,
    "- The call returns as soon as the shell exits: processes it leaves running in the background (`server &`) keep running until the session ends, but their later output is not captured.",
    `- For servers, watchers and other long-running commands, set \`run_in_background: true\`: you get a task_id at once; read the output with task_output (\`block: true\` waits until the command ends) and stop it with task_kill. At most ${MAX_RUNNING_TASKS} background tasks run at once; they do not change the working directory.`,
    `- stdout and stderr are each cut to ${config.outputLimit} characters, keeping the beginning and the end (errors are usually at the end).`,
    "- When the request carries a progress token, output is streamed as progress notifications while the command runs.",
  ].join("\n");
}

function compatBashDescription(config: ToolConfig): string {
  return [
    `Executes a bash command (\`${config.shell} -c\`) in a persistent working directory and returns its exit code, stderr and stdout.`,
    "",
    "Usage notes:",
    "- The command argument is required. A non-zero exit code is reported, not treated as an error.",
    `- timeout is optional and in milliseconds: up to ${config.maxTimeoutMs}ms (${config.maxTimeoutMs / 60_000} minutes). Without it the command times out after ${config.defaultTimeoutMs}ms (${config.defaultTimeoutMs / 60_000} minutes).`,
    `- If stdout or stderr exceeds ${config.outputLimit} characters, it is cut before being returned to you (the beginning and the end are kept).`,
    "- The working directory persists between calls (cd carries over); other shell state such as environment variables does not. Prefer absolute paths, and chain dependent commands with '&&'.",
    "- stdin is closed, so interactive commands cannot get input; use non-interactive flags.",
    `- Set run_in_background to true to start a long-running command (a dev server, a watcher, a long build) and continue working: it returns a task_id; read the output with task_output (block: true waits for it to finish) and stop it with task_kill. No '&' is needed with this parameter. At most ${MAX_RUNNING_TASKS} background tasks at once.`,
    "- Write a short description (5-10 words) of what the command does in the description argument.",
  ].join("\n");
}

export const bashArgumentDescriptions = {
  command: "The shell command to run.",
  timeout: (config: ToolConfig) =>
    `Timeout in milliseconds (default ${config.defaultTimeoutMs}, max ${config.maxTimeoutMs}; larger values are capped).`,
  runInBackground:
    "Start the command in the background and return a task_id at once; read its output with task_output, stop it with task_kill.",
  description: "A short description of what the command does (5-10 words); not used by the server.",
};

export function taskOutputDescription(config: ToolConfig): string {
  return [
    "Get the output of a background task started with bash `run_in_background: true`.",
    "",
    "- Returns `status: running` with the output so far, or `status: completed` with the exit code and the output (`completed (killed by background task timeout)` when the server's safety-net timeout stopped it).",
    "- A completed task's output is returned once: the task is removed afterwards, and its id is then unknown.",
    "- `block: true` waits until the task completes or `timeout` milliseconds pass (default 30000, max 600000); prefer it to calling repeatedly.",
    `- stdout and stderr are each kept to ${config.outputLimit} characters (beginning and end).`,
  ].join("\n");
}

export function taskKillDescription(): string {
  return `Stop a background task: SIGTERM to its process group (the command and everything it started), SIGKILL after ${seconds(DEFAULT_GRACE_MS)} to whatever is left. Returns the task's final output like a completed task_output, and removes the task.`;
}
