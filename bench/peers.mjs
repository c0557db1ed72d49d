// The peers the table compares Boris with, installed by the bench itself (not by `pnpm install`, so
// CI installs stay lean) from the npm registry into a cache folder outside the repository, and the
// way each one performs the operations the bench measures. An operation a peer does not have is
// `undefined` in its `ops` and shows as n/a.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { connectStdio } from "./stdio-client.mjs";

export const PEERS = [
  {
    id: "server-filesystem",
    pkg: "@modelcontextprotocol/server-filesystem",
    version: "2026.8.31",
    bin: "mcp-server-filesystem",
  },
  {
    id: "desktop-commander",
    pkg: "@wonderwhy-er/desktop-commander",
    version: "0.2.52",
    bin: "desktop-commander",
  },
];

const INSTALL_TIMEOUT_MS = 600_000;

function installedEntry(dir, peer) {
  const pkgFile = path.join(dir, "node_modules", peer.pkg, "package.json");
  if (!existsSync(pkgFile)) return undefined;
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  if (pkg.version !== peer.version) return undefined;
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin?.[peer.bin];
  return bin ? path.join(path.dirname(pkgFile), bin) : undefined;
}

/**
 * Installs `peer` under `cacheDir/<id>` unless that version is there already. `--ignore-scripts`:
 * desktop-commander's dependencies download a browser in their install scripts, which neither the
 * bench needs nor this network allows. Resolves to { entry } or { skip: reason }.
 */
export function installPeer(peer, cacheDir, log) {
  const dir = path.join(cacheDir, peer.id);
  let entry = installedEntry(dir, peer);
  if (entry) return { entry, dir };
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
  log(`installing ${peer.pkg}@${peer.version} into ${dir} (npm, --ignore-scripts) …`);
  try {
    execFileSync(
      "npm",
      [
        "install",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `${peer.pkg}@${peer.version}`,
      ],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"], timeout: INSTALL_TIMEOUT_MS },
    );
  } catch (err) {
    const why = err.stderr?.toString().trim().split("\n").slice(-3).join(" ") || err.message;
    return { skip: `npm install failed: ${why}` };
  }
  entry = installedEntry(dir, peer);
  return entry ? { entry, dir } : { skip: `no '${peer.bin}' bin in ${peer.pkg}@${peer.version}` };
}

/** Whether `unshare -n` (a process without network) works here. */
function canUnshareNet() {
  return spawnSync("unshare", ["-n", "true"], { stdio: "ignore" }).status === 0;
}

/**
 * Starts an installed peer over stdio. server-filesystem gets `dirs` as its allowed directories.
 * desktop-commander runs with telemetry off (env and config), its config in a private HOME and,
 * where possible, in a network namespace of its own.
 * @returns {Promise<{ endpoint, startupMs, note }>}
 */
export async function startPeer(peer, installed, dirs) {
  if (peer.id === "server-filesystem") {
    const started = await connectStdio({
      name: peer.id,
      command: process.execPath,
      args: [installed.entry, ...dirs],
    });
    return { ...started, note: "" };
  }
  const home = path.join(installed.dir, "home");
  const configDir = path.join(home, ".claude-server-commander");
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    path.join(configDir, "config.json"),
    JSON.stringify({
      telemetryEnabled: false,
      defaultShell: "/bin/bash",
      allowedDirectories: [],
      blockedCommands: [],
      welcomeOnboardingEligible: false,
      pendingWelcomeOnboarding: false,
    }),
  );
  const offline = canUnshareNet();
  const node = [process.execPath, installed.entry, "--no-onboarding"];
  const started = await connectStdio({
    name: peer.id,
    command: offline ? "unshare" : node[0],
    args: offline ? ["-n", ...node] : node.slice(1),
    env: { HOME: home, DESKTOP_COMMANDER_DISABLE_TELEMETRY: "1" },
  });
  return { ...started, note: offline ? "" : "unshare -n unavailable: ran with network (telemetry off)" };
}

/** Polls a desktop-commander search session until it completes; returns its result count. */
async function dcSearch(endpoint, args) {
  const started = await endpoint.text("start_search", args);
  const id = /session: (\S+)/.exec(started)?.[1];
  if (!id) throw new Error(`desktop-commander start_search: no session id in ${started.slice(0, 200)}`);
  let text = started;
  while (!/Status: COMPLETED/.test(text)) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    text = await endpoint.text("get_more_search_results", { sessionId: id, offset: 0, length: 1 });
  }
  const total = /Total results(?: found)?: (\d+)/.exec(text);
  return total ? Number(total[1]) : undefined;
}

/** How each peer does what the bench measures; undefined = the peer has no such operation. */
export const PEER_OPS = {
  "server-filesystem": {
    bash: undefined,
    tail: (ep, file, n) => ep.text("read_text_file", { path: file, tail: n }),
    head: (ep, file, n) => ep.text("read_text_file", { path: file, head: n }),
    edit: (ep, file, oldText, newText) => ep.text("edit_file", { path: file, edits: [{ oldText, newText }] }),
    /** search_files matches a glob against paths relative to `root`. */
    globCount: async (ep, root, pattern) => {
      const text = await ep.text("search_files", { path: root, pattern });
      return text.startsWith("No matches") ? 0 : text.split("\n").filter(Boolean).length;
    },
    grepLinesCount: undefined,
  },
  "desktop-commander": {
    bash: (ep, command) => ep.text("start_process", { command, timeout_ms: 10_000 }),
    /** A negative offset reads from the end of the file. */
    tail: (ep, file, n) => ep.text("read_file", { path: file, offset: -n, length: n }),
    head: (ep, file, n) => ep.text("read_file", { path: file, offset: 0, length: n }),
    edit: (ep, file, oldText, newText) =>
      ep.text("edit_block", { file_path: file, old_string: oldText, new_string: newText }),
    /** A files search with a name glob (its search has no path globs: `*.c` for `**\/*.c`). */
    globCount: (ep, root, pattern) =>
      dcSearch(ep, {
        path: root,
        pattern: pattern.replace(/^\*\*\//, ""),
        searchType: "files",
        ignoreCase: false,
        includeHidden: true,
      }),
    grepLinesCount: (ep, root, pattern) =>
      dcSearch(ep, {
        path: root,
        pattern,
        searchType: "content",
        ignoreCase: false,
        includeHidden: true,
        contextLines: 0,
        earlyTermination: false,
      }),
  },
};
