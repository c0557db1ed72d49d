// Daemons that the session marker cannot find: they leave the process group (setsid) and drop the
// marker from their environment in the three ways real programs do. Only a session's cgroup still
// holds them. A test runs `unmarkedDaemonsScript(file)` as a command of a session, reads the pids
// from `file` and asks the OS whether they are gone after the cleanup under test.
import { readFileSync } from "node:fs";
import { SESSION_MARKER } from "./environ.js";
import { pidsIn } from "./pids.js";

/** How many daemons unmarkedDaemonsScript starts. */
export const UNMARKED_DAEMONS = 4;

/**
 * Perl rewrites `$0` over the memory of its arguments and, when the title is longer, of its
 * environment strings (as nginx and postgres workers set their titles): /proc/<pid>/environ then
 * shows the title, not the marker. It writes its pid only once the title is set.
 */
const TITLE_REWRITER = `$0 = "boris-test-daemon: worker process " . ("x" x 16384); open(my $f, ">>", $ARGV[0]) or die; print $f "$$\\n"; close $f; sleep 1 while 1;`;

/**
 * The classic daemon: fork, setsid, fork again, the middle one exits (the daemon is reparented and
 * leads neither its session nor its group). It writes its pid once its parent has exited.
 */
const DOUBLE_FORKER = `use POSIX (); fork and exit; POSIX::setsid(); my $mid = $$; fork and exit; select(undef, undef, undef, 0.01) while getppid() == $mid; open(my $f, ">>", $ARGV[0]) or die; print $f "$$\\n"; close $f; sleep 1 while 1;`;

/**
 * A bash script that starts four `sleep`-like daemons outside the command's group and session,
 * without the session marker, and appends their pids to `pidFile`, one per line: a setsid'd one
 * under `env -i` (an empty environment), one under `env -u BORIS_SESSION`, a perl daemon that
 * overwrites its environment with its title, and a double-forked one under `env -i`.
 */
export function unmarkedDaemonsScript(pidFile: string): string {
  const quiet = "< /dev/null > /dev/null 2>&1 &";
  return [
    `env -i setsid /bin/sh -c 'echo $$ >> "$0"; exec sleep 999' '${pidFile}' ${quiet}`,
    `env -u ${SESSION_MARKER} setsid /bin/sh -c 'echo $$ >> "$0"; exec sleep 999' '${pidFile}' ${quiet}`,
    `setsid perl -e '${TITLE_REWRITER}' '${pidFile}' ${quiet}`,
    `env -i perl -e '${DOUBLE_FORKER}' '${pidFile}' ${quiet}`,
    "echo started",
  ].join("\n");
}

/** The pids unmarkedDaemonsScript wrote to `pidFile` so far. */
export function daemonPids(pidFile: string): number[] {
  try {
    const text = readFileSync(pidFile, "utf8");
    return pidsIn(text.slice(0, text.lastIndexOf("\n") + 1));
  } catch {
    return [];
  }
}

/** The cgroup v2 path of `pid` (`/…` from /proc/<pid>/cgroup), undefined when it is gone. */
export function cgroupOf(pid: number): string | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/cgroup`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("0::"));
    return line?.slice(3);
  } catch {
    return undefined;
  }
}

/**
 * The directory of `pid`'s cgroup v2 (its /proc/<pid>/cgroup path under the cgroup2 mount that
 * /proc/self/mountinfo lists), undefined when it is gone or there is no cgroup2 mount.
 */
export function cgroupDirOf(pid: number): string | undefined {
  const path = cgroupOf(pid);
  const mount = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" "))
    .find((fields) => fields[fields.indexOf("-") + 1] === "cgroup2" && fields[3] === "/");
  if (path === undefined || mount === undefined) return undefined;
  return path === "/" ? mount[4] : `${mount[4]}${path}`;
}

/** The values of the session marker that `pid`'s environment shows (none for these daemons). */
export function markerValuesOf(pid: number): string[] {
  try {
    const prefix = `${SESSION_MARKER}=`;
    return readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .filter((e) => e.startsWith(prefix))
      .map((e) => e.slice(prefix.length));
  } catch {
    return [];
  }
}
