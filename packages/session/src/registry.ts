import type { Session } from "./session.js";

/**
 * Transport session id → Session. `closeAndRemove` for an id that is being closed waits for that
 * same close, so every caller resolves only once the session's processes are gone.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly closing = new Map<string, Promise<void>>();

  /**
   * Maps `id` to `session`. A different session already registered under `id` would become
   * unreachable and leak its processes, so it is closed.
   */
  register(id: string, session: Session): void {
    const previous = this.sessions.get(id);
    this.sessions.set(id, session);
    if (previous && previous !== session) void this.track(id, previous.close());
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
    return this.track(id, session.close());
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      [...new Set([...this.sessions.keys(), ...this.closing.keys()])].map((id) => this.closeAndRemove(id)),
    );
  }

  /** Records a close in progress for `id`, joined with any earlier one still running for that id. */
  private track(id: string, close: Promise<void>): Promise<void> {
    const earlier = this.closing.get(id);
    const done: Promise<void> = Promise.all([earlier, close.catch(() => {})]).then(() => {
      if (this.closing.get(id) === done) this.closing.delete(id);
    });
    this.closing.set(id, done);
    return done;
  }
}
