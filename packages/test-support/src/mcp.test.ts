import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { bash, textOf } from "./mcp.js";

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A server whose only tool echoes the call back: text items around an image, arguments as structured content. */
async function echoClient(): Promise<Client> {
  const server = new Server({ name: "echo", version: "0.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [] }));
  server.setRequestHandler(CallToolRequestSchema, (request) => ({
    content: [
      { type: "text", text: `${request.params.name}:` },
      { type: "image", data: "", mimeType: "image/png" },
      { type: "text", text: String(request.params.arguments?.command) },
    ],
    structuredContent: request.params.arguments,
  }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "0.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  close = async () => {
    await client.close();
    await server.close();
  };
  return client;
}

describe("bash", () => {
  it("calls the bash tool with the command and extra arguments", async () => {
    const client = await echoClient();
    const { result, text, structured } = await bash(client, "echo hi", { run_in_background: true });
    expect(text).toBe("bash:echo hi");
    expect(structured).toEqual({ command: "echo hi", run_in_background: true });
    expect(result.content).toHaveLength(3);
  });
});

describe("textOf", () => {
  it("joins the text items and skips the others", () => {
    const result = {
      content: [
        { type: "text", text: "a" },
        { type: "image", data: "", mimeType: "image/png" },
        { type: "text", text: "b" },
      ],
    };
    expect(textOf(result)).toBe("ab");
  });
});
