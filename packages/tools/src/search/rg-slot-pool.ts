import { availableParallelism } from "node:os";
import type { ToolConfig } from "../core/tool-config.js";

/**
 * A server-wide cap on concurrent ripgrep processes (issue 11 §3): each rg uses every core, so N
 * concurrent searches would tie up N of them and starve everything else; with the cap, later
 * searches wait their turn (in call order) while still honouring cancellation, session close and
 * their deadline.
 */
export class RgSlots {
  /** Slots in use: rg processes running or about to start. */
  running = 0;
  readonly size: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Searches waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Waits for a slot. Resolves to a release function, or to why waiting ended without one.
   * A waiter that gives up is removed from the queue, so it never holds a slot.
   */
  acquire(
    signal: AbortSignal,
    waitMs: number,
    closed: (onClose: () => void) => () => void,
  ): Promise<(() => void) | "cancelled" | "timeout" | "closed"> {
    if (this.running < this.size) return Promise.resolve(this.take());
    if (signal.aborted) return Promise.resolve("cancelled");
    if (waitMs <= 0) return Promise.resolve("timeout");
    return new Promise((resolve) => {
      const finish = (outcome: (() => void) | "cancelled" | "timeout" | "closed") => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        removeHook();
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(outcome);
      };
      const grant = () => finish(this.take());
      const onAbort = () => finish("cancelled");
      const timer = setTimeout(() => finish("timeout"), waitMs);
      signal.addEventListener("abort", onAbort, { once: true });
      const removeHook = closed(() => finish("closed"));
      this.waiting.push(grant);
    });
  }

  private take(): () => void {
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.waiting[0]?.();
    };
  }
}

const slotsByServer = new WeakMap<ToolConfig, RgSlots>();

/** The server's slots: one per core unless set with `setSearchConcurrency`. */
export function rgSlotsFor(config: ToolConfig): RgSlots {
  let slots = slotsByServer.get(config);
  if (!slots) {
    slots = new RgSlots(availableParallelism());
    slotsByServer.set(config, slots);
  }
  return slots;
}

/** The server's searches now: rg processes running, and searches waiting for a slot (for the metrics). */
export function searchActivity(config: ToolConfig): { readonly running: number; readonly queued: number } {
  const slots = slotsByServer.get(config);
  return { running: slots?.running ?? 0, queued: slots?.queued ?? 0 };
}

/** Sets how many rg processes this server runs at once (before its first search). */
export function setSearchConcurrency(config: ToolConfig, size: number): void {
  slotsByServer.set(config, new RgSlots(size));
}
