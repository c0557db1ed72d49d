import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fetchNode, nodePackage, resolveVersion } from "./fetch-node.mjs";
import { NODE_VERSIONS } from "./node-versions.mjs";

const tmp = mkdtempSync(path.join(os.tmpdir(), "fetch-node-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A stand-in for npm: `install <pkg>@<version>` writes the package with a `bin/node` that prints
 * `reports` (default: v<version>) and appends a line to `calls` for each install.
 * @param {string} name @param {{ reports?: string, fail?: boolean }} [opts]
 */
function fakeNpm(name, { reports, fail = false } = {}) {
  const calls = path.join(tmp, `${name}.calls`);
  writeFileSync(calls, "");
  const npm = path.join(tmp, `${name}-npm`);
  writeFileSync(
    npm,
    `#!/bin/sh
spec=""; for arg in "$@"; do spec="$arg"; done
echo "$spec" >> ${JSON.stringify(calls)}
${fail ? 'echo "npm error 404 No match found" >&2; exit 1' : ""}
pkg="\${spec%@*}"; version="\${spec##*@}"
mkdir -p "node_modules/$pkg/bin"
printf '{ "name": "%s", "bin": { "node": "bin/node" } }' "$pkg" > "node_modules/$pkg/package.json"
printf '#!/bin/sh\\necho %s\\n' "${reports ?? "v$version"}" > "node_modules/$pkg/bin/node"
chmod +x "node_modules/$pkg/bin/node"
`,
  );
  chmodSync(npm, 0o755);
  return { npm, calls: () => readFileSync(calls, "utf8").split("\n").filter(Boolean) };
}

describe("fetchNode", () => {
  it("installs the platform's package once, then answers from the cache", async () => {
    const cacheDir = path.join(tmp, "cache-once");
    const { npm, calls } = fakeNpm("once");
    const lines = /** @type {string[]} */ ([]);
    const first = await fetchNode("1.2.3", { cacheDir, npm, log: (line) => lines.push(line) });
    expect(first).toBe(
      path.join(cacheDir, `${nodePackage()}-1.2.3`, "node_modules", nodePackage(), "bin/node"),
    );
    expect(existsSync(first)).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/^fetching Node 1\.2\.3 from npm/)]);

    expect(await fetchNode("1.2.3", { cacheDir, npm })).toBe(first);
    expect(calls()).toEqual([`${nodePackage()}@1.2.3`]);
    expect(readdirSync(cacheDir)).toEqual([`${nodePackage()}-1.2.3`]); // no staging folder left
  });

  it("refuses a binary that reports another version, and keeps nothing of it", async () => {
    const cacheDir = path.join(tmp, "cache-wrong");
    const { npm } = fakeNpm("wrong", { reports: "v9.9.9" });
    await expect(fetchNode("1.2.3", { cacheDir, npm })).rejects.toThrow(
      /^\[NODE_FETCH_FAILED\] node-\S+@1\.2\.3 installed a binary that reports v9\.9\.9/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it("reports npm's own error when the install fails", async () => {
    const cacheDir = path.join(tmp, "cache-fail");
    const { npm } = fakeNpm("fail", { fail: true });
    await expect(fetchNode("1.2.3", { cacheDir, npm })).rejects.toThrow(
      /^\[NODE_FETCH_FAILED\] npm install node-\S+@1\.2\.3 failed: npm error 404 No match found/,
    );
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it("replaces a cached copy that no longer runs", async () => {
    const cacheDir = path.join(tmp, "cache-broken");
    const { npm, calls } = fakeNpm("broken");
    const binary = await fetchNode("1.2.3", { cacheDir, npm });
    writeFileSync(binary, "#!/bin/sh\nexit 1\n");
    expect(await fetchNode("1.2.3", { cacheDir, npm })).toBe(binary);
    expect(calls()).toHaveLength(2);
    expect(readFileSync(binary, "utf8")).toContain("echo v1.2.3");
  });
});

describe("resolveVersion", () => {
  it("maps a pinned major to its exact version and keeps an exact version", () => {
    expect(resolveVersion("24")).toBe(NODE_VERSIONS[24]);
    expect(resolveVersion("22.1.0")).toBe("22.1.0");
  });

  it("names the bad value and the accepted forms", () => {
    expect(() => resolveVersion("lts")).toThrow(
      '[BAD_NODE_VERSION] "lts" is not a Node version: give x.y.z or one of 22, 24',
    );
  });
});
