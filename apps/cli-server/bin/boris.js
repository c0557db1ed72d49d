#!/usr/bin/env node
// The file package.json's "bin" names. It is committed, not built, because pnpm links every
// workspace package's bins at install time, before dist/ exists ("Failed to create bin … ENOENT").
import "../dist/main.js";
