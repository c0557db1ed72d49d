export { Cgroup } from "./cgroup/cgroup.js";
export { CgroupLauncher, type LaunchOptions } from "./cgroup/cgroup-launcher.js";
export { type CgroupSupport, enableControllers, probeCgroupV2 } from "./cgroup/probe.js";
export {
  CGROUP_KILL_WAIT_MS,
  killCgroup,
  type TerminateCgroupOptions,
  terminateCgroup,
} from "./cgroup/terminate-cgroup.js";
export { type KillNowTargets, killNow } from "./group/kill-now.js";
export { SpawnError } from "./group/spawn.js";
export { DEFAULT_GRACE_MS, isGroupAlive, signalGroup, terminate } from "./group/terminate.js";
export { SpawnHelper } from "./helper/spawn-helper.js";
export { type KillObserver, type KillPath, KillTally } from "./kill-tally.js";
export {
  findMarkedProcesses,
  type KillUntilNoneOptions,
  killMarkedProcesses,
  killUntilNone,
  listMarkedProcesses,
  type MarkedProcess,
  processIdentity,
} from "./marker/marker.js";
export { type TerminateMarkedOptions, terminateMarked } from "./marker/terminate-marked.js";
export { randomHex } from "./os/builtins.js";
export { environValues } from "./os/environ.js";
export { DEFAULT_OUTPUT_LIMIT, OutputBuffer, type OutputBufferOptions } from "./run/output-buffer.js";
export {
  type Command,
  exitCodeOf,
  Run,
  type RunOptions,
  type RunResult,
  type StreamName,
  startRun,
  type TerminationReason,
} from "./run/run.js";
export type { ExitInfo, Marker, ProcessGroup, TerminateOptions } from "./types.js";
