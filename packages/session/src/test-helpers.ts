// Test helpers of this package only; the process questions shared by every package's tests are in
// @boris-mcp/test-support.
import { type Leftovers, waitFor } from "@boris-mcp/test-support";
import type { BackgroundTask } from "./background-task.js";
import type { Session } from "./session.js";

/** Starts `script` in bash as a background task of `session` (its group noted for clean-up). */
export function startBash(session: Session, script: string, leftovers: Leftovers): BackgroundTask {
  const task = session.startTask(script, "bash", ["-c", script], { cwd: session.cwd });
  leftovers.group(task.run.pgid);
  return task;
}

/** Waits until the task's stdout contains `text` (e.g. a script's `ready` once its trap is set). */
export async function waitForOutput(task: BackgroundTask, text: string, timeoutMs = 5000): Promise<void> {
  if (!(await waitFor(() => task.stdout.toString().includes(text), timeoutMs))) {
    throw new Error(
      `task ${task.id} did not print ${JSON.stringify(text)}: ${JSON.stringify(task.stdout.toString())}`,
    );
  }
}

/** Ignores TERM (so do its `sleep` children: an ignored signal is inherited); only KILL ends it. */
export const TRAP_TERM = 'trap "" TERM; echo ready; while :; do sleep 0.1; done';
