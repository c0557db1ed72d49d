import {
  LATEST_PROTOCOL_VERSION as SDK_LATEST,
  SUPPORTED_PROTOCOL_VERSIONS as SDK_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "./protocol-server.js";

describe("ProtocolServer's protocol versions", () => {
  // One list, the SDK's: a client built on the SDK release this package depends on and Boris agree
  // on the same versions. Upgrading the SDK makes this fail until the list follows.
  it("are the versions the SDK this package is built against supports, newest first", () => {
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual(SDK_VERSIONS);
    expect(LATEST_PROTOCOL_VERSION).toBe(SDK_LATEST);
  });
});
