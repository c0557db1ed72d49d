// The protocol versions that change how the streamable HTTP transport answers.

/** Assumed for a request without `Mcp-Protocol-Version` (the streamable HTTP spec's default). */
export const DEFAULT_NEGOTIATED_PROTOCOL_VERSION = "2025-03-26";

/** The first protocol version whose clients read an SSE event with empty data (priming events). */
export const PRIMING_PROTOCOL_VERSION = "2025-11-25";
