import { describe, expect, it } from "vitest";
import type { PartyTypesAllowed } from "../bindings/PartyTypesAllowed";
import { allowsEveryone, isValidNationalIdentityNumber, ownerAllowed, parseOwner } from "./owner";

/** Builds an 11-digit number with correct check digits from nine digits, to test the rule itself. */
function withCheckDigits(nine: string): string | null {
  const k1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const k2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const check = (digits: number[], weights: number[]) => {
    const rest = 11 - (weights.reduce((a, w, i) => a + w * digits[i], 0) % 11);
    return rest === 11 ? 0 : rest === 10 ? null : rest;
  };
  const d = [...nine].map(Number);
  const c1 = check(d, k1);
  if (c1 === null) return null;
  const c2 = check([...d, c1], k2);
  return c2 === null ? null : `${nine}${c1}${c2}`;
}

const allowed = (fields: Partial<PartyTypesAllowed> = {}): PartyTypesAllowed => ({
  bankruptcyEstate: false, organisation: false, person: false, subUnit: false, ...fields,
});

describe("parseOwner", () => {
  it("reads organisation numbers, with spaces, by their mod-11 check digit", () => {
    expect(parseOwner("313 725 138")).toEqual({ kind: "organisation", value: "313725138" });
    expect(parseOwner("313725139")).toEqual({ problem: "orgChecksum" });
  });

  it("reads national identity numbers by both check digits", () => {
    expect(parseOwner("15058510170")).toEqual({ kind: "person", value: "15058510170" });
    expect(parseOwner("15058510171")).toEqual({ problem: "personChecksum" });
    expect(parseOwner("15058510160"), "the first check digit is wrong").toEqual({ problem: "personChecksum" });
  });

  it("reads D-numbers (day + 40) like national identity numbers", () => {
    const d = withCheckDigits("410185101");
    expect(d).not.toBeNull();
    expect(parseOwner(d ?? "")).toEqual({ kind: "person", value: d });
  });

  it("treats a remainder of 10 as no valid check digit", () => {
    // Find a nine-digit start whose first check digit would be 10: nothing can complete it.
    const k1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
    const start = Array.from({ length: 1000 }, (_, i) => `150585${String(i).padStart(3, "0")}`)
      .find((s) => 11 - (k1.reduce((a, w, i) => a + w * Number(s[i]), 0) % 11) === 10) as string;
    for (let last = 0; last < 100; last++) {
      expect(isValidNationalIdentityNumber(`${start}${String(last).padStart(2, "0")}`)).toBe(false);
    }
  });

  it("reads party ids, and only digits after the prefix", () => {
    expect(parseOwner("party:50001234")).toEqual({ kind: "party", value: "50001234" });
    expect(parseOwner("party-id: 42")).toEqual({ kind: "party", value: "42" });
    expect(parseOwner("party:12a")).toEqual({ problem: "party" });
    expect(parseOwner("party:")).toEqual({ problem: "party" });
    expect(parseOwner("Party:1"), "the prefix is lower case, as in Rust").toEqual({ problem: "shape" });
  });

  it("names anything else a shape problem, and nothing an empty one", () => {
    expect(parseOwner("  ")).toEqual({ problem: "empty" });
    expect(parseOwner("12345")).toEqual({ problem: "shape" });
    expect(parseOwner("1234567890")).toEqual({ problem: "shape" });
    expect(parseOwner("abc")).toEqual({ problem: "shape" });
  });
});

describe("ownerAllowed", () => {
  it("lets every kind through when the app sets no party type (Altinn's rule)", () => {
    expect(allowsEveryone(allowed())).toBe(true);
    expect(ownerAllowed("person", allowed())).toBe(true);
    expect(ownerAllowed("organisation", allowed())).toBe(true);
  });

  it("takes an organisation number as an organisation, a sub-unit or a bankruptcy estate", () => {
    expect(ownerAllowed("organisation", allowed({ subUnit: true }))).toBe(true);
    expect(ownerAllowed("organisation", allowed({ bankruptcyEstate: true }))).toBe(true);
    expect(ownerAllowed("organisation", allowed({ person: true }))).toBe(false);
  });

  it("refuses persons unless allowed, and leaves party ids to the app", () => {
    expect(ownerAllowed("person", allowed({ organisation: true }))).toBe(false);
    expect(ownerAllowed("person", allowed({ person: true }))).toBe(true);
    expect(ownerAllowed("party", allowed({ organisation: true }))).toBe(true);
  });
});
