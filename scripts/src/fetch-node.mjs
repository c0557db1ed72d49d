#!/usr/bin/env node
/**
 * Fetches an official Node binary from the npm registry (the `node-<platform>-<arch>` packages,
 * the ones the `node` package installs) into a cache folder, once, and returns its path. The tests
 * need Node 22 and 24 besides the project's Node; fetching them on first use keeps a plain
 * `pnpm install` small (each binary is about 120 MB unpacked).
 *
 * CLI: `node scripts/src/fetch-node.mjs <version | major>` prints the binary's path.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { NODE_VERSIONS } from "./node-versions.mjs";

const run = promisify(execFile);

/** `<repo>/node_modules/.cache/boris-node`: survives installs, goes away with node_modules. */
export const DEFAULT_CACHE = fileURLToPath(new URL("../../node_modules/.cache/boris-node/", import.meta.url));

/**
 * @param {string} platform @param {string} arch
 * @returns {string} the npm package that carries the Node binary for this platform
 */
export function nodePackage(platform = process.platform, arch = process.arch) {
  return `node-${platform}-${arch}`;
}

/**
 * Resolves `22` or `24` to the pinned version of NODE_VERSIONS; a full version stays as it is.
 * @param {string} spec
 */
export function resolveVersion(spec) {
  const pinned = /** @type {Record<string, string>} */ (NODE_VERSIONS)[spec];
  if (pinned) return pinned;
  if (/^\d+\.\d+\.\d+$/.test(spec)) return spec;
  throw new Error(
    `[BAD_NODE_VERSION] "${spec}" is not a Node version: give x.y.z or one of ${Object.keys(NODE_VERSIONS).join(", ")}`,
  );
}

/**
 * Returns the path of Node `version`'s binary, installing it from npm into `cacheDir` the first
 * time. Concurrent callers may both install; the first to finish wins, the other copy is dropped.
 * @param {string} version x.y.z
 * @param {{ cacheDir?: string, npm?: string, log?: (line: string) => void }} [opts]
 * @returns {Promise<string>}
 */
export async function fetchNode(version, { cacheDir = DEFAULT_CACHE, npm = "npm", log = () => {} } = {}) {
  const pkg = nodePackage();
  const dir = path.join(cacheDir, `${pkg}-${version}`);
  const cached = binaryIn(dir, pkg);
  if (cached && (await versionOf(cached)) === `v${version}`) return cached;

  mkdirSync(cacheDir, { recursive: true });
  const staging = mkdtempSync(path.join(cacheDir, ".fetching-"));
  try {
    log(`fetching Node ${version} from npm (${pkg}@${version}, once; cached in ${dir})`);
    writeFileSync(path.join(staging, "package.json"), '{ "private": true }\n');
    try {
      await run(
        npm,
        ["install", "--no-save", "--no-audit", "--no-fund", "--no-package-lock", `${pkg}@${version}`],
        {
          cwd: staging,
          maxBuffer: 16 * 1024 * 1024,
        },
      );
    } catch (err) {
      const { stderr = "", message } = /** @type {{ stderr?: string, message: string }} */ (err);
      throw new Error(
        `[NODE_FETCH_FAILED] npm install ${pkg}@${version} failed: ${stderr.trim() || message}`,
      );
    }
    const binary = binaryIn(staging, pkg);
    const got = binary && (await versionOf(binary));
    if (got !== `v${version}`) {
      throw new Error(
        `[NODE_FETCH_FAILED] ${pkg}@${version} installed ${binary ? `a binary that reports ${got}` : "no binary"}; ` +
          `remove ${cacheDir} and try again`,
      );
    }
    const theirs = binaryIn(dir, pkg);
    if (theirs && (await versionOf(theirs)) === `v${version}`) return theirs; // a concurrent fetch won
    rmSync(dir, { recursive: true, force: true }); // a broken earlier copy
    renameSync(staging, dir);
    return /** @type {string} */ (binaryIn(dir, pkg));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * @param {string} dir @param {string} pkg
 * @returns {string | undefined} the binary named by the installed package's `bin.node`, if present
 */
function binaryIn(dir, pkg) {
  const pkgDir = path.join(dir, "node_modules", pkg);
  try {
    const manifest = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
    const binary = path.join(pkgDir, manifest.bin?.node ?? "bin/node");
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** @param {string} binary @returns {Promise<string | undefined>} */
async function versionOf(binary) {
  try {
    return (await run(binary, ["--version"])).stdout.trim();
  } catch {
    return undefined;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const spec = process.argv[2];
  if (!spec || process.argv.length > 3) {
    process.stderr.write("usage: node scripts/src/fetch-node.mjs <x.y.z | 22 | 24>\n");
    process.exit(2);
  }
  try {
    const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
    process.stdout.write(`${await fetchNode(resolveVersion(spec), { log })}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
