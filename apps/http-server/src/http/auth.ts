import { createHash, timingSafeEqual } from "node:crypto";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * Checks `Authorization: Bearer <token>` in constant time: both sides are hashed to equal-length
 * digests first, so neither the length nor a matching prefix of the token leaks through timing.
 */
export function createBearerCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
    const given = digest(match?.[1] ?? "");
    // Compare even without a match so a malformed header costs the same as a wrong token.
    return timingSafeEqual(given, expected) && match !== null;
  };
}
