export { killAll, killQuietly, Leftovers } from "./cleanup.js";
export {
  type MarkedProcess,
  markedPids,
  markedProcesses,
  markerOf,
  processesWithEnv,
  SESSION_MARKER,
} from "./environ.js";
export { bash, textOf } from "./mcp.js";
export { pidsIn, readPids } from "./pids.js";
export {
  childrenOf,
  groupEntries,
  isGone,
  isRunning,
  isStillRunning,
  liveGroupMembers,
  type ProcessId,
  type ProcStat,
  procStat,
} from "./processes.js";
export { clientWithRoots, type RootsClient } from "./roots.js";
export { startTcpProxy, type TcpProxy, type TcpProxyOptions } from "./tcp-proxy.js";
export { COMPAT_TOOLS, STANDARD_TOOLS } from "./tool-names.js";
export {
  cgroupDirOf,
  cgroupOf,
  daemonPids,
  markerValuesOf,
  UNMARKED_DAEMONS,
  unmarkedDaemonsScript,
} from "./unmarked-daemons.js";
export { waitFor, waitUntil } from "./wait.js";
