#!/usr/bin/env node
import { runHttp } from "./cli.js";

await runHttp(process.argv.slice(2), process.env);
