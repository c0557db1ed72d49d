export { DEFAULT_GRACE_MS } from "@boris-mcp/process-group";
export { BackgroundTask, type TaskStatus } from "./background-task.js";
export {
  killProcessesOfThisServer,
  markerOwner,
  SERVER_IDENTITY,
  sweepOrphanedProcesses,
} from "./orphans.js";
export { SessionRegistry } from "./registry.js";
export {
  type LifecycleHost,
  type LifecycleLogger,
  ServerLifecycle,
  type ServerLifecycleOptions,
  SHUTDOWN_MARGIN_MS,
  TERMINATION_SIGNALS,
} from "./server-lifecycle.js";
export {
  MARKER_NAME,
  MAX_RUNNING_TASKS,
  Session,
  SessionError,
  type SessionErrorCode,
  type SessionOptions,
  type SessionRunOptions,
  type ViewedFile,
} from "./session.js";
