import type { Session } from "./session.js";

/**
 * Transport session id → Session. `closeAndRemove` for an id that is being closed waits for that
 * same close, so every caller resolves only once the session's processes are gone.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly closing = new Map<string, Promise<void>>();
  /** Sessions removed from the map whose close has not finished yet (killAllNow reaches them too). */
  private readonly ending = new Set<Session>();

  /**
   * Maps `id` to `session`. A different session already registered under `id` would become
   * unreachable and leak its processes, so it is closed.
   */
  register(id: string, session: Session): void {
    const previous = this.sessions.get(id);
    this.sessions.set(id, session);
    if (previous && previous !== session) void this.track(id, previous);
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  has(id: string): boolean {
    return this.sessions.has(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  ids(): string[] {
    return [...this.sessions.keys()];
  }

  /** Closes and forgets the session of `id`; unknown id: no-op. Resolves once it is closed. */
  closeAndRemove(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return this.closing.get(id) ?? Promise.resolve();
    this.sessions.delete(id);
    return this.track(id, session);
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      [...new Set([...this.sessions.keys(), ...this.closing.keys()])].map((id) => this.closeAndRemove(id)),
    );
  }

  /**
   * SIGKILLs every process of every session, registered or still closing, at once (Session.killNow);
   * resolves once they are gone. For a second termination signal while closeAll() runs.
   */
  async killAllNow(): Promise<void> {
    await Promise.all([...new Set([...this.sessions.values(), ...this.ending])].map((s) => s.killNow()));
  }

  /** Closes `session`, recorded as in progress for `id` and joined with any earlier close of that id. */
  private track(id: string, session: Session): Promise<void> {
    this.ending.add(session);
    const close = session.close().finally(() => this.ending.delete(session));
    const earlier = this.closing.get(id);
    const done: Promise<void> = Promise.all([earlier, close.catch(() => {})]).then(() => {
      if (this.closing.get(id) === done) this.closing.delete(id);
    });
    this.closing.set(id, done);
    return done;
  }
}
