/**
 * Why an HTTP session closed: the kind (`boris_sessions_closed_total{reason}`) and the words its
 * "session closing" log line gives. The orphan timeout is an idle close: nothing was in flight.
 */
export const CLOSE_REASONS = {
  delete: "client sent DELETE",
  idle: "idle timeout",
  orphan: "orphan timeout (the client's GET stream ended)",
  transport: "transport closed",
  shutdown: "server shutting down",
} as const;

export type CloseReason = keyof typeof CLOSE_REASONS;

/** The `reason` label of a close: the four kinds operators count (an orphan timeout is `idle`). */
export type ClosedLabel = Exclude<CloseReason, "orphan">;

export function closedLabel(reason: CloseReason): ClosedLabel {
  return reason === "orphan" ? "idle" : reason;
}
