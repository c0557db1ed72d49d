#!/usr/bin/env node
import { runStdio } from "./cli.js";

await runStdio(process.argv.slice(2), process.env);
