import type { Session } from "@boris-mcp/session";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { RpcError, RpcErrorCode } from "../protocol/jsonrpc.js";
import type { ProtocolServer } from "../protocol/protocol-server.js";
import type { SessionScope } from "./session-scope.js";
import type { ToolConfig } from "./tool-config.js";
import type { ToolCatalog } from "./tool-registry.js";

export interface ServedTools {
  readonly session: Session;
  readonly config: ToolConfig;
  /** The tools' code; asked for at the first tools/call (and tools/list without `listing`). */
  readonly catalog: () => ToolCatalog | Promise<ToolCatalog>;
  /** The tools/list answer when it is known without the tools' code; undefined otherwise. */
  readonly listing?: () => readonly Tool[] | undefined;
  /** With it, a call waits for the client's roots when they are not known yet. */
  readonly sessionScope?: SessionScope;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function progressTokenOf(params: Record<string, unknown>): string | number | undefined {
  const meta = params._meta;
  const token = isObject(meta) ? meta.progressToken : undefined;
  return typeof token === "string" || typeof token === "number" ? token : undefined;
}

/**
 * Serves tools/list and tools/call on `server` for one session. This module loads no schema
 * library: the tools' code, and zod with it, is imported at the first call (`catalog`).
 * tools/call takes `arguments` of any JSON type: the tool answers a non-object with
 * `[INVALID_INPUT]` and a fix, which the model can act on, where a protocol error would not be.
 */
export function serveTools(server: ProtocolServer, served: ServedTools): void {
  const { session, config, sessionScope } = served;
  server.registerCapabilities({ tools: { listChanged: false } });
  server.setRequestHandler("tools/list", async () => ({
    tools: served.listing?.() ?? (await served.catalog()).tools,
  }));
  server.setRequestHandler("tools/call", async (request, extra) => {
    const params = request.params;
    if (!isObject(params) || typeof params.name !== "string") {
      throw new RpcError(
        RpcErrorCode.InvalidParams,
        "Invalid params: tools/call needs params.name, the tool's name",
      );
    }
    const catalog = await served.catalog();
    return catalog.call({
      name: params.name,
      arguments: params.arguments,
      progressToken: progressTokenOf(params),
      session,
      config,
      extra,
      scope: () => (sessionScope ? (sessionScope.ready ?? sessionScope.settle(extra)) : config.pathScope),
    });
  });
}
