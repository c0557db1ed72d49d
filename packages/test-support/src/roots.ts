// A client that offers roots (MCP `roots` capability), the way an IDE offers its workspace folders.
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

export interface RootsClient {
  readonly client: Client;
  /** `roots/list` requests the client has answered. */
  readonly asked: number;
  /** Replaces the roots and tells the server (`notifications/roots/list_changed`). */
  setRoots(roots: readonly string[]): Promise<void>;
}

/** `file://` URI of a directory; anything else passed as a root is sent as it is. */
function asUri(root: string): string {
  return root.startsWith("/") ? pathToFileURL(root).href : root;
}

/** An SDK client (not yet connected) offering `roots`: absolute directories or raw URIs. */
export function clientWithRoots(roots: readonly string[]): RootsClient {
  const client = new Client(
    { name: "boris-roots-client", version: "1.0.0" },
    { capabilities: { roots: { listChanged: true } } },
  );
  let current = roots.map(asUri);
  let asked = 0;
  client.setRequestHandler(ListRootsRequestSchema, () => {
    asked++;
    return { roots: current.map((uri) => ({ uri })) };
  });
  return {
    client,
    get asked() {
      return asked;
    },
    async setRoots(next) {
      current = next.map(asUri);
      await client.sendRootsListChanged();
    },
  };
}
