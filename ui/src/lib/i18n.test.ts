import { describe, expect, it } from "vitest";
import { initialLocale, localeFromLanguages, translate, translateCount } from "./i18n";
import { en } from "./messages/en";
import { nb } from "./messages/nb";

describe("message tables", () => {
  it("have exactly the same keys, so no text falls back to the other language", () => {
    expect(Object.keys(nb).sort()).toEqual(Object.keys(en).sort());
  });

  it("have no empty texts", () => {
    for (const [key, text] of [...Object.entries(en), ...Object.entries(nb)]) {
      expect(text.trim(), key).not.toBe("");
    }
  });

  it("use the same placeholders in both languages", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(nb[key]), key).toEqual(placeholders(en[key]));
    }
  });
});

describe("choosing the language", () => {
  it("picks bokmål for nb, no and nn, English otherwise", () => {
    expect(localeFromLanguages(["nb-NO"])).toBe("nb");
    expect(localeFromLanguages(["no"])).toBe("nb");
    expect(localeFromLanguages(["nn-NO", "en"])).toBe("nb");
    expect(localeFromLanguages(["de-DE", "en-GB"])).toBe("en");
    expect(localeFromLanguages([])).toBe("en");
  });

  it("prefers a saved choice and ignores a saved value it does not know", () => {
    expect(initialLocale("en", ["nb-NO"])).toBe("en");
    expect(initialLocale("fr", ["nb-NO"])).toBe("nb");
    expect(initialLocale(null, ["en-US"])).toBe("en");
  });
});

describe("translate", () => {
  it("fills placeholders", () => {
    expect(translate("en", "status.keyDeleted", { kid: "k1" })).toContain("k1");
  });

  it("chooses singular and plural forms", () => {
    expect(translateCount("en", "keys.daysLeft", 1)).toBe("1 day left");
    expect(translateCount("en", "keys.daysLeft", 5)).toBe("5 days left");
    expect(translateCount("nb", "keys.daysLeft", 1)).toBe("1 dag igjen");
    expect(translateCount("nb", "keys.daysLeft", 5)).toBe("5 dager igjen");
  });
});
