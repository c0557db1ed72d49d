import path from "node:path";
import { type RunResult, SpawnError } from "@boris-mcp/process-group";
import type { Session } from "@boris-mcp/session";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ErrorCode, ToolError } from "../core/errors.js";
import { assertSessionOpen } from "../core/session-errors.js";
import type { ToolConfig } from "../core/tool-config.js";
import { defineTool, type ToolContext, type ToolDefinition } from "../core/tool-registry.js";
import { extractCwd, SentinelFilter, wrapWithCwdSentinel } from "./cwd-sentinel.js";
import { bashArgumentDescriptions, bashDescription } from "./descriptions.js";
import { ProgressStream } from "./progress.js";
import { isDirectory, leaveDeletedCwd, startError } from "./shell-errors.js";
import { MAX_COMMAND_BYTES, shellInvocation } from "./shell-invocation.js";
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
 * PWD = the tracked cwd (the session adds its marker): a shell keeps an inherited PWD that names its
 * working directory, so a cwd reached through a symlink stays the path the user cd'ed to.
 */
function shellEnv(session: Session): Record<string, string> {
  return { PWD: session.cwd };
}

/**
 * Runs `start`; what starting throws becomes the tool error. A shell that cannot start because the
 * tracked cwd was deleted moves the session to the nearest existing parent first.
 */
function starting<T>(session: Session, shell: string, start: () => T): T {
  try {
    return start();
  } catch (err) {
    throw startError(err, shell, session, err instanceof SpawnError ? leaveDeletedCwd(session) : undefined);
  }
}

function startBackground(args: BashArgs, ctx: ToolContext): CallToolResult {
  const { session, config } = ctx;
  // No sentinel: a background command never changes the session's cwd.
  const shell = shellInvocation(args.command);
  const { id } = starting(session, config.shell, () =>
    session.startTask(args.command, config.shell, shell.args, {
      cwd: session.cwd,
      env: shellEnv(session),
      fd3Input: shell.fd3Input,
    }),
  );
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
  const shell = shellInvocation(wrapWithCwdSentinel(args.command, session.nonce));
  let result: RunResult;
  try {
    const run = starting(session, config.shell, () =>
      session.run(config.shell, shell.args, {
        cwd: session.cwd,
        env: shellEnv(session),
        fd3Input: shell.fd3Input,
        timeoutMs,
        signal: ctx.signal,
        drainMs: config.drainMs,
        outputLimit: config.outputLimit,
        onOutput: progress ? (stream, chunk) => progress.push(stream, chunk) : undefined,
      }),
    );
    result = await run.result;
  } finally {
    // Every notification goes out before the result.
    await progress?.close();
  }
  const { output: stdout, cwd } = extractCwd(result.stdout, session.nonce);
  const timedOut = result.reason === "timeout";
  if (cwd !== undefined && !timedOut && path.isAbsolute(cwd) && isDirectory(cwd)) session.cwd = cwd;
  const { stderr, exitCode } = result;
  let text = `exit_code: ${exitCode}${outputSections(stdout, stderr)}`;
  if (timedOut) text = `Command timed out after ${timeoutMs}ms\n\n${text}`;
  else if (result.reason === "cancelled") text = `Command cancelled\n\n${text}`;
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
      const bytes = Buffer.byteLength(args.command);
      if (bytes > MAX_COMMAND_BYTES) {
        throw new ToolError(
          ErrorCode.INVALID_INPUT,
          `command is ${bytes} bytes, over the ${MAX_COMMAND_BYTES}-byte (16 MiB) limit for one command. Write large data to a file with create_file and refer to it, or split the command.`,
        );
      }
      return args.run_in_background ? startBackground(args, ctx) : runForeground(args, ctx);
    },
  });
}
