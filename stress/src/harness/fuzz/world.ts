// The fuzzers' world: an allowed dir the server may touch, and sentinels around it that it must not.
import { lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { makeTempDir } from "../servers.js";
import { snapshot } from "../tree.js";
import type { Call } from "./calls.js";

export interface FuzzWorld {
  readonly root: string;
  /** The server's workdir and only allowed dir. */
  readonly allowed: string;
  readonly sentinel: string;
}

/** A fresh temp dir for a world; nothing is built in it yet (`buildAllowed`, `buildOutside`). */
export function makeFuzzWorld(): FuzzWorld {
  const root = makeTempDir("fuzz");
  return { root, allowed: join(root, "allowed"), sentinel: join(root, "sentinel") };
}

export function buildAllowed({ allowed }: FuzzWorld): void {
  mkdirSync(join(allowed, "sub", "deep"), { recursive: true });
  writeFileSync(join(allowed, "a.txt"), "needle one\nneedle two\nthird line\n");
  writeFileSync(join(allowed, "sub", "b.ts"), "export const needle = 1;\n");
  writeFileSync(join(allowed, "sub", "deep", "c.md"), "# needle\n");
  writeFileSync(join(allowed, ".hidden"), "needle hidden\n");
  writeFileSync(join(allowed, "crlf.txt"), "needle\r\nline\r\n");
  writeFileSync(join(allowed, "img.png"), Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
  writeFileSync(join(allowed, "bin.dat"), Buffer.from([0, 1, 2, 0, 110, 101, 101, 100, 108, 101]));
  symlinkSync("../sentinel", join(allowed, "escape-dir"));
  symlinkSync("../sentinel/secret.txt", join(allowed, "escape-file"));
  symlinkSync(".", join(allowed, "loop"));
}

/** (Re)builds everything outside the allowed dir; returns its snapshot. */
export function buildOutside({ root, sentinel }: FuzzWorld): Record<string, string> {
  for (const name of readdirSync(root))
    if (name !== "allowed") rmSync(join(root, name), { recursive: true, force: true });
  mkdirSync(join(sentinel, "nested"), { recursive: true });
  // The sentinels hold the text the fuzzer edits, so a scoping hole would change them.
  writeFileSync(join(sentinel, "secret.txt"), "needle secret\nneedle one\n");
  writeFileSync(join(sentinel, "nested", "x.txt"), "needle nested\n");
  writeFileSync(join(root, "root-secret.txt"), "needle root\n");
  return snapshot(root, ["allowed"]);
}

/** Checksums, modes and mtimes of everything outside the allowed dir. */
export function outsideSnapshot({ root }: FuzzWorld): Record<string, string> {
  return snapshot(root, ["allowed"]);
}

/** Outside targets a path argument names that did not exist before: they must not exist after. */
export function newOutsideTargets({ allowed }: FuzzWorld, calls: readonly Call[]): string[] {
  const targets: string[] = [];
  for (const { args } of calls) {
    if (typeof args !== "object" || args === null) continue;
    const p = (args as Record<string, unknown>).path;
    if (typeof p !== "string" || p.includes("\u0000") || p.length > 4096) continue;
    const target = resolve(allowed, p);
    if (target === allowed || target.startsWith(`${allowed}/`)) continue;
    try {
      lstatSync(target);
    } catch {
      targets.push(target);
    }
  }
  return targets;
}
