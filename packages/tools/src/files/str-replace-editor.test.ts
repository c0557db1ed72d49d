import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  connect,
  errorOf,
  type Harness,
  okText,
  removeDir,
  tempDir,
  testConfig,
} from "../test/file-support.js";
import { toolsFor } from "../tool-set.js";

let dir: string;
let h: Harness;

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await removeDir(dir);
});
afterEach(async () => {
  await h?.close();
});

const FILE_TOOLS = ["view", "str_replace", "create_file", "str_replace_editor"];
const fileToolNames = (config: ReturnType<typeof testConfig>) =>
  toolsFor(config)
    .map((t) => t.name)
    .filter((n) => FILE_TOOLS.includes(n));

describe("tool sets", () => {
  it("standard mode has view, str_replace, create_file; each can be disabled", () => {
    expect(fileToolNames(testConfig())).toEqual(["view", "str_replace", "create_file"]);
    expect(fileToolNames(testConfig({ disabledTools: new Set(["str_replace"]) }))).toEqual([
      "view",
      "create_file",
    ]);
    expect(fileToolNames(testConfig({ disabledTools: new Set(["view", "create_file"]) }))).toEqual([
      "str_replace",
    ]);
  });

  it("compat mode has only str_replace_editor, gone when any of the three is disabled", () => {
    expect(fileToolNames(testConfig({ anthropicCompat: true }))).toEqual(["str_replace_editor"]);
    for (const name of ["view", "str_replace", "create_file"]) {
      expect(fileToolNames(testConfig({ anthropicCompat: true, disabledTools: new Set([name]) }))).toEqual(
        [],
      );
    }
  });

  it("advertises the compat schema with the command enum", async () => {
    h = await connect(testConfig({ anthropicCompat: true }), dir);
    const { tools } = await h.client.listTools();
    const editor = tools.find((t) => t.name === "str_replace_editor");
    expect(editor?.inputSchema.required).toEqual(["command", "path"]);
    expect(editor?.inputSchema.properties?.command).toMatchObject({
      type: "string",
      enum: ["view", "str_replace", "create"],
    });
    expect(Object.keys(editor?.inputSchema.properties ?? {}).sort()).toEqual(
      ["command", "file_text", "new_str", "old_str", "path", "replace_all", "view_range"].sort(),
    );
    expect(tools.map((t) => t.name)).not.toContain("view");
  });

  it("descriptions state the limits and the view-before-edit rule only when it applies", () => {
    const [view, edit] = toolsFor(testConfig({ maxFileSize: 512 * 1024 })).filter((t) =>
      FILE_TOOLS.includes(t.name),
    );
    expect(view?.description).toContain("Files over 512.0 KB cannot be viewed");
    expect(view?.description).toContain("2000");
    expect(edit?.description).toContain("must have been viewed");
    const [, lax] = toolsFor(testConfig({ requireViewBeforeEdit: false })).filter((t) =>
      FILE_TOOLS.includes(t.name),
    );
    expect(lax?.description).not.toContain("viewed");
  });
});

describe("str_replace_editor", () => {
  it("views, edits and creates through the same code paths and viewed set", async () => {
    h = await connect(testConfig({ anthropicCompat: true }), dir);
    const p = path.join(dir, "compat.txt");
    await writeFile(p, "a\r\nb\r\nc\r\n");
    expect(
      okText(await h.call("str_replace_editor", { command: "view", path: p, view_range: [2, -1] })),
    ).toBe("     2\tb\n     3\tc");
    const st = await stat(p);
    expect(h.session.viewed.get(p)).toEqual({ size: st.size, mtimeMs: st.mtimeMs });
    expect(
      okText(
        await h.call("str_replace_editor", {
          command: "str_replace",
          path: p,
          old_str: "b\nc",
          new_str: "B\nC",
        }),
      ),
    ).toBe(`Edited ${p}: replaced 1 occurrence (now 9 bytes). Lines 1-3:\n     1\ta\n     2\tB\n     3\tC`);
    expect(await readFile(p, "latin1")).toBe("a\r\nB\r\nC\r\n");
    expect(
      okText(
        await h.call("str_replace_editor", {
          command: "create",
          path: "made/by/compat.txt",
          file_text: "hi",
        }),
      ),
    ).toBe("Created made/by/compat.txt (2 bytes).");
    // Created by this session, so editable without a view.
    okText(
      await h.call("str_replace_editor", {
        command: "str_replace",
        path: "made/by/compat.txt",
        old_str: "hi",
        new_str: "",
      }),
    );
    expect(await readFile(path.join(dir, "made", "by", "compat.txt"), "utf8")).toBe("");
  });

  it("names the compat view call in FILE_NOT_VIEWED", async () => {
    h = await connect(testConfig({ anthropicCompat: true }), dir);
    const p = path.join(dir, "unseen.txt");
    await writeFile(p, "x\n");
    expect(
      errorOf(
        await h.call("str_replace_editor", { command: "str_replace", path: p, old_str: "x", new_str: "y" }),
        "FILE_NOT_VIEWED",
      ),
    ).toBe(
      `${p} has not been viewed in this session. View it first with str_replace_editor with command "view", then retry the edit.`,
    );
    expect(
      errorOf(
        await h.call("str_replace_editor", { command: "create", path: p, file_text: "y" }),
        "FILE_NOT_VIEWED",
      ),
    ).toContain("then retry the overwrite");
  });

  it("INVALID_INPUT for an unknown command (listing the valid ones) and for missing fields", async () => {
    h = await connect(testConfig({ anthropicCompat: true }), dir);
    expect(
      errorOf(await h.call("str_replace_editor", { command: "delete", path: "x" }), "INVALID_INPUT"),
    ).toBe("unknown command 'delete'. Valid commands: view, str_replace, create.");
    expect(
      errorOf(await h.call("str_replace_editor", { command: "undo_edit", path: "x" }), "INVALID_INPUT"),
    ).toContain("Valid commands: view, str_replace, create. undo_edit is not supported");
    expect(
      errorOf(await h.call("str_replace_editor", { command: "str_replace", path: "x" }), "INVALID_INPUT"),
    ).toBe(
      `command "str_replace" needs the argument 'old_str' (the exact text to replace). Add it and call again.`,
    );
    expect(
      errorOf(await h.call("str_replace_editor", { command: "create", path: "x" }), "INVALID_INPUT"),
    ).toBe(
      `command "create" needs the argument 'file_text' (the content of the new file). Add it and call again.`,
    );
    expect(errorOf(await h.call("str_replace_editor", { path: "x" }), "INVALID_INPUT")).toContain(
      "missing required argument 'command'",
    );
  });
});
