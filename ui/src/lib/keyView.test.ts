import { describe, expect, it } from "vitest";
import { daysUntil, fileExtension, formatDate, shortThumbprint } from "./keyView";

const NOW = new Date("2026-01-01T12:00:00Z");

describe("daysUntil", () => {
  it("counts whole days left", () => {
    expect(daysUntil("2026-01-31T12:00:00Z", NOW)).toBe(30);
    expect(daysUntil("2026-01-01T11:00:00Z", NOW)).toBe(-1);
  });
});

describe("shortThumbprint", () => {
  it("keeps both ends of a 43-character thumbprint", () => {
    const tp = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    expect(shortThumbprint(tp)).toBe("NzbLsXh8…RGC9Xs");
  });

  it("leaves short values alone", () => {
    expect(shortThumbprint("abc")).toBe("abc");
  });
});

describe("formatDate", () => {
  it("formats in the chosen language and falls back to the raw text", () => {
    expect(formatDate("2026-03-05T10:00:00Z", "en")).toContain("2026");
    expect(formatDate("not a date", "nb")).toBe("not a date");
  });
});

it("offers .pem for PEM and .json for JWK and JWKS", () => {
  expect(fileExtension("pem")).toBe("pem");
  expect(fileExtension("jwk")).toBe("json");
  expect(fileExtension("jwks")).toBe("json");
});
