import { describe, expect, it } from "vitest";
import { chooseToken, endpointUrl } from "./cli.js";

describe("chooseToken", () => {
  const generate = () => "generated";
  const base = { token: undefined, generateToken: false, host: "127.0.0.1", allowUnauthenticated: false };

  it("needs no token on loopback unless asked for one", () => {
    expect(chooseToken(base, generate)).toEqual({ token: undefined, generated: false });
    expect(chooseToken({ ...base, host: "localhost" }, generate).token).toBeUndefined();
    expect(chooseToken({ ...base, generateToken: true }, generate)).toEqual({
      token: "generated",
      generated: true,
    });
    expect(chooseToken({ ...base, token: "given" }, generate)).toEqual({ token: "given", generated: false });
  });

  it("generates one for a non-loopback address unless the operator opted out", () => {
    for (const host of ["0.0.0.0", "::", "10.1.2.3", "example.com"]) {
      expect(chooseToken({ ...base, host }, generate)).toEqual({ token: "generated", generated: true });
      expect(chooseToken({ ...base, host, allowUnauthenticated: true }, generate).token).toBeUndefined();
      expect(chooseToken({ ...base, host, token: "given" }, generate).token).toBe("given");
    }
  });
});

describe("endpointUrl", () => {
  it("brackets IPv6 hosts", () => {
    expect(endpointUrl("::1", 80)).toBe("http://[::1]:80/mcp");
    expect(endpointUrl("127.0.0.1", 8080)).toBe("http://127.0.0.1:8080/mcp");
  });
});
