import type { Session } from "@boris-mcp/session";
import type { RequestExtra } from "../protocol/rpc-endpoint.js";
import { canonicalizeSync } from "../scope/canonical-path.js";
import { createPathScope, type PathScope } from "../scope/path-scope.js";
import { type ClientRoot, rootDirs } from "../scope/root-dirs.js";

/** How long a client may take to answer `roots/list`, ms. */
export const ROOTS_TIMEOUT_MS = 10_000;

/**
 * The roots of a `roots/list` answer, read leniently: the SDK's schema refuses the whole list for
 * one root that is not `file://`, where such a root is just ignored (with a log line) and the others
 * still count. Only an answer without a `roots` array of objects with a string `uri` is refused.
 */
function rootsOf(result: Record<string, unknown>): ClientRoot[] {
  const { roots } = result;
  const valid =
    Array.isArray(roots) &&
    roots.every(
      (r) => typeof r === "object" && r !== null && typeof (r as { uri?: unknown }).uri === "string",
    );
  if (!valid) throw new Error("the roots/list answer has no list of roots with a string uri each");
  return roots as ClientRoot[];
}

/** Where the roots' decisions are logged (the apps' logger fits). */
export interface ScopeLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface SessionScopeOptions {
  /** The operator's scope (ToolConfig.pathScope): the scope without roots; its deny patterns always apply. */
  readonly operatorScope: PathScope;
  readonly session: Session;
  /** Whether the client declared the `roots` capability (read at the first tool call). */
  readonly clientOffersRoots: () => boolean;
  readonly logger?: ScopeLogger;
  /** Default ROOTS_TIMEOUT_MS. */
  readonly rootsTimeoutMs?: number;
}

/**
 * The path scope of one session that follows its client's roots (used only when the operator set
 * neither --workdir nor --allow-dir). The roots are asked for through the tool call that needs them
 * (over HTTP that call's response stream is the one way to reach the client for sure), before its
 * handler runs: at the first call, and at the next call after `notifications/roots/list_changed`.
 *
 * - The first answer decides where the session starts: its first usable root.
 * - Usable roots (`file://` URIs of directories here) become the allow dirs; the operator's deny
 *   patterns still apply. No usable roots: the operator's scope, as for a client without roots.
 * - A later change never moves the cwd (an agent's relative paths must not silently mean files of
 *   another root); a cwd outside the new roots stays, and the file tools refuse paths there.
 * - A failed `roots/list` leaves the scope as it was (first time: the operator's).
 */
export class SessionScope {
  private scope: PathScope;
  /** undefined until the first call reads the client's capabilities. */
  private stale: boolean | undefined;
  private started = false;
  /** Bumped by every list_changed: an answer asked for before it is already old. */
  private changes = 0;
  private asking: Promise<void> | undefined;

  constructor(private readonly options: SessionScopeOptions) {
    this.scope = options.operatorScope;
  }

  /** The scope of a call starting now, or undefined when the client must be asked first (`settle`). */
  get ready(): PathScope | undefined {
    if (this.stale === undefined) this.stale = this.options.clientOffersRoots();
    return this.stale ? undefined : this.scope;
  }

  /**
   * Asks the client for its roots (through the call `extra` belongs to) and applies them; undefined
   * when that call is cancelled first (it must not run, and cannot carry the question).
   */
  async settle(extra: RequestExtra): Promise<PathScope | undefined> {
    while (this.stale) {
      if (extra.signal.aborted) return undefined;
      this.asking ??= this.ask(extra).finally(() => {
        this.asking = undefined;
      });
      await this.asking;
    }
    return this.scope;
  }

  /** The client's roots changed (`notifications/roots/list_changed`): the next call asks again. */
  rootsChanged(): void {
    this.changes++;
    if (this.stale === false && this.options.clientOffersRoots()) this.stale = true;
  }

  private async ask(extra: RequestExtra): Promise<void> {
    const asked = this.changes;
    const { logger } = this.options;
    try {
      const result = await extra.sendRequest(
        { method: "roots/list" },
        { timeout: this.options.rootsTimeoutMs ?? ROOTS_TIMEOUT_MS },
      );
      this.apply(rootsOf(result));
    } catch (err) {
      // The call that carried the question was cancelled before it was sent: the next call asks.
      if (extra.signal.aborted) return;
      const keeps = this.started ? "keeping the scope it had" : "scoped as without roots";
      logger?.warn(
        { err: (err as Error)?.message ?? String(err) },
        `roots/list failed; the session is ${keeps}`,
      );
    }
    this.started = true;
    if (this.changes === asked) this.stale = false;
  }

  private apply(roots: readonly ClientRoot[]): void {
    const { logger, operatorScope, session } = this.options;
    const { dirs, ignored } = rootDirs(roots);
    for (const { uri, reason } of ignored) logger?.info({ root: uri, reason }, "client root ignored");
    if (dirs.length === 0) {
      this.scope = operatorScope;
      logger?.info({ roots: roots.length }, "no usable client roots: the session is scoped as without roots");
      return;
    }
    this.scope = createPathScope({
      allowDirs: dirs,
      denyPatterns: operatorScope.denyPatterns,
      allowedName: "the client's roots",
    });
    if (!this.started) {
      session.cwd = dirs[0] as string;
    } else if (!this.scope.isAllowed(canonicalOrSelf(session.cwd))) {
      logger?.info(
        { cwd: session.cwd },
        "the session's working directory is outside the new roots; it stays",
      );
    }
    logger?.info({ roots: dirs.join(","), cwd: session.cwd }, "session scoped to the client's roots");
  }
}

function canonicalOrSelf(dir: string): string {
  try {
    return canonicalizeSync(dir);
  } catch {
    return dir;
  }
}
