import { closeSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";

type ChildProcessModule = typeof import("node:child_process");

const require = createRequire(import.meta.url);
let childProcessModule: ChildProcessModule | undefined;

/**
 * node:child_process, loaded on the first spawn rather than at start-up: a stdio server that has
 * only answered `initialize` and `tools/list` has spawned nothing, and the module (with the net,
 * dgram and socket code it pulls in) is ~0.35 MB of an idle server's RSS.
 */
export function childProcess(): ChildProcessModule {
  childProcessModule ??= require("node:child_process") as ChildProcessModule;
  return childProcessModule;
}

/**
 * `bytes` random bytes from the kernel, as hex. Read from /dev/urandom instead of node:crypto,
 * whose import (~20 internal modules, ~0.7 MB of RSS) a server would otherwise pay at start-up
 * only to name its first session.
 */
export function randomHex(bytes: number): string {
  const buffer = Buffer.allocUnsafe(bytes);
  const fd = openSync("/dev/urandom", "r");
  try {
    let filled = 0;
    while (filled < bytes) filled += readSync(fd, buffer, filled, bytes - filled, null);
  } finally {
    closeSync(fd);
  }
  return buffer.toString("hex");
}
