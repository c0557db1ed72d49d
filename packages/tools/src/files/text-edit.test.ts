import { describe, expect, it } from "vitest";
import { seededRandom } from "../test/seeded-random.js";
import { applyPlan, decodeText, editSnippet, matchPlan, SNIPPET_CONTEXT_LINES } from "./text-edit.js";
import { clipLine, numberLine } from "./text-format.js";

/** The obvious whole-text snippet the local one must agree with. */
function referenceSnippet(edited: string, at: number, replacement: string) {
  let firstLine = 1;
  for (let i = edited.indexOf("\n"); i !== -1 && i < at; i = edited.indexOf("\n", i + 1)) firstLine++;
  const newLines = replacement.split("\n").length - 1 - (replacement.endsWith("\n") ? 1 : 0);
  const lastLine = firstLine + Math.max(newLines, 0);
  const lines = edited.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  const from = Math.max(1, firstLine - SNIPPET_CONTEXT_LINES);
  const to = Math.min(lines.length, lastLine + SNIPPET_CONTEXT_LINES);
  const out: string[] = [];
  for (let n = from; n <= to; n++) out.push(numberLine(n, clipLine((lines[n - 1] ?? "").replace(/\r$/, ""))));
  return { body: out.join("\n"), from, to };
}

describe("editSnippet", () => {
  it("agrees with a whole-text split for random texts and edit positions", () => {
    const seed = Date.now() % 100_000;
    console.log(`editSnippet seed ${seed}`);
    const rand = seededRandom(seed);
    const pieces = ["a", "bc", "\n", "\n", "\r\n", "", "xyz\n", "é", "😀", "\r"];
    const pick = () => pieces[Math.floor(rand() * pieces.length)] as string;
    for (let round = 0; round < 2000; round++) {
      const edited = Array.from({ length: Math.floor(rand() * 40) }, pick).join("");
      // A character boundary (not inside a surrogate pair), as a string index and as a byte offset.
      let at = Math.floor(rand() * (edited.length + 1));
      if (at > 0 && at < edited.length && /[\uDC00-\uDFFF]/.test(edited[at] as string)) at--;
      let end = Math.min(edited.length, at + Math.floor(rand() * 10));
      if (end < edited.length && /[\uDC00-\uDFFF]/.test(edited[end] as string)) end++;
      const replacement = edited.slice(at, end);
      const bytes = Buffer.from(edited);
      const atByte = Buffer.byteLength(edited.slice(0, at));
      expect({ seed, round, ...editSnippet(bytes, atByte, Buffer.from(replacement)) }).toEqual({
        seed,
        round,
        ...referenceSnippet(edited, at, replacement),
      });
    }
  });
});

describe("applyPlan", () => {
  it("gives the replaced content as pieces and a window that shows the same snippet", () => {
    const seed = Date.now() % 100_000;
    console.log(`applyPlan seed ${seed}`);
    const rand = seededRandom(seed);
    const pieces = ["a", "bc", "\n", "\n", "xyz\n", "é", "line\n"];
    const pick = () => pieces[Math.floor(rand() * pieces.length)] as string;
    for (let round = 0; round < 2000; round++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 60) }, pick).join("");
      const from = Math.floor(rand() * text.length);
      const oldStr = text.slice(from, from + 1 + Math.floor(rand() * 8));
      const newStr = Array.from({ length: Math.floor(rand() * 4) }, pick).join("");
      const bom = rand() < 0.2;
      const decoded = decodeText(Buffer.from(bom ? `\ufeff${text}` : text), "f");
      const plan = matchPlan(decoded.body, oldStr, newStr);
      const replaceAll = plan.count > 1;
      const edit = applyPlan(decoded, plan, replaceAll);
      const edited = replaceAll ? text.split(oldStr).join(newStr) : text.replace(oldStr, () => newStr);
      const written = Buffer.concat(edit.pieces as Buffer[]);
      expect({ seed, round, written: written.toString() }).toEqual({
        seed,
        round,
        written: bom ? `\ufeff${edited}` : edited,
      });
      expect(edit.size).toBe(written.length);
      const at = Buffer.byteLength(text.slice(0, text.indexOf(oldStr)));
      expect({ seed, round, ...editSnippet(edit.window, edit.at, plan.new, edit.windowFirstLine) }).toEqual({
        seed,
        round,
        ...editSnippet(Buffer.from(edited), at, plan.new),
      });
    }
  });
});

describe("decodeText and matchPlan", () => {
  it("refuses invalid UTF-8 and keeps a BOM aside", () => {
    expect(() => decodeText(Buffer.from("caf\xe9", "latin1"), "f")).toThrow("is not valid UTF-8 text");
    expect(() => decodeText(Buffer.from([0xed, 0xa0, 0x80]), "f")).toThrow("is not valid UTF-8 text");
    const decoded = decodeText(Buffer.from("\ufeffhé\n"), "f");
    expect({ bom: decoded.bom, text: decoded.body.toString() }).toEqual({ bom: true, text: "hé\n" });
  });

  it("matches \\n as \\r\\n in a CRLF file and as written elsewhere", () => {
    const plan = (text: string, o: string, n: string) => {
      const p = matchPlan(Buffer.from(text), o, n);
      return { old: p.old.toString(), new: p.new.toString(), count: p.count, first: p.first };
    };
    expect(plan("a\r\nb\r\n", "a\nb", "c\nd")).toEqual({ old: "a\r\nb", new: "c\r\nd", count: 1, first: 0 });
    expect(plan("a\nb\n", "a\nb", "c")).toEqual({ old: "a\nb", new: "c", count: 1, first: 0 });
    expect(plan("a\nb\n", "z", "c").count).toBe(0);
    // A lone surrogate is in no UTF-8 text, not even where the file has U+FFFD.
    expect(plan("bad \ufffd here\n", "\ud800", "x").count).toBe(0);
  });
});
