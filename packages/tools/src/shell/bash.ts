import path from "node:path";
import { spawnGroup } from "@boris-mcp/process-group";
import type { Session } from "@boris-mcp/session";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ErrorCode, ToolError } from "../core/errors.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { extractCwd, SentinelFilter, wrapWithCwdSentinel } from "./cwd-sentinel.js";
import { bashArgumentDescriptions, bashDescription } from "./descriptions.js";
import { ProgressStream } from "./progress.js";
import { runCommand } from "./run-command.js";
import { assertSessionOpen, isDirectory, startError } from "./shell-errors.js";
import { outputSections } from "./task-report.js";

function bashInput(config: ToolConfig) {
  return z.object({
    command: z.string().describe(bashArgumentDescriptions.command),
    timeout: z.number().positive().optional().describe(bashArgumentDescriptions.timeout(config)),
    run_in_background: z.boolean().optional().describe(bashArgumentDescriptions.runInBackground),
    description: z.string().optional().describe(bashArgumentDescriptions.description),
  });
}

type BashArgs = z.output<ReturnType<typeof bashInput>>;

/**
 * Every field optional: a foreground call returns {exit_code, stdout, stderr, timed_out, cwd}, a
 * background one {task_id}, and the SDK client checks results against this one schema.
 */
const bashOutput = z.object({
  exit_code: z
    .number()
    .int()
    .optional()
    .describe("The command's exit code (128 + signal number when killed)."),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  timed_out: z.boolean().optional(),
  cwd: z.string().optional().describe("The session's working directory after the command."),
  task_id: z.string().optional().describe("Set instead of the rest for run_in_background: true."),
});

/**
 * The session marker, and PWD = the tracked cwd: a shell keeps an inherited PWD that names its
 * working directory, so a cwd reached through a symlink stays the path the user cd'ed to.
 */
function shellEnv(session: Session): Record<string, string> {
  return { ...session.env, PWD: session.cwd };
}

function startBackground(args: BashArgs, ctx: ToolContext): CallToolResult {
  const { session, config } = ctx;
  let id: string;
  try {
    // No sentinel: a background command never changes the session's cwd.
    id = session.addTask(args.command, () =>
      spawnGroup(config.shell, ["-c", args.command], { cwd: session.cwd, env: shellEnv(session) }),
    ).id;
  } catch (err) {
    throw startError(err, config.shell, session);
  }
  return {
    content: [{ type: "text", text: `task_id: ${id}\nCommand started in background.` }],
    structuredContent: { task_id: id },
  };
}

async function runForeground(args: BashArgs, ctx: ToolContext): Promise<CallToolResult> {
  const { session, config } = ctx;
  const timeoutMs = Math.min(Math.ceil(args.timeout ?? config.defaultTimeoutMs), config.maxTimeoutMs);
  const progress =
    ctx.progressToken !== undefined
      ? new ProgressStream({
          intervalMs: config.progressIntervalMs,
          send: (value, message) => ctx.sendProgress(value, message),
          filterStdout: new SentinelFilter(session.nonce),
        })
      : undefined;
  let outcome: Awaited<ReturnType<typeof runCommand>>;
  try {
    outcome = await runCommand({
      shell: config.shell,
      script: wrapWithCwdSentinel(args.command, session.nonce),
      cwd: session.cwd,
      env: shellEnv(session),
      timeoutMs,
      killGraceMs: config.killGraceMs,
      drainMs: config.drainMs,
      outputLimit: config.outputLimit,
      signal: ctx.signal,
      onOutput: progress ? (stream, chunk) => progress.push(stream, chunk) : undefined,
      track: (group) => session.trackGroup(group),
    });
  } catch (err) {
    throw startError(err, config.shell, session);
  } finally {
    // Every notification goes out before the result.
    await progress?.close();
  }
  const { output: stdout, cwd } = extractCwd(outcome.stdout, session.nonce);
  if (cwd !== undefined && !outcome.timedOut && path.isAbsolute(cwd) && isDirectory(cwd)) session.cwd = cwd;
  const { stderr, exitCode, timedOut } = outcome;
  let text = `exit_code: ${exitCode}${outputSections(stdout, stderr)}`;
  if (timedOut) text = `Command timed out after ${timeoutMs}ms\n\n${text}`;
  else if (outcome.cancelled) text = `Command cancelled\n\n${text}`;
  return {
    content: [{ type: "text", text }],
    structuredContent: { exit_code: exitCode, stdout, stderr, timed_out: timedOut, cwd: session.cwd },
  };
}

export function bashTool(config: ToolConfig): ToolDefinition {
  return defineTool({
    name: "bash",
    description: bashDescription(config),
    inputSchema: bashInput(config),
    outputSchema: bashOutput,
    annotations: {
      title: "Run a shell command",
      readOnlyHint: false,
      destructiveHint: true,
      openWorldHint: true,
    },
    async handler(args, ctx) {
      assertSessionOpen(ctx.session);
      if (args.command.trim() === "") {
        throw new ToolError(
          ErrorCode.BASH_EMPTY_COMMAND,
          'command is empty; pass the shell command to run, e.g. {"command": "ls -la"}.',
        );
      }
      return args.run_in_background ? startBackground(args, ctx) : runForeground(args, ctx);
    },
  });
}
