import { describe, expect, it } from "vitest";
import { OutputBuffer } from "./output-buffer.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("OutputBuffer", () => {
  it("keeps everything up to the limit, without a marker", () => {
    const buf = new OutputBuffer({ limit: 10 });
    buf.append("01234");
    buf.append(Buffer.from("56789"));
    expect(buf.toString()).toBe("0123456789");
    expect(buf.totalLength).toBe(10);
    expect(buf.retainedLength).toBe(10);
    expect(buf.omitted).toBe(0);
  });

  it("keeps the head and the tail with the omitted-characters marker between", () => {
    const buf = new OutputBuffer({ limit: 10 });
    buf.append("0123456789ABCDEFGHIJ");
    expect(buf.toString()).toBe("01234\n[… 10 characters omitted …]\nFGHIJ");
    expect(buf.totalLength).toBe(20);
    expect(buf.retainedLength).toBe(10);
    expect(buf.omitted).toBe(10);
  });

  it("gives the extra character of an odd limit to the head", () => {
    const buf = new OutputBuffer({ limit: 5 });
    buf.append("abcdefghij");
    expect(buf.toString()).toBe("abc\n[… 5 characters omitted …]\nij");
  });

  it("gives the same result however the input is chunked", () => {
    const text = Array.from({ length: 500 }, (_, i) => `line ${i}\n`).join("");
    const whole = new OutputBuffer({ limit: 301 });
    whole.append(text);
    for (const size of [1, 2, 7, 64, 299, 1000]) {
      const chunked = new OutputBuffer({ limit: 301 });
      for (let at = 0; at < text.length; at += size) chunked.append(text.slice(at, at + size));
      expect(chunked.toString()).toBe(whole.toString());
      expect(chunked.totalLength).toBe(text.length);
      expect(chunked.retainedLength).toBe(301);
    }
    expect(whole.toString()).toBe(
      `${text.slice(0, 151)}\n[… ${text.length - 301} characters omitted …]\n${text.slice(-150)}`,
    );
  });

  it("decodes UTF-8 split across chunks at every byte position", () => {
    const text = "aé€😀z";
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      for (let cut2 = cut; cut2 <= bytes.length; cut2++) {
        const buf = new OutputBuffer();
        buf.append(bytes.subarray(0, cut));
        buf.append(bytes.subarray(cut, cut2));
        buf.append(bytes.subarray(cut2));
        buf.end();
        expect(buf.toString()).toBe(text);
      }
    }
  });

  it("byte-by-byte UTF-8 yields the same text as one append", () => {
    const bytes = Buffer.from("😀 héllo wörld € ".repeat(200));
    const whole = new OutputBuffer({ limit: 100 });
    whole.append(bytes);
    const bytewise = new OutputBuffer({ limit: 100 });
    for (const byte of bytes) bytewise.append(Buffer.from([byte]));
    expect(bytewise.toString()).toBe(whole.toString());
    expect(bytewise.totalLength).toBe(whole.totalLength);
  });

  it("flushes an incomplete trailing UTF-8 sequence on end() as U+FFFD", () => {
    const buf = new OutputBuffer();
    buf.append(Buffer.from([0x61, 0xe2, 0x82]));
    expect(buf.toString()).toBe("a");
    buf.end();
    expect(buf.toString()).toBe("a\uFFFD");
  });

  it("never cuts a surrogate pair at the head or the tail boundary", () => {
    // limit 6: head 3, tail 3. The emoji straddles both cuts.
    const buf = new OutputBuffer({ limit: 6 });
    buf.append("ab😀cdefgh😀");
    const text = buf.toString();
    expect(text).not.toMatch(LONE_SURROGATE);
    expect(text).toBe("ab\n[… 6 characters omitted …]\ngh😀");
    expect(buf.retainedLength).toBe(6);
    expect(buf.omitted + buf.retainedLength).toBe(buf.totalLength);

    const tail = new OutputBuffer({ limit: 6 });
    tail.append("abcdefg😀xy");
    expect(tail.toString()).toBe("abc\n[… 6 characters omitted …]\nxy");
    expect(tail.toString()).not.toMatch(LONE_SURROGATE);
  });

  it("keeps an emoji whole that ends exactly at the limit", () => {
    const buf = new OutputBuffer({ limit: 4 });
    buf.append("a😀");
    buf.append("b");
    expect(buf.toString()).toBe("a😀b");
    expect(buf.omitted).toBe(0);
  });

  it("stays within the limit whatever is appended", () => {
    const buf = new OutputBuffer({ limit: 1000 });
    const chunk = Buffer.alloc(65_536, "x");
    for (let i = 0; i < 200; i++) {
      buf.append(chunk);
      expect(buf.retainedLength).toBeLessThanOrEqual(1000);
    }
    expect(buf.totalLength).toBe(200 * 65_536);
    expect(buf.toString()).toBe(
      `${"x".repeat(500)}\n[… ${200 * 65_536 - 1000} characters omitted …]\n${"x".repeat(500)}`,
    );
  });

  it("defaults to 30000 characters and accepts a limit of 0", () => {
    const buf = new OutputBuffer();
    expect(buf.limit).toBe(30_000);
    buf.append("y".repeat(40_000));
    expect(buf.retainedLength).toBe(30_000);
    const none = new OutputBuffer({ limit: 0 });
    none.append("abc");
    expect(none.toString()).toBe("\n[… 3 characters omitted …]\n");
  });
});
