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

  it("gives the same text when large ASCII chunks take the undecoded fast path", () => {
    const ascii = (n: number, seed: number) =>
      Buffer.from(
        Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7 + seed) % 90))).join(""),
      );
    const pieces = [
      Buffer.from("héllo 😀 "),
      ascii(5_000, 1),
      Buffer.from([0xe2, 0x82]), // cut € followed by ASCII: U+FFFD either way
      ascii(7_000, 2),
      Buffer.from("wörld\n"),
      ascii(300, 3),
      ascii(9_000, 4),
      Buffer.from("😀 end"),
    ];
    const reference = Buffer.concat(pieces).toString("utf8");
    for (const limit of [0, 1, 301, 4_000, 40_000]) {
      const whole = new OutputBuffer({ limit });
      whole.append(reference);
      const chunked = new OutputBuffer({ limit });
      for (const piece of pieces) chunked.append(piece);
      chunked.end();
      expect(chunked.toString()).toBe(whole.toString());
      expect(chunked.totalLength).toBe(reference.length);
      expect(chunked.retainedLength).toBe(whole.retainedLength);
      expect(chunked.omitted).toBe(whole.omitted);
    }
  });

  it("matches decoding everything at once for random mixes of ASCII and UTF-8 chunks", () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const alphabet = ["a", "b", "\n", "é", "€", "😀"];
    for (let round = 0; round < 40; round++) {
      const limit = [0, 1, 2, 7, 64, 301][random(6)] ?? 64;
      const pieces: Buffer[] = [];
      for (let i = random(30); i >= 0; i--) {
        const size = [1, 3, 50, 400, 2_000][random(5)] ?? 1;
        if (random(3) === 0) {
          let text = "";
          for (let j = 0; j < size; j++) text += alphabet[random(alphabet.length)];
          const bytes = Buffer.from(text);
          const cut = random(bytes.length + 1);
          pieces.push(bytes.subarray(0, cut), bytes.subarray(cut));
        } else {
          pieces.push(Buffer.alloc(size, String.fromCharCode(97 + random(26))));
        }
      }
      const reference = Buffer.concat(pieces).toString("utf8");
      const whole = new OutputBuffer({ limit });
      whole.append(reference);
      const chunked = new OutputBuffer({ limit });
      for (const piece of pieces) chunked.append(piece);
      chunked.end();
      expect(chunked.toString()).toBe(whole.toString());
      expect(chunked.totalLength).toBe(reference.length);
    }
  });

  it("keeps many small appends exact while trimming the tail in batches", () => {
    const pieces = Array.from({ length: 400 }, (_, i) => (i % 97 === 0 ? "😀" : `${i},`));
    // Stop after every piece: a read right after a batched trim must still see the right tail.
    for (let stop = 1; stop <= pieces.length; stop++) {
      const buf = new OutputBuffer({ limit: 100 });
      // Bytes, so that runs of small ASCII chunks go through the raw tail and its trims.
      for (const piece of pieces.slice(0, stop)) buf.append(piece === "😀" ? piece : Buffer.from(piece));
      const expected = new OutputBuffer({ limit: 100 });
      expected.append(pieces.slice(0, stop).join(""));
      expect(buf.toString()).toBe(expected.toString());
      expect(buf.retainedLength).toBeLessThanOrEqual(100);
    }
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
