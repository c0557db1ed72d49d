import { resolve } from "node:path";

/** A cgroup2 mount: where it is mounted, and which directory of the hierarchy appears there. */
export interface Cgroup2Mount {
  readonly mountPoint: string;
  /** The hierarchy path shown at the mount point: `/` unless a subtree was bind-mounted. */
  readonly root: string;
}

/** Undoes the octal escapes of /proc/self/mountinfo (`\040` for a space, `\134` for a backslash). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/**
 * The cgroup2 mounts listed in a /proc/self/mountinfo text, in order. A line is
 * `id parent major:minor root mountpoint options [optional fields…] - fstype source superoptions`.
 */
export function cgroup2Mounts(mountinfo: string): Cgroup2Mount[] {
  const mounts: Cgroup2Mount[] = [];
  for (const line of mountinfo.split("\n")) {
    const fields = line.split(" ");
    const dash = fields.indexOf("-");
    if (dash < 6 || fields[dash + 1] !== "cgroup2") continue;
    mounts.push({ root: unescapeMountField(fields[3]!), mountPoint: unescapeMountField(fields[4]!) });
  }
  return mounts;
}

/**
 * The process's cgroup v2 path from a /proc/<pid>/cgroup text (the `0::<path>` line), or undefined
 * when it has none (a v1-only system). A path with `..` lies outside this cgroup namespace.
 */
export function cgroup2Path(procCgroup: string): string | undefined {
  for (const line of procCgroup.split("\n")) {
    if (line.startsWith("0::")) return line.slice(3).replace(/ \(deleted\)$/, "");
  }
  return undefined;
}

/**
 * The directory of cgroup `path` under one of `mounts`: the first mount whose root contains it
 * (a mount of a subtree only shows that subtree). Undefined when none does.
 */
export function cgroupDirectory(mounts: readonly Cgroup2Mount[], path: string): string | undefined {
  for (const { mountPoint, root } of mounts) {
    const inside =
      root === "/"
        ? path
        : path === root || path.startsWith(`${root}/`)
          ? path.slice(root.length)
          : undefined;
    if (inside !== undefined) return resolve(mountPoint, `.${inside}`);
  }
  return undefined;
}
