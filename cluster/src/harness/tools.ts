// Where the balancers are, and what the suite does when they are not there.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** Debian puts haproxy and nginx in /usr/sbin, which a non-root PATH may lack. */
const EXTRA_DIRS = ["/usr/sbin", "/usr/local/sbin"];

/** The absolute path of an executable named `name`, or undefined. */
export function findExecutable(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of [...path.split(delimiter), ...EXTRA_DIRS]) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface Balancers {
  readonly haproxy: string | undefined;
  readonly nginx: string | undefined;
}

export function findBalancers(): Balancers {
  return { haproxy: findExecutable("haproxy"), nginx: findExecutable("nginx") };
}

/**
 * Whether the tests that need `name` run. Outside CI a missing balancer skips them with a printed
 * reason; in CI (`CI=true`, where .ci/run installs both) it is an error.
 */
export function requireBalancer(name: "haproxy" | "nginx", found: string | undefined): boolean {
  if (found) return true;
  const reason = `${name} is not installed (apt-get install ${name}; .ci/run installs it)`;
  if (process.env.CI === "true") throw new Error(`cluster suite: ${reason}`);
  console.warn(`cluster suite: skipping the ${name} tests: ${reason}`);
  return false;
}
