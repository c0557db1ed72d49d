import { exitCodeOf } from "@boris-mcp/process-group";
import type { BackgroundTask } from "@boris-mcp/session";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

/** What task_output and task_kill return as structuredContent (fields absent when not known). */
export const taskReportSchema = z.object({
  task_id: z.string(),
  status: z.enum(["running", "completed"]),
  command: z.string().optional(),
  exit_code: z.number().int().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  timed_out: z.boolean().optional(),
  killed: z.boolean().optional(),
});

/** `exit_code` / `stderr` / `stdout` lines shared by bash and the task tools. */
export function outputSections(stdout: string, stderr: string): string {
  return (stderr ? `\nstderr:\n${stderr}` : "") + (stdout ? `\nstdout:\n${stdout}` : "");
}

export interface ReportOptions {
  /** The task was stopped by task_kill (rather than ending by itself). */
  readonly killedByRequest?: boolean;
}

/**
 * The text and structuredContent of a task's state. It does not remove the task: the caller does,
 * once a completed task's report is built (its output is read once).
 */
export function taskReport(task: BackgroundTask, options: ReportOptions = {}): CallToolResult {
  const stdout = task.stdout.toString();
  const stderr = task.stderr.toString();
  if (task.status === "running") {
    return {
      content: [
        { type: "text", text: `task_id: ${task.id}\nstatus: running${outputSections(stdout, stderr)}` },
      ],
      structuredContent: { task_id: task.id, status: "running", command: task.command, stdout, stderr },
    };
  }
  const exitCode = exitCodeOf({ code: task.exitCode, signal: task.signal });
  let status = "completed";
  if (task.timedOut) status = "completed (killed by background task timeout)";
  else if (options.killedByRequest) status = "completed (killed by task_kill)";
  return {
    content: [
      {
        type: "text",
        text: `task_id: ${task.id}\nstatus: ${status}\nexit_code: ${exitCode}${outputSections(stdout, stderr)}`,
      },
    ],
    structuredContent: {
      task_id: task.id,
      status: "completed",
      command: task.command,
      exit_code: exitCode,
      stdout,
      stderr,
      timed_out: task.timedOut,
      killed: options.killedByRequest === true,
    },
  };
}
