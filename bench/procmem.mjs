// Server memory as the OS sees it: VmRSS (now) and VmHWM (peak) from /proc/<pid>/status. The peak
// of one stage is measured by resetting VmHWM first (writing 5 to /proc/<pid>/clear_refs, Linux
// ≥ 4.0); a PeakTracker keeps the whole-run peak across those resets.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

const KB = 1024;

/**
 * { rss, hwm, anon, file } in bytes (anon: the process's own memory; file: mapped files such as the
 * node binary, shared with every process that maps them), or undefined when the process is gone or /proc is missing. */
export function memOf(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, "latin1");
  } catch {
    return undefined;
  }
  const field = (name) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text);
    return m ? Number(m[1]) * KB : undefined;
  };
  return { rss: field("VmRSS"), hwm: field("VmHWM"), anon: field("RssAnon"), file: field("RssFile") };
}

/**
 * The pids of `pid`'s children whose command name (`/proc/<pid>/comm`, at most 15 characters) is
 * `comm`: a server's helper processes, whose memory is not in the server's own figures.
 */
export function childrenNamed(pid, comm) {
  const found = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid && readFileSync(`/proc/${name}/comm`, "latin1").trim() === comm)
        found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Resets the peak (VmHWM) of `pid` to its current RSS; false when the kernel refused. */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** The peak RSS of one process over a whole run, although single stages reset VmHWM. */
export class PeakTracker {
  constructor(pid) {
    this.pid = pid;
    this.peak = 0;
  }

  /** Folds the current VmHWM in; returns the current { rss, hwm }. */
  observe() {
    const mem = memOf(this.pid);
    if (mem?.hwm) this.peak = Math.max(this.peak, mem.hwm);
    return mem;
  }

  /**
   * Starts a stage: folds the old peak in, resets VmHWM and returns the RSS at the start. The
   * stage's peak growth is then `stageGrowth(start)`.
   */
  startStage() {
    this.observe();
    const resettable = resetPeak(this.pid);
    const mem = memOf(this.pid);
    return { rss: mem?.rss ?? 0, resettable };
  }

  /** Peak RSS growth since `start` (from startStage), in bytes. */
  stageGrowth(start) {
    const mem = this.observe();
    if (!mem) return undefined;
    // Without a reset, VmHWM may be an older peak: fall back to the current RSS, a lower bound.
    const top = start.resettable ? mem.hwm : mem.rss;
    return Math.max(0, top - start.rss);
  }
}

/** Samples VmRSS of `pid` every `everyMs` until stop(), which returns { first, max, last } in bytes. */
export function sampleRss(pid, everyMs = 100) {
  const samples = [];
  const take = () => {
    const rss = memOf(pid)?.rss;
    if (rss !== undefined) samples.push(rss);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { first: samples[0] ?? 0, max: Math.max(0, ...samples), last: samples.at(-1) ?? 0, samples };
    },
  };
}

/** CPU time (user + system) `pid` has used so far, in seconds; /proc/<pid>/stat counts clock ticks. */
export function cpuSeconds(pid) {
  try {
    const fields = statFields(pid);
    // utime and stime are fields 14 and 15 of stat(5); `fields` starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** The fields of /proc/<pid>/stat after the command name (from field 3, the state); throws when gone. */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  // The command name is in parentheses and may itself hold spaces or parentheses.
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

export const MB = 1024 * 1024;
