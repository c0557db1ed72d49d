// Fixtures of the Session tests: sessions closed after each test, a spy on the signals sent, the
// command line of a process, and the check of a thrown SessionError.
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Leftovers } from "@boris-mcp/test-support";
import { afterEach, expect, vi } from "vitest";
import { Session, SessionError } from "../session.js";

export interface SessionFixture {
  /** The working directory of every session made here. */
  readonly workdir: string;
  /** Process groups and pids to kill after each test. */
  readonly leftovers: Leftovers;
  /** A session in `workdir`, closed after the test. */
  newSession(options?: Partial<ConstructorParameters<typeof Session>[0]>): Session;
}

/** Sessions for the tests of the calling file: after each test, mocks restored, sessions closed, leftovers killed. */
export function useSessions(): SessionFixture {
  const workdir = tmpdir();
  const leftovers = new Leftovers();
  const sessions: Session[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    leftovers.cleanup();
  });
  return {
    workdir,
    leftovers,
    newSession(options = {}) {
      const session = new Session({ workdir, ...options });
      sessions.push(session);
      return session;
    },
  };
}

/** Signals sent through process.kill while the spy is active, signal 0 (liveness probes) left out. */
export function spyKills(): { sent: () => Array<[number, string | number | undefined]> } {
  const spy = vi.spyOn(process, "kill");
  return {
    sent: () =>
      spy.mock.calls
        .filter(([, sig]) => sig !== 0)
        .map(([pid, sig]) => [pid, sig] as [number, string | number | undefined]),
  };
}

/** `pid`'s arguments joined by spaces; "" once it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

export function expectSessionError(fn: () => unknown, code: string): void {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(SessionError);
  expect((error as SessionError).code).toBe(code);
}
