import { createRequire } from "node:module";
import { getHeapStatistics, setFlagsFromString } from "node:v8";

/** Told when a request arrives and when it is answered (or ends unanswered). */
export interface RequestActivity {
  started(): void;
  finished(): void;
}

export interface IdleCollectorOptions {
  /** How long the server must have had no request open before it collects, ms. */
  readonly idleMs: number;
  /**
   * Growth of the heap (JS objects and the buffers they hold) since the last collection that is
   * worth one, bytes.
   */
  readonly growthBytes: number;
  /** Told after each collection: the heap before and after it, bytes, and how long it took, ms. */
  readonly onCollected?: (before: number, after: number, ms: number) => void;
}

/**
 * A search over a big tree leaves tens of MB of garbage: objects promoted out of the small young
 * generation, the old tables of maps that grew, buffers. V8 collects it only when later allocation
 * asks for it, and Node gives V8 no idle time to do it in, so a server that answered a search holds
 * that memory while its client thinks, and the next search adds its own on top: the stdio server's
 * peak over the bench's searches was ~78 MB with the garbage kept, ~71.5 MB with a collection every
 * 500 ms (bench/README.md). 200 ms without a request is a pause in the client's work (an agent's
 * calls come seconds apart, the bench's rounds run the baseline meanwhile); 4 MiB keeps a run of
 * small calls from paying a full collection (2–17 ms of CPU) after each.
 */
export const DEFAULT_IDLE_COLLECTION: IdleCollectorOptions = { idleMs: 200, growthBytes: 4 * 1024 * 1024 };

/** The heap's JS objects and the external memory (buffers) they hold, bytes. */
function heapBytes(): number {
  const stats = getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

/** V8's `gc()`, exposed at its first use (a context of its own, ~0.25 MB); undefined if it cannot be. */
let gcFunction: (() => void) | null | undefined = null;

/** A full garbage collection, now; false when this Node does not allow one. */
export function collectGarbageNow(): boolean {
  if (gcFunction === null) {
    try {
      // Flags set at run time affect contexts made later: the new one has `gc` on its global.
      setFlagsFromString("--expose-gc");
      // node:vm is loaded here, not at start-up: a server that never collects does not pay for it.
      const vm = createRequire(import.meta.url)("node:vm") as typeof import("node:vm");
      const gc: unknown = vm.runInNewContext("gc");
      gcFunction = typeof gc === "function" ? (gc as () => void) : undefined;
    } catch {
      gcFunction = undefined;
    }
  }
  gcFunction?.();
  return gcFunction !== undefined;
}

/**
 * Collects the garbage of a process's last requests once it has been idle for a while (see
 * DEFAULT_IDLE_COLLECTION): fed by `watchOperations` with every request's start and end.
 */
export class IdleCollector implements RequestActivity {
  private open = 0;
  private timer: NodeJS.Timeout | undefined;
  /**
   * The lowest heap seen since the last collection, at the start of a request or right after that
   * collection: what later growth is counted from. The figure read right after a collection can
   * still hold buffers V8 frees a moment later (it sweeps them concurrently); the next request's
   * start brings it down to what is left.
   */
  private floor: number;
  /** Collections done (tests, diagnostics). */
  collections = 0;

  constructor(
    private readonly options: IdleCollectorOptions = DEFAULT_IDLE_COLLECTION,
    private readonly collect: () => boolean = collectGarbageNow,
    /** The heap's size, bytes (tests give their own). */
    private readonly measure: () => number = heapBytes,
  ) {
    this.floor = measure();
  }

  started(): void {
    this.open++;
    this.floor = Math.min(this.floor, this.measure());
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  finished(): void {
    if (this.open > 0) this.open--;
    if (this.open > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.whenIdle, this.options.idleMs);
    // Nothing to collect for keeps no process alive.
    this.timer.unref();
  }

  /** Stops a pending collection (the server is closing). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly whenIdle = (): void => {
    this.timer = undefined;
    const before = this.measure();
    // No request is open: started() drops the timer.
    if (before - this.floor < this.options.growthBytes) return;
    const start = process.hrtime.bigint();
    const collected = this.collect();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    this.floor = this.measure();
    if (!collected) return;
    this.collections++;
    this.options.onCollected?.(before, this.floor, ms);
  };
}
