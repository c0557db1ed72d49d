import { describe, expect, it } from "vitest";
import { cgroup2Mounts, cgroup2Path, cgroupDirectory } from "./locate.js";

// A hybrid system: v1 controllers on their own mounts, the v2 hierarchy at .../unified.
const HYBRID = `24 1 0:22 / /sys rw,nosuid - sysfs sysfs rw
30 24 0:26 / /sys/fs/cgroup rw shared:9 - tmpfs tmpfs rw,mode=755
31 30 0:27 / /sys/fs/cgroup/memory rw shared:10 - cgroup cgroup rw,memory
41 30 0:38 / /sys/fs/cgroup/unified rw,relatime shared:11 - cgroup2 cgroup2 rw
`;

describe("cgroup2Mounts", () => {
  it("finds the cgroup2 mount among v1 and other mounts, optional fields or not", () => {
    expect(cgroup2Mounts(HYBRID)).toEqual([{ root: "/", mountPoint: "/sys/fs/cgroup/unified" }]);
    expect(cgroup2Mounts("41 30 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw")).toEqual([
      { root: "/", mountPoint: "/sys/fs/cgroup" },
    ]);
  });

  it("decodes escaped characters and keeps a bind-mounted subtree's root", () => {
    expect(cgroup2Mounts("50 1 0:38 /kube\\040pods /mnt/my\\040cg rw - cgroup2 none rw")).toEqual([
      { root: "/kube pods", mountPoint: "/mnt/my cg" },
    ]);
  });

  it("finds none on a v1-only system", () => {
    expect(cgroup2Mounts("31 30 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n")).toEqual([]);
  });
});

describe("cgroup2Path", () => {
  it("reads the 0:: line of /proc/<pid>/cgroup", () => {
    expect(cgroup2Path("4:memory:/x\n0::/system.slice/boris.service\n")).toBe("/system.slice/boris.service");
    expect(cgroup2Path("0::/\n")).toBe("/");
  });

  it("gives nothing on a v1-only system", () => {
    expect(cgroup2Path("4:memory:/x\n1:cpu:/\n")).toBeUndefined();
  });
});

describe("cgroupDirectory", () => {
  const mounts = [{ root: "/", mountPoint: "/sys/fs/cgroup/unified" }];

  it("joins the path to the mount point", () => {
    expect(cgroupDirectory(mounts, "/")).toBe("/sys/fs/cgroup/unified");
    expect(cgroupDirectory(mounts, "/a/b.scope")).toBe("/sys/fs/cgroup/unified/a/b.scope");
  });

  it("maps a path under a bind-mounted subtree and refuses one outside it", () => {
    const sub = [{ root: "/kube", mountPoint: "/sys/fs/cgroup" }];
    expect(cgroupDirectory(sub, "/kube/pod1")).toBe("/sys/fs/cgroup/pod1");
    expect(cgroupDirectory(sub, "/kube")).toBe("/sys/fs/cgroup");
    expect(cgroupDirectory(sub, "/kubelet")).toBeUndefined();
  });
});
