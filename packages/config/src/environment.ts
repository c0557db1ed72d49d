import { accessSync, constants, readFileSync, statSync } from "node:fs";
import type { BorisOptions } from "./parse.js";

/** Why `path` cannot serve as a directory, or undefined when it can. */
function directoryProblem(path: string): string | undefined {
  try {
    return statSync(path).isDirectory() ? undefined : "is not a directory";
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "no such directory";
    if (code === "ENOTDIR") return "a part of the path is not a directory";
    return `cannot be used (${code ?? String(err)})`;
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
  const workdir = directoryProblem(options.workdir);
  if (workdir) return `${program}: --workdir ${JSON.stringify(options.workdir)}: ${workdir}. ${fix}`;
  for (const dir of options.allowDirs) {
    const problem = directoryProblem(dir);
    if (problem) return `${program}: --allow-dir ${JSON.stringify(dir)}: ${problem}. ${fix}`;
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
