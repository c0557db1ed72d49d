// The suite runs the shipped configs: only addresses (and, when asked, one timeout) may differ.
import { describe, expect, it } from "vitest";
import {
  derive,
  haproxyConfig,
  nginxSiteConfig,
  readShipped,
  renderTemplate,
  SHIPPED_HAPROXY,
  SHIPPED_NGINX,
} from "./harness/configs.js";

const AT = {
  listen: "127.0.0.1:40000",
  instances: { "boris-1": "127.0.0.1:40001", "boris-2": "127.0.0.1:40002", "boris-3": "127.0.0.1:40003" },
};

/** The lines of `derived` that are not in `shipped`, and the reverse. */
function changedLines(shipped: string, derived: string) {
  const a = shipped.split("\n");
  const b = derived.split("\n");
  const unique = (lines: string[]) => [...new Set(lines)];
  return { removed: unique(a.filter((l) => !b.includes(l))), added: unique(b.filter((l) => !a.includes(l))) };
}

describe("test configs derived from deploy/", () => {
  it("HAProxy: only the bind and server addresses change, and an admin socket is added", () => {
    const shipped = readShipped(SHIPPED_HAPROXY);
    const { removed, added } = changedLines(shipped, haproxyConfig(shipped, AT, "/tmp/x/haproxy.sock"));
    expect(removed.map((l) => l.trim())).toEqual([
      "bind 127.0.0.1:8080",
      "server boris-1 127.0.0.1:8081",
      "server boris-2 127.0.0.1:8082",
      "server boris-3 127.0.0.1:8083",
    ]);
    expect(added.map((l) => l.trim())).toEqual([
      "stats socket /tmp/x/haproxy.sock mode 600 level admin",
      "bind 127.0.0.1:40000",
      "server boris-1 127.0.0.1:40001",
      "server boris-2 127.0.0.1:40002",
      "server boris-3 127.0.0.1:40003",
    ]);
  });

  it("nginx: only the listen and server addresses change (and proxy_read_timeout when asked)", () => {
    const shipped = readShipped(SHIPPED_NGINX);
    const same = changedLines(shipped, nginxSiteConfig(shipped, AT));
    expect(same.removed.map((l) => l.trim()).sort()).toEqual(
      [
        "listen 127.0.0.1:8080;",
        "server 127.0.0.1:8081 backup;",
        "server 127.0.0.1:8081;",
        "server 127.0.0.1:8082 backup;",
        "server 127.0.0.1:8082;",
        "server 127.0.0.1:8083 backup;",
        "server 127.0.0.1:8083;",
      ].sort(),
    );
    expect(same.added.every((l) => /127\.0\.0\.1:4000\d/.test(l))).toBe(true);
    const short = changedLines(shipped, nginxSiteConfig(shipped, AT, { readTimeout: "2s" }));
    expect(short.added.map((l) => l.trim())).toContain("proxy_read_timeout 2s;");
  });

  it("refuses a shipped file whose lines no longer match, instead of testing something else", () => {
    expect(() =>
      derive("bind 1.2.3.4:80\n", [{ what: "bind", pattern: /^bind x$/gm, replace: "", count: 1 }]),
    ).toThrow("expected 1 × bind");
    const shipped = readShipped(SHIPPED_HAPROXY).replace(
      "server boris-3 127.0.0.1:8083",
      "server other 127.0.0.1:8083",
    );
    expect(() => haproxyConfig(shipped, AT, "/s")).toThrow("the server line of boris-3");
    expect(() => haproxyConfig(readShipped(SHIPPED_HAPROXY), { ...AT, instances: { a: "x" } }, "/s")).toThrow(
      "the shipped configs name instances",
    );
  });

  it("renders a template the way the nginx image does: only the given variables", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: envsubst's syntax, not a JS template
    expect(renderTemplate("a ${X} $X $nginx_var ${Y} $", { X: "1" })).toBe("a 1 1 $nginx_var ${Y} $");
  });
});
