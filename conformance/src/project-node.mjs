import { accessSync, constants, realpathSync } from "node:fs";
import path from "node:path";

/**
 * The Node binary to run boris-http with: the project's, not the suite's Node 22.
 *
 * Depending on the `node` package puts a `node` shim in this package's node_modules/.bin, and pnpm
 * and turbo put that folder first on PATH, so `node run.mjs` started by them runs on Node 22. In
 * that case (and only then) this returns the first `node` on PATH outside any node_modules/.bin;
 * a runner started with some other Node keeps it.
 * @param {{ suiteNode: string, execPath?: string, pathEnv?: string }} opts
 * @returns {string}
 */
export function projectNode({ suiteNode, execPath = process.execPath, pathEnv = process.env.PATH ?? "" }) {
  if (real(execPath) !== real(suiteNode)) return execPath;
  const exe = process.platform === "win32" ? "node.exe" : "node";
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir || /(^|[\\/])node_modules[\\/]\.bin[\\/]?$/.test(dir)) continue;
    const candidate = path.resolve(dir, exe);
    if (isExecutable(candidate) && real(candidate) !== real(suiteNode)) return candidate;
  }
  return execPath;
}

/** @param {string} file */
function real(file) {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** @param {string} file */
function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
