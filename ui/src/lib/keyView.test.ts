import { describe, expect, it } from "vitest";
import { daysUntil, expiryState, fileExtension, formatDate, shortThumbprint } from "./keyView";

const NOW = new Date("2026-01-01T12:00:00Z");

describe("expiry", () => {
  it("counts whole days left", () => {
    expect(daysUntil("2026-01-31T12:00:00Z", NOW)).toBe(30);
    expect(daysUntil("2026-01-01T11:00:00Z", NOW)).toBe(-1);
  });

  it("warns when fewer than 60 days remain, because rotation takes time", () => {
    expect(expiryState("2026-03-01T12:00:00Z", NOW)).toBe("soon"); // 59 days
    expect(expiryState("2026-03-02T12:00:00Z", NOW)).toBe("ok"); // exactly 60 days
    expect(expiryState("2027-01-01T12:00:00Z", NOW)).toBe("ok");
  });

  it("marks a key expired once its expiry time has passed", () => {
    expect(expiryState("2026-01-01T12:00:00Z", NOW)).toBe("expired");
    expect(expiryState("2025-06-01T00:00:00Z", NOW)).toBe("expired");
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
