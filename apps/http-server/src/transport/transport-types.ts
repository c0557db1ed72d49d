import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * Keeps the events of resumable streams for replay: the SDK's `EventStore`, with the message's JSON
 * handed over too, so a message is serialised once for the store's size limit and the stream.
 */
export interface TransportEventStore {
  storeEvent(streamId: string, message: JSONRPCMessage, json?: string): Promise<string>;
  replayEventsAfter(
    lastEventId: string,
    handlers: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string>;
}

/** What the caller of `handleRequest` is told about that request's handling. */
export interface RequestHooks {
  /** A resumable stream opened for this POST: its priming event is stored (before any answer). */
  readonly primed?: (streamId: string) => void;
}
