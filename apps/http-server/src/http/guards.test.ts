import { describe, expect, it } from "vitest";
import {
  hostName,
  isLoopbackAddress,
  isLoopbackHostHeader,
  isOriginAllowed,
  isOwnLoopbackOrigin,
} from "./guards.js";

describe("loopback checks", () => {
  it("knows loopback bind addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopbackAddress(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "example.com", "::ffff:10.0.0.1"])
      expect(isLoopbackAddress(h)).toBe(false);
  });
  it("reads host names out of Host headers", () => {
    expect(hostName("localhost:8080")).toBe("localhost");
    expect(hostName("[::1]:8080")).toBe("::1");
    expect(hostName("Example.COM")).toBe("example.com");
  });
  it("accepts only loopback names in the Host header", () => {
    for (const h of ["localhost:8080", "127.0.0.1:1", "[::1]:80", "app.localhost"]) {
      expect(isLoopbackHostHeader(h)).toBe(true);
    }
    for (const h of [
      "evil.example",
      "evil.example:8080",
      "127.0.0.1.evil.example",
      "localhost.evil.example",
    ]) {
      expect(isLoopbackHostHeader(h)).toBe(false);
    }
  });
});

describe("isOriginAllowed", () => {
  it("matches listed origins and *", () => {
    expect(isOriginAllowed("http://a.test", ["http://a.test"])).toBe(true);
    expect(isOriginAllowed("HTTP://A.TEST", ["http://a.test"])).toBe(true);
    expect(isOriginAllowed("http://b.test", ["http://a.test"])).toBe(false);
    expect(isOriginAllowed("null", [])).toBe(false);
    expect(isOriginAllowed("http://b.test", ["*"])).toBe(true);
  });
});

describe("isOwnLoopbackOrigin", () => {
  it("accepts the listener's own loopback origin only", () => {
    expect(isOwnLoopbackOrigin("http://127.0.0.1:8080", 8080)).toBe(true);
    expect(isOwnLoopbackOrigin("http://localhost:8080", 8080)).toBe(true);
    expect(isOwnLoopbackOrigin("http://[::1]:8080", 8080)).toBe(true);
    expect(isOwnLoopbackOrigin("http://127.0.0.1:3000", 8080)).toBe(false);
    expect(isOwnLoopbackOrigin("https://127.0.0.1:8080", 8080)).toBe(false);
    expect(isOwnLoopbackOrigin("http://evil.example:8080", 8080)).toBe(false);
    expect(isOwnLoopbackOrigin("null", 8080)).toBe(false);
    expect(isOwnLoopbackOrigin("http://127.0.0.1:8080", undefined)).toBe(false);
  });
});
