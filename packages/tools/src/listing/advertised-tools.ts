import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { ToolConfig } from "../core/tool-config.js";
import { toolNamesFor } from "../core/tool-names.js";
import PREBUILT from "./tool-listing.json" with { type: "json" };

/**
 * The settings a tools/list answer depends on besides which tools are enabled (descriptions name
 * sizes, timeouts and the shell; the compat mode picks names and schemas). The path scope, the
 * roots mode and rgPath do not show in it (tool-listing.test.ts checks that).
 */
export function listingKey(config: ToolConfig): string {
  return JSON.stringify([
    config.shell,
    config.defaultTimeoutMs,
    config.maxTimeoutMs,
    config.drainMs,
    config.outputLimit,
    config.progressIntervalMs,
    config.maxFileSize,
    config.maxImageSize,
    config.requireViewBeforeEdit,
    config.anthropicCompat,
    config.searchTimeoutMs,
  ]);
}

/** One pre-built tools/list answer: every tool, for the settings `key` names. */
export interface PrebuiltListing {
  readonly key: string;
  readonly tools: readonly Tool[];
}

const byKey = new Map((PREBUILT as unknown as readonly PrebuiltListing[]).map((l) => [l.key, l.tools]));
const answers = new WeakMap<ToolConfig, readonly Tool[]>();

/**
 * The tools/list answer for `config` without loading the tools' code or zod, when it was pre-built
 * (tool-listing.json: the answers for the default settings, generated from the tools' zod
 * definitions); undefined otherwise (the server then builds it from the definitions).
 */
export function advertisedTools(config: ToolConfig): readonly Tool[] | undefined {
  let answer = answers.get(config);
  if (answer) return answer;
  const all = byKey.get(listingKey(config));
  if (!all) return undefined;
  const enabled = new Set<string>(toolNamesFor(config));
  answer = all.filter((tool) => enabled.has(tool.name));
  answers.set(config, answer);
  return answer;
}

/** Whether `config`'s tools/list answer is pre-built (no tool code is loaded to list the tools). */
export function hasPrebuiltListing(config: ToolConfig): boolean {
  return byKey.has(listingKey(config));
}
