#!/usr/bin/env node
/**
 * `node scripts/src/turbo.mjs <turbo args>`: runs the workspace's turbo with the environment of
 * turbo-env.mjs (see there why). The root package.json runs every turbo command through this.
 */
import { runTurbo } from "./run-turbo.mjs";

process.exitCode = await runTurbo(process.argv.slice(2), { stdio: "inherit" }).exited;
