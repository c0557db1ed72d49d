import type { ServerResponse } from "node:http";
import { isIP } from "node:net";

/** Whether a bind address only accepts connections from this machine. */
export function isLoopbackAddress(host: string): boolean {
  const h = host
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.)/, ""); // an IPv4-mapped IPv6 address is its IPv4 address
  return h === "localhost" || h === "::1" || (isIP(h) === 4 && h.startsWith("127."));
}

/** The host name of a Host header, without port or IPv6 brackets. */
export function hostName(hostHeader: string): string {
  if (hostHeader.startsWith("[")) return hostHeader.slice(1, hostHeader.indexOf("]")).toLowerCase();
  const colon = hostHeader.indexOf(":");
  return (colon < 0 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

/**
 * DNS-rebinding defence for a loopback-bound server: a page on evil.example that resolves to
 * 127.0.0.1 still sends `Host: evil.example`, so only loopback names are accepted.
 */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return true; // not a browser: browsers always send Host
  const name = hostName(hostHeader);
  return name === "localhost" || name.endsWith(".localhost") || isLoopbackAddress(name);
}

/**
 * The server's own origin on a loopback-bound server (`http://127.0.0.1:PORT`, `http://localhost:PORT`
 * for the port it listens on): a page with that origin can only have been served by this very
 * listener, so it is no rebinding attack and needs no --allow-origin entry.
 */
export function isOwnLoopbackOrigin(origin: string, localPort: number | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" || localPort === undefined) return false;
  const port = url.port === "" ? 80 : Number(url.port);
  return port === localPort && isLoopbackHostHeader(url.host);
}

export const CORS_ALLOW_HEADERS =
  "Authorization, Content-Type, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID";
export const CORS_ALLOW_METHODS = "GET, POST, DELETE, OPTIONS";

export function isOriginAllowed(origin: string, allowed: readonly string[]): boolean {
  return allowed.includes("*") || allowed.includes(origin.toLowerCase());
}

/** CORS headers for an allowed origin, on every response to it. */
export function setCorsHeaders(res: ServerResponse, origin: string): void {
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Expose-Headers", "Mcp-Session-Id");
}

/** Answers a CORS preflight for an allowed origin. */
export function answerPreflight(res: ServerResponse): void {
  res.writeHead(204, {
    "Access-Control-Allow-Methods": CORS_ALLOW_METHODS,
    "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
    "Access-Control-Max-Age": "600",
    "Content-Length": "0",
  });
  res.end();
}
