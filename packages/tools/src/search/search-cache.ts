import type { Session } from "@boris-mcp/session";
import type { ToolConfig } from "../core/tool-config.js";
import type { GrepResult } from "./grep-result.js";

export interface SearchCacheOptions {
  /** Bytes of results kept per session. */
  readonly sessionBytes: number;
  /** Bytes of results kept by the whole server. */
  readonly serverBytes: number;
  /** How long a result is kept for later pages, ms. */
  readonly ttlMs: number;
  /** A page served from a result older than this says so, ms. */
  readonly staleNoteMs: number;
}

/**
 * The bounds are what a server's resident memory pays for cheap pages. Measured on the Linux
 * kernel: a 16k-line content result takes 1.3 MiB here, a 32k-path glob 1.8 MiB, so 4 MiB a
 * session keeps any of them whole (a content result keeps whole files up to half the share), and
 * 16 MiB a server keeps that for a dozen busy sessions; 8/32 MiB held ~4 MB more in a stdio server
 * running the bench's searches, for no page served faster.
 */
export const DEFAULT_SEARCH_CACHE: SearchCacheOptions = {
  sessionBytes: 4 * 1024 * 1024,
  serverBytes: 16 * 1024 * 1024,
  ttlMs: 5 * 60_000,
  staleNoteMs: 30_000,
};

export interface CachedResult {
  readonly result: GrepResult;
  readonly createdAt: number;
}

interface Entry extends CachedResult {
  readonly session: Session;
  readonly bytes: number;
  /** The server's file-write count when the search ran. */
  readonly writes: number;
}

/**
 * The last results of each session, kept so that later pages of a search are served without
 * searching again (issue 15). Bounded per session and per server (least recently used goes first)
 * and in time; an entry is void once a file was written through the tools after it was made.
 */
export class SearchCache {
  readonly options: SearchCacheOptions;
  private readonly entries = new Map<string, Entry>();
  private readonly perSession = new Map<Session, number>();
  private readonly watched = new WeakSet<Session>();
  private total = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(options: SearchCacheOptions = DEFAULT_SEARCH_CACHE) {
    this.options = options;
  }

  /** Bytes held (for tests and diagnostics). */
  get bytes(): number {
    return this.total;
  }

  get(session: Session, key: string, writes: number): CachedResult | undefined {
    const id = `${session.id}\0${key}`;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.writes !== writes || Date.now() - entry.createdAt > this.options.ttlMs) {
      this.remove(id, entry);
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry;
  }

  put(session: Session, key: string, result: GrepResult, writes: number): void {
    const id = `${session.id}\0${key}`;
    const old = this.entries.get(id);
    if (old) this.remove(id, old);
    const bytes = result.byteSize;
    if (bytes > this.options.sessionBytes || bytes > this.options.serverBytes || session.closed) {
      // Its page is served already; nothing reads it again.
      result.release();
      return;
    }
    if (!this.watched.has(session)) {
      this.watched.add(session);
      session.onClose(() => this.dropSession(session));
    }
    const entry: Entry = { session, result, bytes, writes, createdAt: Date.now() };
    this.entries.set(id, entry);
    this.total += bytes;
    this.perSession.set(session, (this.perSession.get(session) ?? 0) + bytes);
    this.evict(session);
    this.sweepLater();
  }

  /** Drops every result of a session (it closed). */
  dropSession(session: Session): void {
    for (const [id, entry] of this.entries) if (entry.session === session) this.remove(id, entry);
    this.perSession.delete(session);
  }

  private evict(session: Session): void {
    for (const [id, entry] of this.entries) {
      const sessionOver = (this.perSession.get(session) ?? 0) > this.options.sessionBytes;
      if (!sessionOver && this.total <= this.options.serverBytes) return;
      if (this.total > this.options.serverBytes || entry.session === session) this.remove(id, entry);
    }
  }

  private remove(id: string, entry: Entry): void {
    if (!this.entries.delete(id)) return;
    entry.result.release();
    this.total -= entry.bytes;
    const left = (this.perSession.get(entry.session) ?? 0) - entry.bytes;
    if (left > 0) this.perSession.set(entry.session, left);
    else this.perSession.delete(entry.session);
  }

  /** Expired results do not wait for the next search to be let go. */
  private sweepLater(): void {
    if (this.sweeper || this.entries.size === 0) return;
    this.sweeper = setTimeout(() => {
      this.sweeper = undefined;
      const now = Date.now();
      for (const [id, entry] of this.entries) {
        if (now - entry.createdAt > this.options.ttlMs) this.remove(id, entry);
      }
      this.sweepLater();
    }, this.options.ttlMs + 1000);
    this.sweeper.unref();
  }
}

const cacheByServer = new WeakMap<ToolConfig, SearchCache>();

/** The server's search cache (one per ToolConfig). */
export function searchCacheFor(config: ToolConfig): SearchCache {
  let cache = cacheByServer.get(config);
  if (!cache) {
    cache = new SearchCache();
    cacheByServer.set(config, cache);
  }
  return cache;
}

/** Sets the bounds of this server's search cache (before its first search). */
export function setSearchCacheOptions(config: ToolConfig, options: Partial<SearchCacheOptions>): void {
  cacheByServer.set(config, new SearchCache({ ...DEFAULT_SEARCH_CACHE, ...options }));
}
