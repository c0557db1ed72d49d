import { statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** A root as a client lists it (`roots/list`): only the URI matters here. */
export interface ClientRoot {
  readonly uri: string;
  readonly name?: string;
}

/** A root that does not count, and why (for the log line). */
export interface IgnoredRoot {
  readonly uri: string;
  readonly reason: string;
}

export interface RootDirs {
  /** Absolute paths of the roots that are directories on this machine, in the client's order. */
  readonly dirs: readonly string[];
  readonly ignored: readonly IgnoredRoot[];
}

/**
 * The directories a client's roots name on this machine. Only `file://` URIs of existing
 * directories count: another scheme names nothing the file tools can reach, and a path this
 * machine does not have (a remote client's workspace) can be neither a start directory nor a
 * useful scope.
 */
export function rootDirs(roots: readonly ClientRoot[]): RootDirs {
  const dirs: string[] = [];
  const ignored: IgnoredRoot[] = [];
  for (const { uri } of roots) {
    const reason = rootProblem(uri);
    if (typeof reason === "string") ignored.push({ uri, reason });
    else if (!dirs.includes(reason.dir)) dirs.push(reason.dir);
  }
  return { dirs, ignored };
}

function rootProblem(uri: string): string | { dir: string } {
  if (!/^file:/i.test(uri)) return "only file:// roots count";
  let dir: string;
  try {
    dir = path.resolve(fileURLToPath(uri));
  } catch (err) {
    // A file URI naming another host, or a malformed one.
    return `not a local file URI (${(err as Error).message})`;
  }
  try {
    if (!statSync(dir).isDirectory()) return "not a directory";
  } catch {
    return "no such directory on this machine";
  }
  return { dir };
}
