import type { Session } from "./session.js";

/**
 * Transport session id → Session. `closeAndRemove` for an id that is being closed waits for that
 * same close, so every caller resolves only once the session's processes are gone.
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private readonly closing = new Map<string, Promise<void>>();

  register(id: string, session: Session): void {
    this.sessions.set(id, session);
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

  closeAndRemove(id: string): Promise<void> {
    const pending = this.closing.get(id);
    if (pending) return pending;
    const session = this.sessions.get(id);
    if (!session) return Promise.resolve();
    this.sessions.delete(id);
    const done = session.close().finally(() => this.closing.delete(id));
    this.closing.set(id, done);
    return done;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys(), ...this.closing.keys()].map((id) => this.closeAndRemove(id)));
  }
}
