export { drained } from "./drain.js";
export {
  findMarkedProcesses,
  killMarkedProcesses,
  killUntilNone,
  listMarkedProcesses,
  type MarkedProcess,
  processIdentity,
} from "./marker.js";
export { SpawnError, spawnGroup } from "./spawn.js";
export { DEFAULT_GRACE_MS, isGroupAlive, signalGroup, terminate } from "./terminate.js";
export type { ExitInfo, Marker, ProcessGroup, SpawnGroupOptions, TerminateOptions } from "./types.js";
