import { StringDecoder } from "node:string_decoder";
import { type Run, SpawnError, type TerminationReason } from "@boris-mcp/process-group";
import { ErrorCode, ToolError } from "../core/errors.js";
import { assertSessionOpen, fromSessionError } from "../core/session-errors.js";
import type { ToolContext } from "../core/tool-registry.js";
import { atLowPriority } from "./rg-priority.js";

/** Enough of rg's stderr for an error message (a regex error with its caret diagram). */
const STDERR_LIMIT = 8192;

export interface RgRun {
  /** rg's arguments, flags first. */
  readonly args: readonly string[];
  readonly cwd: string;
  /**
   * Receives stdout as it arrives (the chunk's memory is reused afterwards: copy what you keep).
   * Return true once nothing more is needed: rg is killed at once instead of being read to the end.
   */
  onChunk(chunk: Buffer): boolean | undefined;
  /** Start rg at RG_NICENESS (other searches of the server are running or waiting). */
  readonly lowPriority?: boolean;
}

export type RgStop = "done" | "enough" | "timeout" | "cancelled" | "closed";

export interface RgResult {
  /** Exit code of rg, null when it was killed. */
  readonly code: number | null;
  /** Why reading ended: rg finished, the consumer had enough, the deadline, the client, the session. */
  readonly stop: RgStop;
  readonly stderr: string;
}

const STOPS: Record<TerminationReason, RgStop> = {
  exited: "done",
  killed: "enough",
  timeout: "timeout",
  cancelled: "cancelled",
  "session-closed": "closed",
};

/**
 * Runs rg as one of the session's processes (its group, its marker, killed on close), streams its
 * stdout to `onChunk`, and stops it on the deadline (`config.searchTimeoutMs`), when the request is
 * cancelled, when the session closes, or as soon as the consumer has enough; from then on nothing
 * more is read.
 */
export async function runRg(rgPath: string, run: RgRun, ctx: ToolContext): Promise<RgResult> {
  const { session, config, signal } = ctx;
  assertSessionOpen(session);
  if (signal.aborted) return { code: null, stop: "cancelled", stderr: "" };

  let stderr = "";
  const decoder = new StringDecoder("utf8");
  let rg: Run | undefined;
  const onOutput = (stream: "stdout" | "stderr", chunk: Buffer) => {
    if (stream === "stderr") {
      if (stderr.length < STDERR_LIMIT) stderr += decoder.write(chunk).slice(0, STDERR_LIMIT - stderr.length);
    } else if (run.onChunk(chunk) === true) {
      void rg?.kill("killed");
    }
  };
  try {
    // No drain window: rg leaves nothing behind, so its output is read until it closes the pipes.
    rg = session.run(rgPath, run.args, {
      cwd: run.cwd,
      timeoutMs: config.searchTimeoutMs,
      signal,
      onOutput,
      closeOutputOnKill: true,
      wrap: run.lowPriority ? atLowPriority : undefined,
    });
  } catch (err) {
    const refused = fromSessionError(err);
    if (refused) throw refused;
    const why = err instanceof SpawnError ? err.message : String((err as Error)?.message ?? err);
    throw new ToolError(
      ErrorCode.IO_ERROR,
      `starting ripgrep failed: ${why}. Set BORIS_RG_PATH to a working rg binary.`,
    );
  }
  // A throwing onChunk rejects this with its error, after rg is gone.
  const result = await rg.result;
  return { code: result.exit.code, stop: STOPS[result.reason], stderr };
}
