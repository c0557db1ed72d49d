import { type ProcessGroup, SpawnError, spawnGroup, terminate } from "@boris-mcp/process-group";
import { ErrorCode, ToolError } from "../core/errors.js";
import type { ToolContext } from "../core/tool-registry.js";

/** Enough of rg's stderr for an error message (a regex error with its caret diagram). */
const STDERR_LIMIT = 8192;

export interface RgRun {
  /** rg's arguments, flags first. */
  readonly args: readonly string[];
  readonly cwd: string;
  /**
   * Receives stdout as it arrives. Return true once nothing more is needed: rg is killed at once
   * instead of being read to the end.
   */
  onChunk(chunk: Buffer): boolean | undefined;
}

export type RgStop = "done" | "enough" | "timeout" | "cancelled" | "closed";

export interface RgResult {
  /** Exit code of rg, null when it was killed. */
  readonly code: number | null;
  /** Why reading ended: rg finished, the consumer had enough, the deadline, the client, the session. */
  readonly stop: RgStop;
  readonly stderr: string;
}

/**
 * Runs rg in its own process group (with the session marker, so the session's sweep covers it),
 * streams its stdout to `onChunk`, and kills it on the deadline (`config.searchTimeoutMs`), when the
 * request is cancelled, when the session closes, or as soon as the consumer has enough.
 */
export async function runRg(rgPath: string, run: RgRun, ctx: ToolContext): Promise<RgResult> {
  const { session, config, signal } = ctx;
  if (session.closed)
    throw new ToolError(ErrorCode.SESSION_CLOSED, "the session was closed; open a new session.");
  if (signal.aborted) return { code: null, stop: "cancelled", stderr: "" };

  let group: ProcessGroup;
  try {
    group = spawnGroup(rgPath, run.args, { cwd: run.cwd, env: { ...session.env } });
  } catch (err) {
    const why = err instanceof SpawnError ? err.message : String((err as Error)?.message ?? err);
    throw new ToolError(
      ErrorCode.IO_ERROR,
      `starting ripgrep failed: ${why}. Set BORIS_RG_PATH to a working rg binary.`,
    );
  }

  let stop: RgStop | undefined;
  let killing: Promise<void> | undefined;
  const kill = (why: RgStop): Promise<void> => {
    stop ??= why;
    killing ??= terminate(group, { graceMs: config.killGraceMs }).catch(() => {});
    // Nothing more will be read: closing our end also makes a writing rg fail fast with EPIPE.
    group.stdout.destroy();
    return killing;
  };

  let stderr = "";
  group.stderr.setEncoding("utf8");
  group.stderr.on("data", (s: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += s.slice(0, STDERR_LIMIT - stderr.length);
  });
  let consumerError: unknown;
  group.stdout.on("data", (chunk: Buffer) => {
    if (stop !== undefined) return;
    let enough: boolean | undefined;
    try {
      enough = run.onChunk(chunk);
    } catch (err) {
      consumerError = err;
      enough = true;
    }
    if (enough === true) void kill("enough");
  });
  // A destroyed pipe may still report an error; it changes nothing about the result.
  group.stdout.on("error", () => {});
  group.stderr.on("error", () => {});

  const closed = new Promise<void>((resolve) => {
    group.child.once("close", () => resolve());
    group.child.once("error", () => resolve());
  });
  const timer = setTimeout(() => void kill("timeout"), config.searchTimeoutMs);
  const onAbort = () => void kill("cancelled");
  signal.addEventListener("abort", onAbort, { once: true });
  const removeHook = session.onClose(() => kill("closed"));
  try {
    const exit = await group.exited;
    await closed;
    if (killing) await killing;
    if (consumerError !== undefined) throw consumerError;
    return { code: exit.code, stop: stop ?? "done", stderr };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    removeHook();
  }
}
