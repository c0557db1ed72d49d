// deploy/kubernetes cannot run here (no cluster): this checks what can be checked without one. Every
// YAML document parses; the objects agree with each other (names, labels, ports, the instance id
// from the pod name, /ready as readiness); the nginx template, rendered as the nginx image renders it,
// passes `nginx -t`, and runs in front of three boris-http "pods" (loopback addresses 127.0.0.2-4,
// one port, as pods have) found through a stub of the cluster DNS.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { type Balancer, nginxTest, startNginxSite } from "./harness/balancers.js";
import { type ClusterSession, isSessionNotFound, openSession, run, stdoutOf } from "./harness/clients.js";
import { KUBERNETES_DIR, kubernetesSiteConfig, nginxMainConfig, renderTemplate } from "./harness/configs.js";
import { type StubDns, startStubDns } from "./harness/dns.js";
import { type Instance, makeRunDir, removeRunDir, startInstance } from "./harness/instances.js";
import { freePort } from "./harness/ports.js";
import { rawSession } from "./harness/raw.js";
import { findBalancers, requireBalancer } from "./harness/tools.js";

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are checked field by field below.
type K8sObject = any;

function loadObjects(): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const file of readdirSync(KUBERNETES_DIR).filter((f) => f.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(readFileSync(join(KUBERNETES_DIR, file), "utf8"))) {
      expect(doc.errors, `${file}: ${doc.errors.join("; ")}`).toEqual([]);
      objects.push({ ...doc.toJS(), file });
    }
  }
  return objects;
}

const TEMPLATE = readFileSync(join(KUBERNETES_DIR, "boris.conf.template"), "utf8");

describe("deploy/kubernetes", () => {
  const objects = loadObjects();
  const find = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
    expect(found, `${kind} ${name}`).toBeDefined();
    return found;
  };

  it("is a kustomization of the manifests and the nginx template", () => {
    const k = objects.find((o) => o.kind === "Kustomization");
    expect(k).toBeDefined();
    expect(k.resources.sort()).toEqual(["boris.yaml", "proxy.yaml"]);
    expect(k.configMapGenerator).toEqual([{ name: "boris-proxy-templates", files: ["boris.conf.template"] }]);
    const proxy = find("Deployment", "boris-proxy");
    const volume = proxy.spec.template.spec.volumes.find((v: K8sObject) => v.configMap);
    expect(volume.configMap.name).toBe("boris-proxy-templates");
    expect(proxy.spec.template.spec.containers[0].volumeMounts[0].mountPath).toBe("/etc/nginx/templates");
  });

  it("runs boris-http as a StatefulSet whose pod names are the instance ids, behind a headless Service", () => {
    const set = find("StatefulSet", "boris");
    const headless = find("Service", set.spec.serviceName);
    expect(headless.spec.clusterIP).toBe("None");
    const labels = set.spec.template.metadata.labels;
    expect(set.spec.selector.matchLabels).toEqual(labels);
    for (const service of [headless, find("Service", "boris")]) {
      expect(service.spec.selector).toEqual(labels);
      expect(service.spec.ports[0].port).toBe(8080);
    }
    const container = set.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: K8sObject) => [e.name, e.valueFrom ?? e.value]));
    expect(env.BORIS_INSTANCE_ID).toEqual({ fieldRef: { fieldPath: "metadata.name" } });
    expect(env.BORIS_TOKEN.secretKeyRef.name).toBe("boris-token");
    expect(container.args).toEqual(expect.arrayContaining(["--host", "0.0.0.0", "--port", "8080"]));
    expect(container.readinessProbe.httpGet.path).toBe("/ready");
    expect(container.ports[0].containerPort).toBe(8080);
  });

  it("routes in nginx by the names the manifests give: pod DNS names under the headless Service, the Service for new sessions", () => {
    const set = find("StatefulSet", "boris");
    const rendered = renderTemplate(TEMPLATE, {
      NGINX_LOCAL_RESOLVERS: "10.96.0.10 ",
      POD_NAMESPACE: "agents",
    });
    expect(rendered).toContain(`(?<boris_pod>${set.metadata.name}-[0-9]+)\\.`);
    expect(rendered).toContain(`"$boris_pod.${set.spec.serviceName}.agents.svc.cluster.local:8080"`);
    expect(rendered).toContain('default "boris.agents.svc.cluster.local:8080"');
    expect(rendered).toContain("resolver 10.96.0.10  valid=5s");
    expect(rendered).not.toMatch(/\$\{/);
    const proxy = find("Deployment", "boris-proxy");
    const env = proxy.spec.template.spec.containers[0].env.map((e: K8sObject) => e.name);
    expect(env).toEqual(expect.arrayContaining(["NGINX_ENTRYPOINT_LOCAL_RESOLVERS", "POD_NAMESPACE"]));
  });

  const nginx = findBalancers().nginx;
  describe.skipIf(!requireBalancer("nginx", nginx))("the nginx template", () => {
    let dir: string;
    beforeAll(() => {
      dir = makeRunDir("kubernetes");
    });
    afterAll(() => removeRunDir(dir));

    it("passes nginx -t once rendered", () => {
      mkdirSync(join(dir, "conf"), { recursive: true });
      const site = join(dir, "conf", "boris.conf");
      writeFileSync(
        site,
        renderTemplate(TEMPLATE, { NGINX_LOCAL_RESOLVERS: "127.0.0.1 ", POD_NAMESPACE: "boris" }),
      );
      const main = join(dir, "conf", "nginx.conf");
      writeFileSync(main, nginxMainConfig(site, dir));
      const result = nginxTest(nginx!, main, dir);
      expect(result.output).toContain("test is successful");
      expect(result.status).toBe(0);
    });
  });
});

