import { textOf } from "@boris-mcp/test-support";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shellCall } from "../harness/fuzz/calls.js";
import { callAndCheck } from "../harness/fuzz/check.js";
import { assertProperty, fuzzRuns } from "../harness/fuzz/seed.js";
import { useFuzzServers } from "../harness/fuzz/server.js";
import { processesOfServer } from "../harness/processes.js";

/** Runs per property; each run makes up to 5 calls. FUZZ_RUNS=n overrides for a longer hunt. */
const RUNS = fuzzRuns(300);

describe("fuzzing the shell tools' arguments through the MCP client", () => {
  const { serve } = useFuzzServers();

  it("bash, task_output, task_kill with harmless commands: well-formed answers and §4 codes", async () => {
    const { server, client, tools } = await serve();
    const taskIds: string[] = [];
    await assertProperty(
      "shell tools",
      fc.asyncProperty(fc.array(shellCall(taskIds), { minLength: 1, maxLength: 5 }), async (calls) => {
        for (const call of calls) {
          const result = await callAndCheck(await client(), call, tools);
          const id = result && /task_id: (\S+)/.exec(textOf(result))?.[1];
          if (id) taskIds.push(id);
        }
        expect(server.alive()).toBe(true);
      }),
      RUNS,
    );
    expect((await server.health()).status).toBe("ok");
    // Harmless commands end by themselves: nothing of the session is left running but what a
    // background task may still be finishing.
    await expect
      .poll(() => processesOfServer(server.identity), { timeout: 15_000, interval: 100 })
      .toEqual([]);
  });
});
