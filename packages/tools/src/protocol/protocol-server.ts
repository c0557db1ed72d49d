import type {
  ClientCapabilities,
  Implementation,
  InitializeResult,
  ServerCapabilities,
} from "@modelcontextprotocol/sdk/types.js";
import { RpcError, RpcErrorCode } from "./jsonrpc.js";
import { RpcEndpoint } from "./rpc-endpoint.js";

/**
 * The protocol versions this server speaks, newest first: the ones the MCP SDK (1.x) this package
 * is built and tested against supports. A client asking for another one gets the newest, and
 * decides itself whether it can go on.
 */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = [
  "2025-11-25",
  "2025-06-18",
  "2025-03-26",
  "2024-11-05",
  "2024-10-07",
];

export const LATEST_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[0] as string;

export interface ProtocolServerOptions {
  readonly capabilities?: ServerCapabilities;
  readonly instructions?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The server side of MCP's base protocol, what both binaries serve before any tool runs:
 * `initialize` (version negotiation, capabilities, instructions), `ping`, and
 * `notifications/initialized`. Tools and the rest register on it as on any RpcEndpoint. It replaces
 * the SDK's `Server`, whose zod schemas for every message type cost a start-up ~90 ms and ~10 MB.
 */
export class ProtocolServer extends RpcEndpoint {
  /** Called when the client says it is initialized. */
  oninitialized?: () => void;

  private capabilities: ServerCapabilities;
  private clientCapabilities: ClientCapabilities | undefined;
  private clientInfo: Implementation | undefined;
  private protocolVersion: string | undefined;

  constructor(
    private readonly serverInfo: Implementation,
    private readonly options: ProtocolServerOptions = {},
  ) {
    super();
    this.capabilities = { ...options.capabilities };
    this.setRequestHandler("initialize", (request) => this.initialize(request.params));
    this.setRequestHandler("ping", () => ({}));
    this.setNotificationHandler("notifications/initialized", () => this.oninitialized?.());
  }

  /** Adds to the capabilities `initialize` announces (call before connecting). */
  registerCapabilities(capabilities: ServerCapabilities): void {
    this.capabilities = { ...this.capabilities, ...capabilities };
  }

  /** The capabilities the client declared in `initialize`; undefined before it. */
  getClientCapabilities(): ClientCapabilities | undefined {
    return this.clientCapabilities;
  }

  /** The client's name and version from `initialize`. */
  getClientVersion(): Implementation | undefined {
    return this.clientInfo;
  }

  /** The version agreed on in `initialize`. */
  getProtocolVersion(): string | undefined {
    return this.protocolVersion;
  }

  private initialize(params: Record<string, unknown> | undefined): InitializeResult {
    const requested = params?.protocolVersion;
    if (typeof requested !== "string" || !isObject(params?.capabilities) || !isObject(params?.clientInfo)) {
      throw new RpcError(
        RpcErrorCode.InvalidParams,
        "Invalid params: initialize needs protocolVersion (a string), capabilities (an object) and clientInfo (an object)",
      );
    }
    this.clientCapabilities = params.capabilities as ClientCapabilities;
    this.clientInfo = params.clientInfo as unknown as Implementation;
    this.protocolVersion = SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
      ? requested
      : LATEST_PROTOCOL_VERSION;
    return {
      protocolVersion: this.protocolVersion,
      capabilities: this.capabilities,
      serverInfo: this.serverInfo,
      ...(this.options.instructions ? { instructions: this.options.instructions } : {}),
    };
  }
}
