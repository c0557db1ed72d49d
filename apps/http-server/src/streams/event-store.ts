import { isResponse as isJSONRPCResponse } from "@boris-mcp/tools";
import type { JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";
import { STANDALONE_STREAM, type TransportEventStore } from "../transport/http-transport.js";

/** Per session: the events kept for replay at most, and their JSON size at most. */
export const EVENT_STORE_LIMITS = { events: 1000, bytes: 4 * 1024 * 1024 } as const;

export interface StoredEvent {
  readonly id: string;
  readonly message: JSONRPCMessage;
}

export interface EventStoreOptions {
  /** How long the events of a stream whose answer is complete are kept for a client to fetch them, ms. */
  readonly retentionMs: number;
  /** Every request of a resumable stream has its response stored. */
  readonly onAnswered?: (streamId: string) => void;
  readonly limits?: { readonly events: number; readonly bytes: number };
}

/** Hears what happens to a stream from the moment it subscribes. */
export interface StreamListener {
  /** An event was stored; `answered` when it completes the stream's answer. */
  event(event: StoredEvent, answered: boolean): void;
  /** The stream was dropped from the store (expired, abandoned, or its session closed). */
  forgotten(): void;
}

interface StreamState {
  /** Request ids whose response is not stored yet; set when the stream is primed. */
  readonly pending: Set<RequestId>;
  answered: boolean;
  expiry: NodeJS.Timeout | undefined;
  readonly listeners: Set<StreamListener>;
  /** Ids of the stream's events still held: forgetting a stream costs its own events, not the store's. */
  readonly eventIds: Set<string>;
}

interface Entry {
  readonly streamId: string;
  readonly seq: number;
  readonly message: JSONRPCMessage;
  readonly bytes: number;
}

/** `<stream id>.<sequence>`: the stream is read back from the id itself (stream ids have no dot). */
export function eventId(streamId: string, seq: number): string {
  return `${streamId}.${seq}`;
}

/** The stream and sequence an event id names, or undefined for an id this store did not make. */
export function parseEventId(id: string): { streamId: string; seq: number } | undefined {
  const match = /^(.+)\.(\d{1,15})$/.exec(id);
  return match ? { streamId: match[1]!, seq: Number(match[2]) } : undefined;
}

/** A message the transport stores to open a resumable stream: the priming event, no JSON-RPC in it. */
function isPriming(message: JSONRPCMessage): boolean {
  return !("jsonrpc" in message);
}

function isResponse(message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } {
  return isJSONRPCResponse(message) && message.id !== undefined;
}

/**
 * One session's SSE events, kept so a client whose connection dropped can reconnect with
 * `Last-Event-ID` and get what it missed (SEP-1699). Only resumable streams (opened with a
 * priming event) and the standalone GET stream are kept; the oldest events go first past the
 * limits. A stream is forgotten `retentionMs` after its answer was stored, even if the answer went
 * out in full (a proxy cut after taking it may never have passed it on), or when its session closes.
 */
export class SessionEventStore implements TransportEventStore {
  private readonly events = new Map<string, Entry>();
  private readonly streams = new Map<string, StreamState>();
  private readonly limits: { readonly events: number; readonly bytes: number };
  private bytes = 0;
  private seq = 0;

  constructor(private readonly options: EventStoreOptions) {
    this.limits = options.limits ?? EVENT_STORE_LIMITS;
  }

  /** Events held, for tests and the limits. */
  get size(): number {
    return this.events.size;
  }

  /** A request stream opened with the requests it will answer (called when it is primed). */
  expect(streamId: string, requestIds: readonly RequestId[]): void {
    const state = this.streams.get(streamId);
    if (state) for (const id of requestIds) state.pending.add(id);
  }

  /** Keeps `message` (its JSON, when the caller has it already, measures it) if its stream resumes. */
  async storeEvent(streamId: string, message: JSONRPCMessage, json?: string): Promise<string> {
    const seq = this.seq++;
    const id = eventId(streamId, seq);
    if (isPriming(message)) {
      // Not kept: a replay starts after the cursor's sequence number, whatever is still held.
      this.streams.set(streamId, {
        pending: new Set(),
        answered: false,
        expiry: undefined,
        listeners: new Set(),
        eventIds: new Set(),
      });
      return id;
    }
    const state = this.streams.get(streamId);
    if (!state && streamId !== STANDALONE_STREAM) return id; // not resumable: nothing to replay
    this.keep(id, { streamId, seq, message, bytes: (json ?? JSON.stringify(message)).length });
    if (!state) return id;
    let answers = false;
    if (isResponse(message)) {
      state.pending.delete(message.id);
      if (state.pending.size === 0 && !state.answered) {
        answers = true;
        state.answered = true;
        state.expiry = setTimeout(() => this.forget(streamId), this.options.retentionMs);
        state.expiry.unref();
      }
    }
    for (const listener of [...state.listeners]) listener.event({ id, message }, answers);
    if (answers) this.options.onAnswered?.(streamId);
    return id;
  }

  /** Whether `id` names an event of a stream this store still holds. */
  knows(id: string): boolean {
    const parsed = parseEventId(id);
    return (
      parsed !== undefined && (this.streams.has(parsed.streamId) || parsed.streamId === STANDALONE_STREAM)
    );
  }

  /** True once every request of the stream has its response stored. */
  isAnswered(streamId: string): boolean {
    return this.streams.get(streamId)?.answered ?? false;
  }

  /** The stored messages of `id`'s stream after it, oldest first. */
  eventsAfter(id: string): StoredEvent[] {
    const parsed = parseEventId(id);
    if (!parsed) return [];
    const after: StoredEvent[] = [];
    for (const [key, entry] of this.events) {
      if (entry.streamId === parsed.streamId && entry.seq > parsed.seq) {
        after.push({ id: key, message: entry.message });
      }
    }
    return after;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const parsed = parseEventId(lastEventId);
    if (!parsed || !this.knows(lastEventId)) throw new Error(`unknown Last-Event-ID ${lastEventId}`);
    for (const event of this.eventsAfter(lastEventId)) await send(event.id, event.message);
    return parsed.streamId;
  }

  /** Calls `listener` for each event stored for the stream from now on; returns the unsubscribe. */
  subscribe(streamId: string, listener: StreamListener): () => void {
    const state = this.streams.get(streamId);
    if (!state) return () => {};
    state.listeners.add(listener);
    return () => state.listeners.delete(listener);
  }

  /** Drops a stream and its events (retention over, abandoned, or its session closed). */
  forget(streamId: string): void {
    const state = this.streams.get(streamId);
    if (state?.expiry) clearTimeout(state.expiry);
    this.streams.delete(streamId);
    for (const key of state?.eventIds ?? []) {
      const entry = this.events.get(key);
      if (entry) this.drop(key, entry);
    }
    for (const listener of state?.listeners ?? []) listener.forgotten();
  }

  /** Drops everything (the session closed). */
  clear(): void {
    for (const streamId of [...this.streams.keys()]) this.forget(streamId);
    this.events.clear();
    this.bytes = 0;
  }

  private keep(id: string, entry: Entry): void {
    this.events.set(id, entry);
    this.streams.get(entry.streamId)?.eventIds.add(id);
    this.bytes += entry.bytes;
    // Oldest first; the event just stored stays even when it alone is over the byte limit.
    for (const [key, old] of this.events) {
      if (this.events.size <= this.limits.events && this.bytes <= this.limits.bytes) break;
      if (key === id) break;
      this.drop(key, old);
    }
  }

  private drop(key: string, entry: Entry): void {
    this.events.delete(key);
    this.streams.get(entry.streamId)?.eventIds.delete(key);
    this.bytes -= entry.bytes;
  }
}
