// The search figures' corpus: the Linux kernel source (Debian's linux-source-6.1), unpacked once
// outside the repository by setup-corpus.sh, or any big tree named by BORIS_BENCH_CORPUS.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The corpus folder, setting it up on first use (apt-get, a one-time ~1 min step), or
 * { skip: reason } when it is absent and cannot be installed.
 */
export function locateCorpus(benchDir, log) {
  const given = process.env.BORIS_BENCH_CORPUS;
  if (given) {
    const dir = path.resolve(given);
    return existsSync(dir) ? { dir } : { skip: `BORIS_BENCH_CORPUS=${given} does not exist` };
  }
  const dir = path.join(benchDir, "linux-source-6.1");
  if (!existsSync(path.join(dir, ".boris-corpus-ready"))) log("setting up the search corpus (one time) …");
  const setup = spawnSync("bash", [path.join(here, "setup-corpus.sh"), benchDir], {
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (existsSync(path.join(dir, ".boris-corpus-ready"))) return { dir };
  const why =
    `${setup.stderr}${setup.stdout}`.trim().split("\n").at(-1) || `setup-corpus.sh exited ${setup.status}`;
  return { skip: why };
}
