export { runStdio, type StdioServerHandle } from "./cli.js";
export { currentParentPid, type ParentWatchOptions, watchParent } from "./parent-watch.js";
