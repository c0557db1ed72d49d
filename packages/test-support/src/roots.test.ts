import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { expect, it } from "vitest";
import { clientWithRoots } from "./roots.js";

it("offers roots as file URIs, answers roots/list and announces changes", async () => {
  const server = new Server({ name: "roots", version: "0.0.0" }, { capabilities: {} });
  let changed = 0;
  server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
    changed++;
  });
  const roots = clientWithRoots(["/srv/a b", "file:///srv/raw"]);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverSide), roots.client.connect(clientSide)]);
  try {
    expect(server.getClientCapabilities()?.roots).toEqual({ listChanged: true });
    expect((await server.listRoots()).roots).toEqual([
      { uri: "file:///srv/a%20b" },
      { uri: "file:///srv/raw" },
    ]);
    await roots.setRoots(["/srv/c"]);
    await expect.poll(() => changed).toBe(1);
    expect((await server.listRoots()).roots).toEqual([{ uri: "file:///srv/c" }]);
    expect(roots.asked).toBe(2);
  } finally {
    await roots.client.close();
  }
});
