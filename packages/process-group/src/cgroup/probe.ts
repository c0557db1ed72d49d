import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Cgroup, ENTRY_SHELL } from "./cgroup.js";
import { cgroup2Mounts, cgroup2Path, cgroupDirectory } from "./locate.js";

/** Whether this process can create cgroups under its own cgroup v2, and if not, why. */
export type CgroupSupport =
  | {
      readonly usable: true;
      /** The process's own cgroup: new cgroups go below it, never anywhere else. */
      readonly own: Cgroup;
      /** Controllers its children can have (its `cgroup.controllers`). */
      readonly controllers: readonly string[];
    }
  | { readonly usable: false; readonly reason: string };

function words(text: string | undefined): string[] {
  return (text ?? "").split(/\s+/).filter((w) => w !== "");
}

function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ?? e.message;
}

/** Where this process's cgroup v2 directory is, or why there is none. */
function locateOwnCgroup(): { dir: string } | { reason: string } {
  if (process.platform !== "linux") return { reason: `cgroups are Linux only (this is ${process.platform})` };
  let mountinfo: string;
  let procCgroup: string;
  try {
    mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
    procCgroup = readFileSync("/proc/self/cgroup", "utf8");
  } catch (err) {
    return { reason: `/proc cannot be read (${describeError(err)})` };
  }
  const mounts = cgroup2Mounts(mountinfo);
  if (mounts.length === 0) return { reason: "no cgroup2 file system is mounted" };
  const path = cgroup2Path(procCgroup);
  if (path === undefined) return { reason: "this process has no cgroup v2 path in /proc/self/cgroup" };
  if (path.split("/").includes("..")) {
    return { reason: `this process's cgroup ${path} is outside this cgroup namespace` };
  }
  const dir = cgroupDirectory(mounts, path);
  if (dir === undefined) return { reason: `no cgroup2 mount shows this process's cgroup ${path}` };
  return { dir };
}

/**
 * Finds this process's cgroup v2 (its path in /proc/self/cgroup under the cgroup2 mount of
 * /proc/self/mountinfo) and checks that cgroups can be made there and killed: it creates the child
 * `scratchName`, looks for `cgroup.kill` (Linux 5.14) and removes it again unless it was there
 * before. Nothing is written when an earlier check fails.
 */
export function probeCgroupV2(scratchName: string): CgroupSupport {
  const located = locateOwnCgroup();
  if ("reason" in located) return { usable: false, reason: located.reason };
  const own = new Cgroup(located.dir);
  // The directory must really be ours: a mount of another namespace's tree could show a namesake.
  if (!own.pids().includes(process.pid)) {
    return { usable: false, reason: `${own.path}/cgroup.procs does not list this process` };
  }
  try {
    accessSync(ENTRY_SHELL, constants.X_OK);
  } catch {
    return { usable: false, reason: `${ENTRY_SHELL} (which starts commands inside a cgroup) is missing` };
  }
  const scratchPath = join(own.path, scratchName);
  const existed = existsSync(scratchPath);
  let scratch: Cgroup;
  try {
    scratch = Cgroup.create(scratchPath);
  } catch (err) {
    return { usable: false, reason: `cannot create a cgroup under ${own.path} (${describeError(err)})` };
  }
  const killable = existsSync(join(scratch.path, "cgroup.kill"));
  if (!existed) scratch.remove();
  if (!killable) return { usable: false, reason: "cgroup.kill is missing (Linux before 5.14)" };
  return { usable: true, own, controllers: words(own.read("cgroup.controllers")) };
}

/**
 * Makes `controllers` available to the children of `cgroup` (its `cgroup.subtree_control`), or says
 * why they cannot be: not offered by cgroup v2 here (on a hybrid system they may sit on v1), or
 * refused (a non-root cgroup that holds processes cannot pass domain controllers on).
 */
export function enableControllers(cgroup: Cgroup, controllers: readonly string[]): string | undefined {
  const offered = words(cgroup.read("cgroup.controllers"));
  const missing = controllers.filter((c) => !offered.includes(c));
  if (missing.length > 0) {
    const list = offered.length > 0 ? offered.join(", ") : "none";
    return `the ${missing.join(" and ")} controller${missing.length > 1 ? "s are" : " is"} not available in cgroup v2 at ${cgroup.path} (available there: ${list})`;
  }
  const enabled = words(cgroup.read("cgroup.subtree_control"));
  const wanted = controllers.filter((c) => !enabled.includes(c));
  if (wanted.length === 0) return undefined;
  try {
    cgroup.write("cgroup.subtree_control", wanted.map((c) => `+${c}`).join(" "));
    return undefined;
  } catch (err) {
    return `the ${wanted.join(" and ")} controller${wanted.length > 1 ? "s" : ""} could not be enabled for the children of ${cgroup.path} (${describeError(err)})`;
  }
}
