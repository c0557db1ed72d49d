import type { BackgroundTask } from "@boris-mcp/session";
import { z } from "zod";
import { assertSessionOpen } from "../core/session-errors.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolDefinition } from "../core/tool-registry.js";
import { taskOutputDescription } from "./descriptions.js";
import { taskNotFound } from "./shell-errors.js";
import { taskReport, taskReportSchema } from "./task-report.js";

export const DEFAULT_BLOCK_MS = 30_000;
export const MAX_BLOCK_MS = 600_000;

const taskOutputInput = z.object({
  task_id: z.string().describe("The task_id returned by bash with run_in_background: true."),
  block: z
    .boolean()
    .optional()
    .describe("Wait until the task completes (or timeout passes) before answering."),
  timeout: z
    .number()
    .positive()
    .optional()
    .describe(
      `With block: how long to wait at most, in milliseconds (default ${DEFAULT_BLOCK_MS}, max ${MAX_BLOCK_MS}).`,
    ),
});

/** Resolves when the task completes, `ms` pass or `signal` aborts, whichever is first. */
function waitForTask(task: BackgroundTask, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener("abort", finish, { once: true });
    void task.done.then(finish);
  });
}

export function taskOutputTool(config: ToolConfig): ToolDefinition {
  return defineTool({
    name: "task_output",
    description: taskOutputDescription(config),
    inputSchema: taskOutputInput,
    outputSchema: taskReportSchema,
    annotations: { title: "Read a background task's output", readOnlyHint: true, openWorldHint: false },
    async handler(args, ctx) {
      assertSessionOpen(ctx.session);
      const task = ctx.session.getTask(args.task_id);
      if (!task) throw taskNotFound(args.task_id);
      if (args.block && task.status === "running") {
        await waitForTask(
          task,
          Math.min(Math.ceil(args.timeout ?? DEFAULT_BLOCK_MS), MAX_BLOCK_MS),
          ctx.signal,
        );
      }
      // A concurrent call may have read (and removed) it while this one waited.
      if (ctx.session.getTask(args.task_id) !== task) throw taskNotFound(args.task_id);
      const report = taskReport(task);
      // A completed task's output is read once.
      if (task.status === "completed") ctx.session.removeTask(task.id);
      return report;
    },
  });
}
