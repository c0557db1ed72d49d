// The balancer configs the suite runs: the files shipped in deploy/, with only their addresses (and,
// where a test says so, a timeout) replaced. Every replacement must hit exactly the expected number
// of lines, so a change of the shipped file cannot silently leave the suite testing something else.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SHIPPED_HAPROXY = fileURLToPath(new URL("../../../deploy/haproxy/haproxy.cfg", import.meta.url));
export const SHIPPED_NGINX = fileURLToPath(new URL("../../../deploy/nginx/boris.conf", import.meta.url));
export const KUBERNETES_DIR = fileURLToPath(new URL("../../../deploy/kubernetes", import.meta.url));

/** The instance ids and listen address the shipped files are written for. */
export const SHIPPED_INSTANCES: Readonly<Record<string, string>> = {
  "boris-1": "127.0.0.1:8081",
  "boris-2": "127.0.0.1:8082",
  "boris-3": "127.0.0.1:8083",
};
export const SHIPPED_LISTEN = "127.0.0.1:8080";

export interface Replacement {
  readonly what: string;
  readonly pattern: RegExp;
  readonly replace: string;
  /** How many times the pattern must match. */
  readonly count: number;
}

/** Applies `replacements` (global regexes); throws naming the one whose match count is off. */
export function derive(text: string, replacements: readonly Replacement[]): string {
  let out = text;
  for (const r of replacements) {
    const matches = out.match(r.pattern)?.length ?? 0;
    if (matches !== r.count) {
      throw new Error(
        `deriving a test config: expected ${r.count} × ${r.what} (${r.pattern}), found ${matches}`,
      );
    }
    out = out.replace(r.pattern, r.replace);
  }
  return out;
}

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export interface ClusterAddresses {
  /** `127.0.0.1:PORT` the balancer listens on. */
  readonly listen: string;
  /** Instance id → `127.0.0.1:PORT` of the running instance. */
  readonly instances: Readonly<Record<string, string>>;
}

function checkIds(instances: Readonly<Record<string, string>>): void {
  const ids = Object.keys(instances).sort().join(",");
  const shipped = Object.keys(SHIPPED_INSTANCES).sort().join(",");
  if (ids !== shipped) throw new Error(`the shipped configs name instances ${shipped}, not ${ids}`);
}

/**
 * deploy/haproxy/haproxy.cfg with the test's addresses, plus an admin socket (added to `global`) to
 * read and clear the stick table.
 */
export function haproxyConfig(shipped: string, at: ClusterAddresses, adminSocket: string): string {
  checkIds(at.instances);
  return derive(shipped, [
    {
      what: "the frontend's bind line",
      pattern: new RegExp(`^(\\s*bind )${literal(SHIPPED_LISTEN)}$`, "gm"),
      replace: `$1${at.listen}`,
      count: 1,
    },
    ...Object.entries(at.instances).map(([id, address]) => ({
      what: `the server line of ${id}`,
      pattern: new RegExp(`^(\\s*server ${literal(id)} )${literal(SHIPPED_INSTANCES[id]!)}$`, "gm"),
      replace: `$1${address}`,
      count: 1,
    })),
    {
      what: "the global section",
      pattern: /^global$/gm,
      replace: `global\n    stats socket ${adminSocket} mode 600 level admin`,
      count: 1,
    },
  ]);
}

export interface NginxOptions {
  /** A proxy_read_timeout other than the shipped one, e.g. `2s`. */
  readonly readTimeout?: string;
}

/** deploy/nginx/boris.conf (or the Kubernetes one's routing part) with the test's addresses. */
export function nginxSiteConfig(shipped: string, at: ClusterAddresses, options: NginxOptions = {}): string {
  checkIds(at.instances);
  return derive(shipped, [
    {
      what: "the listen line",
      pattern: new RegExp(`^(\\s*listen )${literal(SHIPPED_LISTEN)};$`, "gm"),
      replace: `$1${at.listen};`,
      count: 1,
    },
    // Each instance is in the round-robin pool, in its own upstream, and a backup of the two others.
    ...Object.entries(at.instances).map(([id, address]) => ({
      what: `the server lines of ${id}`,
      pattern: new RegExp(`^(\\s*server )${literal(SHIPPED_INSTANCES[id]!)}((?: backup)?;)$`, "gm"),
      replace: `$1${address}$2`,
      count: 4,
    })),
    ...(options.readTimeout
      ? [
          {
            what: "proxy_read_timeout",
            pattern: /^(\s*proxy_read_timeout )\S+;$/gm,
            replace: `$1${options.readTimeout};`,
            count: 1,
          },
        ]
      : []),
  ]);
}

/** A main nginx.conf around a site file, with every path in `dir` (nginx runs in the foreground). */
export function nginxMainConfig(siteFile: string, dir: string): string {
  return [
    "daemon off;",
    "worker_processes 1;",
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    "events { worker_connections 1024; }",
    "http {",
    `    access_log ${dir}/access.log;`,
    `    client_body_temp_path ${dir}/client_body;`,
    `    proxy_temp_path ${dir}/proxy;`,
    `    fastcgi_temp_path ${dir}/fastcgi;`,
    `    uwsgi_temp_path ${dir}/uwsgi;`,
    `    scgi_temp_path ${dir}/scgi;`,
    `    include ${siteFile};`,
    "}",
    "",
  ].join("\n");
}

/**
 * A template as the nginx image renders it (envsubst limited to the variables it is given): `${NAME}`
 * and `$NAME` of those names replaced, every other `$` (nginx's own variables) left alone.
 */
export function renderTemplate(template: string, env: Readonly<Record<string, string>>): string {
  return template.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced, bare) => {
      const name = braced ?? bare;
      return Object.hasOwn(env, name) ? env[name]! : whole;
    },
  );
}

export interface KubernetesRun {
  /** `HOST:PORT` of the DNS server for `resolver`. */
  readonly resolver: string;
  readonly namespace: string;
  /** `127.0.0.1:PORT` nginx listens on (8080 in the pod). */
  readonly listen: string;
  /** The port every pod listens on (8080 in the cluster). */
  readonly podPort: number;
}

/**
 * deploy/kubernetes/boris.conf.template rendered as the nginx image renders it, with the ports of a
 * run on this machine: nginx's listen address and the pods' port.
 */
export function kubernetesSiteConfig(template: string, run: KubernetesRun): string {
  const rendered = renderTemplate(template, {
    NGINX_LOCAL_RESOLVERS: `${run.resolver} `,
    POD_NAMESPACE: run.namespace,
  });
  return derive(rendered, [
    { what: "the listen line", pattern: /^(\s*listen )8080;$/gm, replace: `$1${run.listen};`, count: 1 },
    {
      what: "the pod port of each target",
      pattern: /(\.svc\.cluster\.local):8080"/g,
      replace: `$1:${run.podPort}"`,
      count: 3,
    },
  ]);
}

export function readShipped(file: string): string {
  return readFileSync(file, "utf8");
}
