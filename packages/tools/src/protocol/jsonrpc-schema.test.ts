import * as sdk from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../test/seeded-random.js";
import {
  isErrorResponse,
  isInitializeRequest,
  isMessage,
  isNotification,
  isRequest,
  isResultResponse,
} from "./jsonrpc.js";

const INITIALIZE_PARAMS = {
  protocolVersion: "2025-11-25",
  capabilities: { roots: { listChanged: true } },
  clientInfo: { name: "c", version: "1" },
};

const RELATED = "io.modelcontextprotocol/related-task";

/** Messages and near-misses: each guard must agree with the SDK's schema on every one. */
const SAMPLES: unknown[] = [
  { jsonrpc: "2.0", id: 1, method: "ping" },
  { jsonrpc: "2.0", id: "a", method: "tools/call", params: { name: "bash", arguments: {} } },
  { jsonrpc: "2.0", id: 1, method: "tools/call", params: { _meta: { progressToken: 7 } } },
  { jsonrpc: "2.0", id: 1, method: "tools/call", params: { _meta: { progressToken: "t" } } },
  { jsonrpc: "2.0", id: 1, method: "tools/call", params: { _meta: { progressToken: 1.5 } } },
  { jsonrpc: "2.0", id: 1, method: "tools/call", params: { _meta: "x" } },
  { jsonrpc: "2.0", id: 1, method: "tools/call", params: { _meta: { [RELATED]: { taskId: "t" } } } },
  { jsonrpc: "2.0", id: 1, method: "tools/call", params: { _meta: { [RELATED]: { taskId: 1 } } } },
  { jsonrpc: "2.0", id: 1, result: { _meta: { [RELATED]: "t" } } },
  { jsonrpc: "2.0", id: 1, method: "initialize", params: INITIALIZE_PARAMS },
  {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { ...INITIALIZE_PARAMS, clientInfo: { name: "c" } },
  },
  { jsonrpc: "2.0", id: 1, method: "initialize", params: { ...INITIALIZE_PARAMS, protocolVersion: 3 } },
  { jsonrpc: "2.0", id: 1, method: "initialize" },
  { jsonrpc: "2.0", id: 1.5, method: "ping" },
  { jsonrpc: "2.0", id: null, method: "ping" },
  { jsonrpc: "2.0", id: true, method: "ping" },
  { jsonrpc: "1.0", id: 1, method: "ping" },
  { id: 1, method: "ping" },
  { jsonrpc: "2.0", id: 1, method: 5 },
  { jsonrpc: "2.0", id: 1, method: "ping", params: [1, 2] },
  { jsonrpc: "2.0", id: 1, method: "ping", params: null },
  { jsonrpc: "2.0", id: 1, method: "ping", extra: true },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 3, reason: "x" } },
  { jsonrpc: "2.0", method: "notifications/initialized", extra: 1 },
  { jsonrpc: "2.0", id: 1, result: {} },
  { jsonrpc: "2.0", id: 1, result: { content: [], _meta: { progressToken: 2 } } },
  { jsonrpc: "2.0", id: 1, result: [] },
  { jsonrpc: "2.0", id: 1, result: "x" },
  { jsonrpc: "2.0", result: {} },
  { jsonrpc: "2.0", id: 1, result: {}, extra: 1 },
  { jsonrpc: "2.0", id: 1, error: { code: -32000, message: "m" } },
  { jsonrpc: "2.0", id: 1, error: { code: -32000, message: "m", data: { a: 1 } } },
  { jsonrpc: "2.0", error: { code: -32700, message: "parse" } },
  { jsonrpc: "2.0", id: 1, error: { code: 1.5, message: "m" } },
  { jsonrpc: "2.0", id: 1, error: { code: 1 } },
  { jsonrpc: "2.0", id: 1, error: "m" },
  { jsonrpc: "2.0", id: 1, result: {}, error: { code: 1, message: "m" } },
  { jsonrpc: "2.0", id: 1, method: "ping", result: {} },
  {},
  [],
  null,
  "ping",
  42,
];

describe("JSON-RPC guards", () => {
  const pairs = [
    ["isRequest", isRequest, sdk.isJSONRPCRequest],
    ["isNotification", isNotification, sdk.isJSONRPCNotification],
    ["isResultResponse", isResultResponse, sdk.isJSONRPCResultResponse],
    ["isErrorResponse", isErrorResponse, sdk.isJSONRPCErrorResponse],
    ["isInitializeRequest", isInitializeRequest, sdk.isInitializeRequest],
    ["isMessage", isMessage, (v: unknown) => sdk.JSONRPCMessageSchema.safeParse(v).success],
  ] as const;

  for (const [name, ours, theirs] of pairs) {
    it(`${name} agrees with the SDK's schema on every sample`, () => {
      const disagreements = SAMPLES.filter((sample) => ours(sample) !== theirs(sample)).map((s) =>
        JSON.stringify(s),
      );
      expect(disagreements).toEqual([]);
    });
  }

  it("accepts at least one sample of each kind (the table is not all refusals)", () => {
    for (const [, ours] of pairs) expect(SAMPLES.some((s) => ours(s))).toBe(true);
  });

  it("agrees with the SDK's schema on random mutations of the samples", () => {
    const seed = Number(process.env.BORIS_TEST_SEED ?? Date.now() % 1_000_000);
    console.log(`JSON-RPC guard mutations: seed ${seed} (BORIS_TEST_SEED=${seed} repeats them)`);
    const random = seededRandom(seed);
    const objects = SAMPLES.filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null);
    const disagreements: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const sample = mutate(structuredClone(objects[Math.floor(random() * objects.length)]!), random);
      for (const [name, ours, theirs] of pairs) {
        if (ours(sample) !== theirs(sample)) disagreements.push(`${name} ${JSON.stringify(sample)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });
});

const ODD_VALUES: unknown[] = [undefined, null, 0, 1.5, -1, "", "x", "2.0", true, [], {}, { a: 1 }];

/** Replaces, removes or adds one member somewhere in `value` (up to two levels deep). */
function mutate(value: Record<string, unknown>, random: () => number): Record<string, unknown> {
  let target: Record<string, unknown> = value;
  const nested = Object.values(value).filter(
    (v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v),
  );
  if (nested.length > 0 && random() < 0.4) target = nested[Math.floor(random() * nested.length)]!;
  const keys = Object.keys(target);
  const roll = random();
  const odd = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  if (roll < 0.45 && keys.length > 0) target[keys[Math.floor(random() * keys.length)]!] = odd;
  else if (roll < 0.75 && keys.length > 0) delete target[keys[Math.floor(random() * keys.length)]!];
  else
    target[["extra", "id", "params", "result", "error", "_meta", "method"][Math.floor(random() * 7)]!] = odd;
  return value;
}
