/** One line per client address per this long, however many requests it sends. */
export const REJECTION_LOG_INTERVAL_MS = 60_000;
/** Addresses remembered at most; beyond it the oldest are forgotten (a spray of addresses cannot grow memory). */
const MAX_ADDRESSES = 10_000;

interface Seen {
  /** When the last line for this address was written. */
  loggedAt: number;
  /** Requests refused since then, not logged yet. */
  suppressed: number;
}

export type RejectionLine = (fields: Record<string, unknown>, message: string) => void;

/**
 * Logs refused requests (401, 403, OAuth probes) at most once per client address per interval, so
 * a misconfigured client polling without its token, or a scanner, cannot flood the log. The next
 * line for an address says how many of its refusals went unlogged.
 */
export class RejectionLog {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly write: RejectionLine,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = REJECTION_LOG_INTERVAL_MS,
  ) {}

  refused(address: string | undefined, fields: Record<string, unknown>, message: string): void {
    const client = address ?? "unknown";
    const now = this.now();
    const seen = this.seen.get(client);
    if (seen && now - seen.loggedAt < this.intervalMs) {
      seen.suppressed++;
      return;
    }
    const unlogged = seen?.suppressed ?? 0;
    this.seen.delete(client); // re-inserted last: the map stays in logging order
    this.seen.set(client, { loggedAt: now, suppressed: 0 });
    if (this.seen.size > MAX_ADDRESSES) this.seen.delete(this.seen.keys().next().value!);
    this.write({ client, ...fields, ...(unlogged > 0 ? { unlogged } : {}) }, message);
  }
}
