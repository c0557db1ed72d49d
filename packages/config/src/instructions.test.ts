import { describe, expect, it } from "vitest";
import { buildInstructions } from "./instructions.js";

const base = {
  workdir: "/srv/app",
  workdirGiven: true,
  allowDirs: [] as string[],
  denyPatterns: [] as string[],
  anthropicCompat: false,
  disabledTools: [] as const,
  requireViewBeforeEdit: true,
};

describe("buildInstructions", () => {
  it("states the working directory and the conventions", () => {
    const text = buildInstructions(base);
    const lines = text.split("\n");
    expect(lines[0]).toBe("Working directory: /srv/app");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("the working directory persists across bash calls");
    expect(lines[1]).toContain("view a file before editing");
    expect(lines[1]).toContain("[CODE]");
  });

  it("lists allowed directories and denied patterns only when set", () => {
    const text = buildInstructions({
      ...base,
      allowDirs: ["/a", "/b"],
      denyPatterns: ["**/.env", "**/.git"],
    });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "Working directory: /srv/app",
      "Allowed directories: /a, /b",
      "Denied patterns: **/.env, **/.git",
    ]);
  });

  it("says that a client's roots decide the start and the scope only when the operator set neither", () => {
    const open = { ...base, workdirGiven: false };
    expect(buildInstructions(open).split("\n")[0]).toBe(
      "Working directory: /srv/app, or the client's first root when the client offers roots (the file tools then reach only paths inside the roots)",
    );
    expect(buildInstructions({ ...open, allowDirs: ["/a"] }).split("\n")[0]).toBe(
      "Working directory: /srv/app",
    );
  });

  it("follows the tool set", () => {
    const text = buildInstructions({ ...base, disabledTools: ["bash"], anthropicCompat: true });
    expect(text).not.toContain("bash");
    expect(text).toContain("str_replace_editor view a file before editing");
    expect(buildInstructions({ ...base, requireViewBeforeEdit: false })).not.toContain("before editing");
  });
});
