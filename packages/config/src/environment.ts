import { accessSync, constants, readFileSync, statSync } from "node:fs";
import type { BorisOptions } from "./parse.js";

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Start-up checks that need the file system (the parse itself is pure): the workdir and every
 * allowed dir exist, the shell can be executed. Returns one line describing the first problem.
 */
export function checkOptionsOnDisk(program: string, options: BorisOptions): string | undefined {
  const fix = `Run '${program} --help' to see the options.`;
  if (!isDirectory(options.workdir)) {
    return `${program}: --workdir ${JSON.stringify(options.workdir)}: no such directory. ${fix}`;
  }
  for (const dir of options.allowDirs) {
    if (!isDirectory(dir)) return `${program}: --allow-dir ${JSON.stringify(dir)}: no such directory. ${fix}`;
  }
  if (!options.disabledTools.includes("bash") && !isExecutableFile(options.shell)) {
    return `${program}: --shell ${JSON.stringify(options.shell)}: not an executable file. ${fix}`;
  }
  return undefined;
}

/** The `version` of the package.json next to a built module's directory (`dist/../package.json`). */
export function readPackageVersion(moduleUrl: string): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", moduleUrl), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}
