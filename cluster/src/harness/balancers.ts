// HAProxy and nginx started by the suite, in the foreground, on a free loopback port, with configs
// derived from deploy/ (configs.ts).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { isRunning, killQuietly, waitUntil } from "@boris-mcp/test-support";
import {
  haproxyConfig,
  type NginxOptions,
  nginxMainConfig,
  nginxSiteConfig,
  readShipped,
  SHIPPED_HAPROXY,
  SHIPPED_NGINX,
} from "./configs.js";
import type { Instance } from "./instances.js";
import { freePort } from "./ports.js";

export interface Balancer {
  readonly kind: "haproxy" | "nginx";
  readonly pid: number;
  /** http://127.0.0.1:PORT/mcp through the balancer. */
  readonly url: string;
  /** The config file it runs. */
  readonly configFile: string;
  output(): string;
  stop(): Promise<void>;
}

function instanceMap(instances: readonly Instance[]): Record<string, string> {
  return Object.fromEntries(instances.map((i) => [i.id, i.address]));
}

/** Spawns a balancer in the foreground and waits until its port answers HTTP. */
async function run(
  kind: Balancer["kind"],
  command: string,
  args: string[],
  port: number,
  configFile: string,
) {
  const proc: ChildProcess = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [proc.stdout!, proc.stderr!]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      output += chunk;
    });
  }
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  await waitUntil(`${kind} to listen on ${port}`, async () => {
    if (gone) throw new Error(`${kind} exited at start: ${output}`);
    try {
      await fetch(`http://127.0.0.1:${port}/health`);
      return true;
    } catch {
      return false;
    }
  });
  const pid = proc.pid!;
  const balancer: Balancer = {
    kind,
    pid,
    url: `http://127.0.0.1:${port}/mcp`,
    configFile,
    output: () => output,
    async stop() {
      if (isRunning(pid)) proc.kill("SIGTERM");
      const timer = setTimeout(() => killQuietly(pid), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return balancer;
}

export interface HaproxyBalancer extends Balancer {
  /** A command on the admin socket (`show table boris`, `clear table boris`); its answer. */
  admin(command: string): Promise<string>;
}

/** HAProxy with deploy/haproxy/haproxy.cfg in front of `instances`. */
export async function startHaproxy(haproxy: string, instances: readonly Instance[], dir: string) {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, "haproxy.sock");
  const configFile = join(dir, "haproxy.cfg");
  writeFileSync(
    configFile,
    haproxyConfig(
      readShipped(SHIPPED_HAPROXY),
      { listen: `127.0.0.1:${port}`, instances: instanceMap(instances) },
      socket,
    ),
  );
  const balancer = await run("haproxy", haproxy, ["-db", "-f", configFile], port, configFile);
  const admin = (command: string) =>
    new Promise<string>((resolve, reject) => {
      let answer = "";
      const conn = createConnection(socket, () => conn.end(`${command}\n`));
      conn.setEncoding("utf8");
      conn.on("data", (chunk: string) => {
        answer += chunk;
      });
      conn.on("end", () => resolve(answer));
      conn.on("error", reject);
    });
  return { ...balancer, admin } satisfies HaproxyBalancer;
}

/** nginx with deploy/nginx/boris.conf in front of `instances`. */
export async function startNginx(
  nginx: string,
  instances: readonly Instance[],
  dir: string,
  options: NginxOptions = {},
): Promise<Balancer> {
  return startNginxSite(nginx, dir, (listen) =>
    nginxSiteConfig(readShipped(SHIPPED_NGINX), { listen, instances: instanceMap(instances) }, options),
  );
}

/** nginx with the site config `site(listen)` makes for its listen address. */
export async function startNginxSite(
  nginx: string,
  dir: string,
  site: (listen: string) => string,
): Promise<Balancer> {
  const port = await freePort();
  // Workers drop root privileges (to nobody): their temp folders must be theirs to write.
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  for (const sub of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
    mkdirSync(join(dir, sub), { recursive: true });
    chmodSync(join(dir, sub), 0o777);
  }
  const siteFile = join(dir, "boris.conf");
  writeFileSync(siteFile, site(`127.0.0.1:${port}`));
  const configFile = join(dir, "nginx.conf");
  writeFileSync(configFile, nginxMainConfig(siteFile, dir));
  return run("nginx", nginx, ["-c", configFile, "-p", dir, "-e", join(dir, "error.log")], port, configFile);
}

/** `nginx -t` of a main config; the exit status and what it said. */
export function nginxTest(
  nginx: string,
  configFile: string,
  dir: string,
): { status: number | null; output: string } {
  const result = spawnSync(nginx, ["-t", "-c", configFile, "-p", dir, "-e", join(dir, "error.log")], {
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
