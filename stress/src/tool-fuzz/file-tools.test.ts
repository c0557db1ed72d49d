import { existsSync, rmSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fileRun } from "../harness/fuzz/calls.js";
import { callAndCheck } from "../harness/fuzz/check.js";
import { assertProperty, fuzzRuns } from "../harness/fuzz/seed.js";
import { useFuzzServers } from "../harness/fuzz/server.js";
import { buildOutside, newOutsideTargets, outsideSnapshot } from "../harness/fuzz/world.js";

/** Runs per property; each run makes up to 5 calls. FUZZ_RUNS=n overrides for a longer hunt. */
const RUNS = fuzzRuns(300);

describe("fuzzing the file tools' arguments through the MCP client", () => {
  const { world, serve } = useFuzzServers();
  let outsideBefore: Record<string, string>;
  beforeAll(() => {
    outsideBefore = outsideSnapshot(world);
  });

  for (const mode of ["standard", "anthropic-compat"] as const) {
    it(`file tools (${mode}): well-formed answers, §4 codes, nothing outside the allowed dir touched`, async () => {
      const { server, client, tools } = await serve(mode === "standard" ? [] : ["--anthropic-compat"]);
      await assertProperty(
        `file tools (${mode})`,
        fc.asyncProperty(fileRun(world), async (calls) => {
          const fresh = newOutsideTargets(world, calls);
          for (const call of calls) await callAndCheck(await client(), call, tools);
          expect(server.alive()).toBe(true);
          const created = fresh.filter((target) => existsSync(target));
          const outsideNow = outsideSnapshot(world);
          if (created.length > 0 || !isDeepStrictEqual(outsideNow, outsideBefore)) {
            // Undo the damage first, so that shrinking replays smaller inputs on a clean world.
            for (const target of created) rmSync(target, { recursive: true, force: true });
            const damaged = outsideBefore;
            outsideBefore = buildOutside(world);
            expect({ created, outside: outsideNow }).toEqual({ created: [], outside: damaged });
          }
        }),
        RUNS,
      );
      expect((await server.health()).status).toBe("ok");
    });
  }
});
