// deploy/kubernetes cannot run here (no cluster): this checks what can be checked without one. Every
// YAML document parses; the objects agree with each other (names, labels, ports, the instance id
// from the pod name, /ready as readiness); the nginx template, rendered as the nginx image renders it,
// passes `nginx -t` and routes a session id to its pod's DNS name.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { nginxTest } from "./harness/balancers.js";
import { KUBERNETES_DIR, nginxMainConfig, renderTemplate } from "./harness/configs.js";
import { makeRunDir, removeRunDir } from "./harness/instances.js";
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
