import { describe, expect, it } from "vitest";
import { isOAuthPath, oauthAnswer } from "./oauth.js";

describe("isOAuthPath", () => {
  it("knows the discovery paths clients try, with and without the endpoint's path", () => {
    for (const path of [
      "/.well-known/oauth-protected-resource",
      "/.well-known/oauth-protected-resource/mcp",
      "/.well-known/oauth-authorization-server",
      "/.well-known/oauth-authorization-server/mcp",
      "/.well-known/openid-configuration",
      "/.well-known/openid-configuration/mcp",
      "/mcp/.well-known/openid-configuration",
      "/register",
      "/authorize",
      "/token",
    ]) {
      expect(isOAuthPath(path), path).toBe(true);
    }
    for (const path of [
      "/mcp",
      "/health",
      "/.well-known/other",
      "/.well-known/oauth-protected-resourcex",
      "/registered",
    ]) {
      expect(isOAuthPath(path), path).toBe(false);
    }
  });

  it("explains the bearer token, or that none is needed", () => {
    expect(oauthAnswer("http://h:1/mcp", true).error_description).toContain(
      "Send 'Authorization: Bearer <token>' with every request to http://h:1/mcp",
    );
    expect(oauthAnswer("http://h:1/mcp", false).error_description).toContain("needs no authorization");
  });
});
