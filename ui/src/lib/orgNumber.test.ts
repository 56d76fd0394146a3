import { describe, expect, it } from "vitest";
import { checkOrgNumber, normalizeOrgNumber } from "./orgNumber";

describe("checkOrgNumber", () => {
  it("accepts real organisation numbers (Brønnøysundregistrene, Digdir)", () => {
    expect(checkOrgNumber("974760673")).toBeNull();
    expect(checkOrgNumber("991825827")).toBeNull();
  });

  it("accepts a number whose remainder is 0, so the check digit 11 becomes 0", () => {
    // 3*1 + 2*1 + 2*3 = 11, and 11 % 11 = 0.
    expect(checkOrgNumber("110000030")).toBeNull();
  });

  it("rejects a number whose check digit would be 10, since no single digit fits", () => {
    // 3*4 = 12, 12 % 11 = 1, so the check digit would be 11 - 1 = 10.
    for (let last = 0; last <= 9; last++) {
      expect(checkOrgNumber(`40000000${last}`)).toBe("checksum");
    }
  });

  it("rejects a wrong check digit", () => {
    expect(checkOrgNumber("974760674")).toBe("checksum");
  });

  it("tells length and digit problems apart so the message can say which", () => {
    expect(checkOrgNumber("12345678")).toBe("length");
    expect(checkOrgNumber("1234567890")).toBe("length");
    expect(checkOrgNumber("97476067a")).toBe("digits");
  });

  it("ignores spaces people type between digit groups", () => {
    expect(normalizeOrgNumber(" 974 760 673 ")).toBe("974760673");
    expect(checkOrgNumber("974 760 673")).toBeNull();
  });
});
