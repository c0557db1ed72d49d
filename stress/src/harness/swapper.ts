import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/**
 * One name flipped between two states, each an existing entry (a regular file, a FIFO, a symlink)
 * that is hard-linked or re-linked under a temp name and renamed over `name`: the name always
 * exists, and every flip is atomic.
 */
export interface Flip {
  /** The name that is flipped. */
  readonly name: string;
  /** Hard-linked into place (a regular file or a FIFO kept under a hidden name). */
  readonly linkFrom?: string;
  /** Or a symlink to this target put into place. */
  readonly symlinkTo?: string;
  /** The other state, the same way. */
  readonly otherLinkFrom?: string;
  readonly otherSymlinkTo?: string;
}

// Runs in its own process: synchronous calls in a tight loop, as fast as the box allows.
const SCRIPT = `
const fs = require("node:fs");
const flips = JSON.parse(process.argv[1]);
let stop = false;
let count = 0;
process.on("SIGTERM", () => { stop = true; });
const put = (name, linkFrom, symlinkTo, tmp) => {
  try { fs.unlinkSync(tmp); } catch {}
  if (linkFrom) fs.linkSync(linkFrom, tmp); else fs.symlinkSync(symlinkTo, tmp);
  fs.renameSync(tmp, name);
};
process.stdout.write("ready\\n");
const loop = () => {
  // Every name in its first state, then every name in its second: each state lasts as long.
  for (let i = 0; i < 200; i++) {
    for (const f of flips) put(f.name, f.linkFrom, f.symlinkTo, f.name + ".swap-a");
    for (const f of flips) put(f.name, f.otherLinkFrom, f.otherSymlinkTo, f.name + ".swap-b");
    count += 2 * flips.length;
  }
  if (stop) { process.stdout.write("flips " + count + "\\n"); process.exit(0); }
  setImmediate(loop);
};
loop();
`;

export interface Swapper {
  readonly proc: ChildProcess;
  /** Stops flipping (leaving each name in its first state) and resolves with the number of flips. */
  stop(): Promise<number>;
}

/** Starts a process that flips every `flips` name between its two states until stopped. */
export async function startSwapper(flips: readonly Flip[]): Promise<Swapper> {
  const proc = spawn(process.execPath, ["-e", SCRIPT, JSON.stringify(flips)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  proc.stdout!.setEncoding("utf8");
  proc.stdout!.on("data", (chunk: string) => {
    out += chunk;
  });
  const exited = once(proc, "exit");
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (out.includes("ready\n")) {
        proc.stdout!.off("data", onData);
        resolve();
      }
    };
    proc.stdout!.on("data", onData);
    void exited.then(([code]) => reject(new Error(`the swapper exited early (${code})`)));
  });
  return {
    proc,
    async stop() {
      proc.kill("SIGTERM");
      await exited;
      const m = /flips (\d+)/.exec(out);
      return m ? Number(m[1]) : 0;
    },
  };
}
