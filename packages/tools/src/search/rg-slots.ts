import type { ToolContext } from "../core/tool-registry.js";
import { type RgResult, type RgRun, runRg } from "./rg-runner.js";
import { rgSlotsFor } from "./rg-slot-pool.js";

// The pool lives apart so that reading it (the metrics) does not load the search code.
export { RgSlots, rgSlotsFor, searchActivity, setSearchConcurrency } from "./rg-slot-pool.js";

/** When a search call must be over: its start plus the search deadline. */
export function searchDeadline(ctx: ToolContext): number {
  return Date.now() + ctx.config.searchTimeoutMs;
}

/**
 * Runs rg once a slot is free, within what is left of the call's deadline (a call may run rg
 * several times; waiting for a slot counts against the deadline too).
 */
export async function runRgInSlot(
  rgPath: string,
  run: RgRun,
  ctx: ToolContext,
  deadline: number,
): Promise<RgResult> {
  const slots = rgSlotsFor(ctx.config);
  const slot = await slots.acquire(ctx.signal, deadline - Date.now(), (hook) => ctx.session.onClose(hook));
  if (typeof slot === "string") return { code: null, stop: slot, stderr: "" };
  try {
    // Searches piling up (another running, or waiting): this one yields the CPU to the server and
    // its shells. A lone search runs at full priority, as fast as rg alone.
    const crowded = slots.running > 1 || slots.queued > 0;
    const left = Math.max(1, deadline - Date.now());
    const bounded =
      left === ctx.config.searchTimeoutMs
        ? ctx
        : { ...ctx, config: { ...ctx.config, searchTimeoutMs: left } };
    return await runRg(rgPath, crowded ? { ...run, lowPriority: true } : run, bounded);
  } finally {
    slot();
  }
}
