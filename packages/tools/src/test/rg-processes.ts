// The rg processes of a session, asked of the OS, and a stand-in rg whose runs never end.
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findMarkedProcesses } from "@boris-mcp/process-group";
import type { Session } from "@boris-mcp/session";
import { isRunning } from "@boris-mcp/test-support";

/** The command name of `pid` ("" once it is gone). */
export function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Waits (polling the OS) until the session has a running rg; returns its pid. */
export async function rgOf(session: Session): Promise<number> {
  for (let i = 0; i < 500; i++) {
    const pid = findMarkedProcesses(session.marker).find((p) => comm(p) === "rg");
    if (pid) return pid;
    await sleep(20);
  }
  throw new Error("no rg process with the session marker appeared");
}

/** Waits (polling the OS, 10 s at most) until `pid` is no longer running; false if it still is. */
export async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    if (!isRunning(pid)) return true;
    await sleep(20);
  }
  return false;
}

/**
 * A directory (made by `folder`) and a stand-in for rg whose runs never end on their own, without a
 * FIFO (grep refuses a FIFO as its path) and without gigabytes of disk. It keeps the name rg (its
 * shell's comm), and its child is in its process group, as rg's threads would be.
 */
export async function endlessSource(
  folder: () => Promise<string>,
): Promise<{ root: string; rgPath: string }> {
  const root = await folder();
  await writeFile(path.join(root, "endless.txt"), "needle\n");
  const bin = path.join(root, ".bin");
  await mkdir(bin);
  const rgPath = path.join(bin, "rg");
  // rg's listing and counting runs (parallel) block; its in-order reading runs print forever.
  await writeFile(
    rgPath,
    "#!/bin/sh\n" +
      "last=endless.txt; inorder=no\n" +
      'for a; do last="$a"; if [ "$a" = --threads=1 ]; then inorder=yes; fi; done\n' +
      "if [ $inorder = no ]; then sleep 1000; exit; fi\n" +
      'awk -v p="$last" \'BEGIN { for (i = 1; ; i++) printf "%s%c:%d%c:needle\\n", p, 0, i, 0 }\'\n',
    { mode: 0o755 },
  );
  return { root, rgPath };
}
