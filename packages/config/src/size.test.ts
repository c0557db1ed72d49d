import { describe, expect, it } from "vitest";
import { formatSize, parseSize } from "./size.js";

describe("parseSize", () => {
  it("reads bytes and binary units, any case", () => {
    expect(parseSize("0")).toBe(0);
    expect(parseSize("1234")).toBe(1234);
    expect(parseSize("512KB")).toBe(524288);
    expect(parseSize("512kib")).toBe(524288);
    expect(parseSize("10MB")).toBe(10485760);
    expect(parseSize("10 m")).toBe(10485760);
    expect(parseSize("1GiB")).toBe(1073741824);
    expect(parseSize("100b")).toBe(100);
  });
  it("rejects what is not a size", () => {
    for (const bad of ["", "MB", "-1", "10XB", "1e3", "ten"]) expect(parseSize(bad)).toBeUndefined();
  });
});

describe("formatSize", () => {
  it("uses the largest exact unit", () => {
    expect(formatSize(10485760)).toBe("10MB");
    expect(formatSize(524288)).toBe("512KB");
    expect(formatSize(1000)).toBe("1000 bytes");
  });
});
