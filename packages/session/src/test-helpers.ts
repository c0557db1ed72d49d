// Test helpers of this package only; the process questions shared by every package's tests are in
// @boris-mcp/test-support.
import { type ProcessGroup, spawnGroup } from "@boris-mcp/process-group";
import { type Leftovers, waitFor } from "@boris-mcp/test-support";
import type { BackgroundTask } from "./background-task.js";
import type { Session } from "./session.js";

/** A spawn function for addTask: `script` in bash, in the session's cwd, with its marker. */
export function bash(session: Session, script: string, leftovers: Leftovers): () => ProcessGroup {
  return () => {
    const group = spawnGroup("bash", ["-c", script], { cwd: session.cwd, env: session.env });
    leftovers.group(group.pgid);
    return group;
  };
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
