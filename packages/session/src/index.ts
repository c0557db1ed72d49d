export { BackgroundTask, type TaskOptions, type TaskStatus } from "./background-task.js";
export {
  killProcessesOfThisServer,
  markerOwner,
  SERVER_IDENTITY,
  sweepOrphanedProcesses,
} from "./orphans.js";
export { OutputBuffer, type OutputBufferOptions } from "./output-buffer.js";
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
  DEFAULT_GRACE_MS,
  MARKER_NAME,
  MAX_RUNNING_TASKS,
  Session,
  SessionError,
  type SessionErrorCode,
  type SessionOptions,
  type ViewedFile,
} from "./session.js";
