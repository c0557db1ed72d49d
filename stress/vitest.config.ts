import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // One file at a time: each file loads the 2-core box on purpose, and the crash-recovery test
    // watches system-wide orphan sweeps that a server started by another file would also perform.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
