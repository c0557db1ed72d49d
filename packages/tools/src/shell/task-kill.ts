import { z } from "zod";
import { assertSessionOpen } from "../core/session-errors.js";
import { defineTool, type ToolDefinition } from "../core/tool-registry.js";
import { taskKillDescription } from "./descriptions.js";
import { taskNotFound } from "./shell-errors.js";
import { taskReport, taskReportSchema } from "./task-report.js";

const taskKillInput = z.object({
  task_id: z.string().describe("The task_id returned by bash with run_in_background: true."),
});

export function taskKillTool(): ToolDefinition {
  return defineTool({
    name: "task_kill",
    description: taskKillDescription(),
    inputSchema: taskKillInput,
    outputSchema: taskReportSchema,
    annotations: {
      title: "Stop a background task",
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: false,
    },
    async handler(args, ctx) {
      assertSessionOpen(ctx.session);
      const task = ctx.session.getTask(args.task_id);
      if (!task) throw taskNotFound(args.task_id);
      // TERM → the session's grace → KILL to its whole group; resolves once it has completed.
      await task.kill();
      if (ctx.session.getTask(args.task_id) !== task) throw taskNotFound(args.task_id);
      const report = taskReport(task, { killedByRequest: task.run.reason === "killed" });
      // Completed: its output is read once.
      ctx.session.removeTask(task.id);
      return report;
    },
  });
}
