// A cgroup of this test process for the cgroup tests, or the reason there can be none here.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Cgroup } from "../cgroup/cgroup.js";
import { probeCgroupV2 } from "../cgroup/probe.js";
import { processIdentity } from "../marker/marker.js";

/**
 * Test cgroups live in `<own cgroup>/boris-<this process's identity>/`, the layout a server uses:
 * should a test process die before removing them, the next server's start-up sweep removes them.
 */
const parentName = `boris-${processIdentity(process.pid)}`;
const support = probeCgroupV2(parentName);

/** Why the cgroup tests cannot run here, printed when they are skipped; undefined when they can. */
export const cgroupSkipReason: string | undefined = support.usable
  ? undefined
  : `cgroup v2 is not writable here: ${support.reason}`;
if (cgroupSkipReason) console.log(`skipping the cgroup tests: ${cgroupSkipReason}`);

/** Makes a fresh, empty cgroup for one test. Only call it when cgroupSkipReason is undefined. */
export function newTestCgroup(): Cgroup {
  if (!support.usable) throw new Error(cgroupSkipReason);
  const parent = Cgroup.create(join(support.own.path, parentName));
  return Cgroup.create(join(parent.path, `test-${randomBytes(4).toString("hex")}`));
}

/** Kills what is left in `cgroup`, removes it, and its parent when that is empty. */
export async function removeTestCgroup(cgroup: Cgroup): Promise<void> {
  cgroup.kill();
  await cgroup.waitEmpty(5000);
  cgroup.remove();
  new Cgroup(cgroup.path.slice(0, cgroup.path.lastIndexOf("/"))).remove();
}
