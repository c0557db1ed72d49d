// A real Prometheus (Debian's `prometheus`) scrapes the built boris-http with its bearer token
// after a scripted workload; its query API must give the build info and the workload's counts.
// Outside CI the test is skipped, with the reason printed, when Prometheus is not installed.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bash, waitUntil } from "@boris-mcp/test-support";
import { afterAll, describe, expect, it } from "vitest";
import { connect, type RunningServer, startServer } from "../test/harness.js";

const TOKEN = "prometheus-e2e-token";
/** How often Prometheus scrapes in this test, s: short, so the test waits little. */
const SCRAPE_INTERVAL_S = 1;

const installed = !spawnSync("prometheus", ["--version"]).error;
const missing = "prometheus is not installed (apt-get install prometheus; .ci/run installs it)";
if (!installed && process.env.CI === "true") throw new Error(`Prometheus e2e: ${missing}`);
if (!installed) console.log(`skipping the Prometheus e2e test: ${missing}`);

/** A port nobody listens on right now (Prometheus cannot be told to take any and say which). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

interface Prometheus {
  readonly api: string;
  stop(): Promise<void>;
}

/** Starts Prometheus scraping `target` (host:port) with the bearer token, in a directory of its own. */
async function startPrometheus(target: string): Promise<Prometheus> {
  const dir = mkdtempSync(join(tmpdir(), "boris-prometheus-"));
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      `  scrape_interval: ${SCRAPE_INTERVAL_S}s`,
      "scrape_configs:",
      "  - job_name: boris",
      "    authorization:",
      `      credentials: ${TOKEN}`,
      "    static_configs:",
      `      - targets: ["${target}"]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const proc: ChildProcess = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  proc.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    log += chunk;
  });
  const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  return {
    api: `http://127.0.0.1:${port}/api/v1`,
    async stop() {
      proc.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
      if (proc.exitCode !== 0 && proc.signalCode === null) console.log(`prometheus log:\n${log}`);
    },
  };
}

async function apiGet(url: string): Promise<unknown> {
  try {
    const res = await fetch(url);
    return res.ok ? ((await res.json()) as { data: unknown }).data : undefined;
  } catch {
    return undefined; // not listening yet
  }
}

interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

async function query(api: string, promql: string): Promise<VectorSample[]> {
  const data = (await apiGet(`${api}/query?query=${encodeURIComponent(promql)}`)) as
    | { result: VectorSample[] }
    | undefined;
  return data?.result ?? [];
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!installed)("Prometheus scraping boris-http", () => {
  it("finds the target up, the build info and the workload's calls", async () => {
    const server: RunningServer = await startServer(["--token", TOKEN, "--instance-id", "prom-e2e"]);
    cleanups.push(() => server.stop());
    const target = new URL(server.base).host;
    const prometheus = await startPrometheus(target);
    cleanups.push(() => prometheus.stop());

    // The workload: one session, 4 successful bash calls and 2 view calls that fail.
    const { client, transport } = await connect(server.url, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    try {
      for (let i = 0; i < 4; i++) await bash(client, `echo ${i}`);
      for (let i = 0; i < 2; i++) await client.callTool({ name: "view", arguments: { path: "missing.txt" } });
      await transport.terminateSession();
    } finally {
      await client.close();
    }

    await waitUntil(
      "Prometheus to scrape boris-http with its token",
      async () => {
        const data = (await apiGet(`${prometheus.api}/targets`)) as
          | { activeTargets: { health: string; labels: { instance: string } }[] }
          | undefined;
        return data?.activeTargets.some((t) => t.labels.instance === target && t.health === "up") ?? false;
      },
      60_000,
    );
    const info = await query(prometheus.api, "boris_build_info");
    expect(info).toHaveLength(1);
    expect(info[0]!.metric).toMatchObject({ job: "boris", instance: target });
    // Prometheus keeps the target's own `instance` label apart: it becomes `exported_instance`.
    expect(info[0]!.metric.exported_instance).toBe("prom-e2e");
    expect(info[0]!.value[1]).toBe("1");

    const calls = (tool: string, errorType: string) =>
      `mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",gen_ai_tool_name="${tool}",error_type="${errorType}"}`;
    // The workload ended before the first scrape that saw it; later scrapes must agree.
    await waitUntil(
      "a scrape with the workload's calls",
      async () => (await query(prometheus.api, calls("bash", "")))[0]?.value[1] === "4",
      30_000,
    );
    expect((await query(prometheus.api, calls("view", "PATH_NOT_FOUND")))[0]?.value[1]).toBe("2");
    expect((await query(prometheus.api, 'boris_sessions_closed_total{reason="delete"}'))[0]?.value[1]).toBe(
      "1",
    );
    expect((await query(prometheus.api, "boris_sessions_active"))[0]?.value[1]).toBe("0");
  }, 120_000); // Prometheus itself may take a while to start on a loaded machine
});
