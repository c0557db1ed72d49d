/**
 * Paths an OAuth-capable MCP client tries after a 401 (RFC 9728 protected-resource metadata,
 * RFC 8414 / OpenID discovery, with and without the endpoint's path; dynamic client registration
 * and the default authorize/token endpoints).
 */
const DISCOVERY_PREFIXES = [
  "/.well-known/oauth-protected-resource",
  "/.well-known/oauth-authorization-server",
  "/.well-known/openid-configuration",
];
const ENDPOINTS = new Set(["/register", "/authorize", "/token"]);

export function isOAuthPath(path: string): boolean {
  return (
    ENDPOINTS.has(path) ||
    path.endsWith("/.well-known/openid-configuration") ||
    DISCOVERY_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))
  );
}

/**
 * The answer to those paths: an OAuth error body (clients built on the MCP SDK show its
 * `error_description` instead of "Dynamic Client Registration rejected (HTTP 404)") saying that
 * there is no OAuth here and how to authenticate instead. 404, so discovery ends at once.
 */
export function oauthAnswer(
  endpoint: string,
  tokenRequired: boolean,
): { error: string; error_description: string } {
  const error_description = tokenRequired
    ? `boris-http does not use OAuth: it takes a static bearer token. Send 'Authorization: Bearer <token>' with every request to ${endpoint} (the --token value, or the token --generate-token or a non-loopback --host printed at start-up as 'bearer token: …'), e.g. claude mcp add --transport http boris ${endpoint} --header "Authorization: Bearer <token>".`
    : `boris-http does not use OAuth and needs no authorization here: connect to ${endpoint} directly.`;
  return { error: "invalid_request", error_description };
}
