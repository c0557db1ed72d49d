import { describe, expect, it } from "vitest";
import { compileGlob, globSyntaxError } from "./glob-pattern.js";
import { LinePager, LineSplitter } from "./search-output.js";

function split(chunks: string[], maxLineBytes = 1000, delimiter = 0x0a): string[] {
  const out: string[] = [];
  const s = new LineSplitter(
    (buf, a, b) => {
      out.push(buf.toString("utf8", a, b));
      return false;
    },
    maxLineBytes,
    delimiter,
  );
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return out;
}

describe("LineSplitter", () => {
  it("joins lines across chunk boundaries and keeps a last line without newline", () => {
    expect(split(["ab", "c\nde", "f\n\ng", "h"])).toEqual(["abc", "def", "", "gh"]);
    expect(split(["a\n", "b\n"])).toEqual(["a", "b"]);
  });

  it("keeps only the first maxLineBytes bytes of a long line, inside a chunk or across chunks", () => {
    expect(split(["0123456789\nxy\n"], 4)).toEqual(["0123", "xy"]);
    expect(split(["012", "345", "678", "9\nxy\n"], 4)).toEqual(["0123", "xy"]);
  });

  it("splits NUL-terminated entries", () => {
    expect(split(["a b\0c\nd\0", "e\0"], 100, 0)).toEqual(["a b", "c\nd", "e"]);
  });
});

describe("LinePager", () => {
  const feed = (p: LinePager, n: number) => {
    for (let i = 1; i <= n; i++) if (p.pushString(`line ${i}`)) return i;
    return n;
  };

  it("offset, then head_limit, and says when it has enough", () => {
    const p = new LinePager({ offset: 2, headLimit: 2, maxChars: 1000 });
    expect(feed(p, 10)).toBe(4);
    expect(p.text()).toBe("line 3\nline 4");
    expect(p.cut).toBe(false);
  });

  it("cuts at the character cap on a line boundary and remembers where the next page starts", () => {
    const p = new LinePager({ offset: 0, headLimit: 0, maxChars: 20 });
    feed(p, 10);
    expect(p.text()).toBe("line 1\nline 2\nline 3");
    expect(p.cut).toBe(true);
    expect(p.lastShown).toBe(3);
  });

  it("cuts a single line longer than the cap inside the line", () => {
    const p = new LinePager({ offset: 0, headLimit: 0, maxChars: 5 });
    p.pushString("abcdefgh");
    expect(p.text()).toBe("abcde");
    expect(p.cutInsideLine).toBe(true);
  });
});

describe("glob patterns", () => {
  it("reports unclosed classes and braces", () => {
    expect(globSyntaxError("*.ts")).toBeUndefined();
    expect(globSyntaxError("[]a]")).toBeUndefined();
    expect(globSyntaxError("[abc")).toContain("never closed");
    expect(globSyntaxError("{a,b")).toContain("never closed");
    expect(globSyntaxError("a}")).toContain("closes no");
    expect(globSyntaxError("a\\")).toContain("backslash");
  });

  it("matches the relative path, then the base name", () => {
    const m = compileGlob("*.go");
    expect([m.matches("a.go"), m.matches("x/y/a.go"), m.matches("a.go/x")]).toEqual([true, true, false]);
    const s = compileGlob("src/**/*.go");
    expect([s.matches("src/a.go"), s.matches("src/x/a.go"), s.matches("lib/src/a.go")]).toEqual([
      true,
      true,
      false,
    ]);
    expect(compileGlob(".*").matches("x/.env")).toBe(true);
  });

  it("derives a file-name glob for rg only where it selects a superset", () => {
    expect(compileGlob("*.{ts,tsx}").baseNameGlob).toBe("*.{ts,tsx}");
    expect(compileGlob("**/*.c").baseNameGlob).toBe("*.c");
    expect(compileGlob("src/**/*.py").baseNameGlob).toBe("*.py");
    expect(compileGlob("src/**").baseNameGlob).toBeUndefined();
    expect(compileGlob("{a/b,c}.ts").baseNameGlob).toBeUndefined();
    expect(compileGlob("a:b.txt").baseNameGlob).toBeUndefined();
  });

  it("derives the literal suffix a matching base name must end with", () => {
    expect(compileGlob("*.c").baseNameSuffix?.toString()).toBe(".c");
    expect(compileGlob("**/*_test.go").baseNameSuffix?.toString()).toBe("_test.go");
    expect(compileGlob("*.{ts,tsx}").baseNameSuffix).toBeUndefined();
    expect(compileGlob("*.(c|h)").baseNameSuffix).toBeUndefined();
    expect(compileGlob("*\\*").baseNameSuffix).toBeUndefined();
  });
});
