import { terminate } from "@boris-mcp/process-group";
import { z } from "zod";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolDefinition } from "../core/tool-registry.js";
import { taskKillDescription } from "./descriptions.js";
import { assertSessionOpen, taskNotFound } from "./shell-errors.js";
import { taskReport, taskReportSchema } from "./task-report.js";

const taskKillInput = z.object({
  task_id: z.string().describe("The task_id returned by bash with run_in_background: true."),
});

export function taskKillTool(config: ToolConfig): ToolDefinition {
  return defineTool({
    name: "task_kill",
    description: taskKillDescription(config),
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
      const wasRunning = task.status === "running";
      if (wasRunning) {
        // The whole group, with the tools' grace (the session's applies when it closes).
        await terminate(task.group, { graceMs: ctx.config.killGraceMs });
        await task.done;
      }
      if (ctx.session.getTask(args.task_id) !== task) throw taskNotFound(args.task_id);
      return taskReport(ctx.session, task, { killedByRequest: wasRunning });
    },
  });
}