const NAMESPACE = "boris";
const podName = (pod: string) => `${pod}.boris-pods.${NAMESPACE}.svc.cluster.local`;
const SERVICE = `boris.${NAMESPACE}.svc.cluster.local`;
const WHERE = 'echo "$BORIS_INSTANCE_ID $PWD"';

/** Pods boris-0..2 on 127.0.0.2..4, all on one port (retried if another process holds it on one). */
async function startPods(runDir: string): Promise<Instance[]> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await Promise.allSettled(
      [0, 1, 2].map((n) =>
        startInstance(`boris-${n}`, runDir, [
          "--host",
          `127.0.0.${n + 2}`,
          "--port",
          String(port),
          "--log-level",
          "warn",
        ]),
      ),
    );
    const pods = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    if (pods.length === 3) return pods;
    await Promise.all(pods.map((p) => p.stop()));
    if (attempt === 5) throw (started.find((r) => r.status === "rejected") as PromiseRejectedResult).reason;
  }
}

const nginxForRouting = findBalancers().nginx;
describe.skipIf(!requireBalancer("nginx", nginxForRouting))(
  "deploy/kubernetes/boris.conf.template in front of three pods, with a stub cluster DNS",
  () => {
    let runDir: string;
    let dns: StubDns;
    let pods: Instance[];
    let proxy: Balancer;
    const sessions: ClusterSession[] = [];
    const pod = (id: string) => pods.find((p) => p.id === id)!;

    beforeAll(async () => {
      runDir = makeRunDir("kubernetes-routing");
      dns = await startStubDns();
      pods = await startPods(runDir);
      for (const p of pods) dns.set(podName(p.id), [p.address.split(":")[0]!]);
      // The Service's cluster IP: kube-proxy would spread new sessions; here it is boris-0's address.
      dns.set(SERVICE, [pod("boris-0").address.split(":")[0]!]);
      proxy = await startNginxSite(nginxForRouting!, `${runDir}/nginx`, (listen) =>
        kubernetesSiteConfig(TEMPLATE, {
          resolver: dns.address,
          namespace: NAMESPACE,
          listen,
          podPort: pods[0]!.port,
        }),
      );
    });
    afterAll(async () => {
      await Promise.all(sessions.map((s) => s.close()));
      await proxy?.stop();
      await Promise.all((pods ?? []).map((p) => p.stop()));
      await dns?.close();
      if (runDir) removeRunDir(runDir);
    });

    it("routes every request of a session to the pod its id names, found by the pod's DNS name", async () => {
      for (const p of pods) {
        // A session opened on the pod itself, then used only through the proxy.
        const id = await rawSession(`http://${p.address}/mcp`);
        const s = await openSession(proxy.url, id);
        sessions.push(s);
        for (let depth = 1; depth <= 5; depth++) {
          expect(stdoutOf(await run(s, 'mkdir -p d && cd d && echo "$BORIS_INSTANCE_ID $PWD"'))).toBe(
            `${p.id} ${p.workdir}${"/d".repeat(depth)}`,
          );
        }
        expect(dns.queries.get(podName(p.id))).toBeGreaterThan(0);
      }
    });

    it("sends a new session through the Service, and an id of no pod to a pod that answers 404", async () => {
      const fresh = await openSession(proxy.url);
      sessions.push(fresh);
      expect(fresh.owner).toBe("boris-0");
      expect(stdoutOf(await run(fresh, WHERE))).toBe(`boris-0 ${pod("boris-0").workdir}`);
      const stranger = await fetch(proxy.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json, text/event-stream",
          "Mcp-Session-Id": `boris-9.${"0".repeat(32)}`,
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(stranger.status).toBe(404);
    });

    it("sends the sessions of a pod that died to a live pod: 404, and the client starts over", async () => {
      const victim = pod("boris-1");
      const lost = sessions.find((s) => s.owner === victim.id)!;
      await victim.crash();
      dns.set(podName(victim.id), []); // not ready: the headless Service drops its name
      const error = await run(lost, WHERE).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isSessionNotFound(error), `404, got ${String(error)}`).toBe(true);
      const fresh = await openSession(proxy.url);
      sessions.push(fresh);
      expect(fresh.owner).not.toBe(victim.id);
      // The other pods' sessions carry on.
      for (const s of sessions.filter((x) => x.owner === "boris-2")) {
        expect(stdoutOf(await run(s, WHERE))).toBe(`boris-2 ${pod("boris-2").workdir}${"/d".repeat(5)}`);
      }
    });
  },
);
