// Client-side check of an instance owner, for instant feedback only: the backend parses and checks
// again, and also refuses an owner kind app B does not accept. The same shapes as Rust's
// InstanceOwner::parse: `party:ID` (or `party-id:ID`), 9 digits for an organisation (mod-11),
// 11 digits for a person: a national identity number or D-number with both mod-11 check digits.
import type { PartyTypesAllowed } from "../bindings/PartyTypesAllowed";
import { checkOrgNumber } from "./orgNumber";

export type OwnerKind = "organisation" | "person" | "party";
export type OwnerProblem = "empty" | "shape" | "orgChecksum" | "personChecksum" | "party";
export type Owner = { kind: OwnerKind; value: string };

const K1 = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const;
const K2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const;

/** 11 - sum % 11 over the weights; 11 → 0, and 10 means no valid check digit exists. */
function checkDigit(digits: readonly number[], weights: readonly number[]): number | null {
  const sum = weights.reduce((acc, weight, i) => acc + weight * digits[i], 0);
  const rest = 11 - (sum % 11);
  if (rest === 11) return 0;
  return rest === 10 ? null : rest;
}

/** Both check digits of a fødselsnummer or D-number (the date itself is not checked, as in Rust). */
export function isValidNationalIdentityNumber(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  const d = [...value].map(Number);
  return checkDigit(d.slice(0, 9), K1) === d[9] && checkDigit(d.slice(0, 10), K2) === d[10];
}

/** The owner as the backend will read it, or what is wrong with it. */
export function parseOwner(input: string): Owner | { problem: OwnerProblem } {
  const text = input.trim();
  if (text === "") return { problem: "empty" };
  const prefix = ["party:", "party-id:"].find((p) => text.startsWith(p));
  if (prefix) {
    const id = text.slice(prefix.length).trim();
    return /^\d+$/.test(id) ? { kind: "party", value: id } : { problem: "party" };
  }
  const digits = text.replace(/\s+/g, "");
  if (!/^\d+$/.test(digits)) return { problem: "shape" };
  if (digits.length === 9) return checkOrgNumber(digits) ? { problem: "orgChecksum" } : { kind: "organisation", value: digits };
  if (digits.length === 11) {
    return isValidNationalIdentityNumber(digits) ? { kind: "person", value: digits } : { problem: "personChecksum" };
  }
  return { problem: "shape" };
}

const anyTypeSet = (p: PartyTypesAllowed) => p.organisation || p.person || p.subUnit || p.bankruptcyEstate;

/**
 * Whether app B takes this kind of owner: all four false means all allowed (Altinn's rule); an
 * organisation number may be a sub-unit or a bankruptcy estate too. A party id's kind is only
 * known to the app, so it is always let through to the backend.
 */
export function ownerAllowed(kind: OwnerKind, allowed: PartyTypesAllowed): boolean {
  if (!anyTypeSet(allowed) || kind === "party") return true;
  if (kind === "person") return allowed.person;
  return allowed.organisation || allowed.subUnit || allowed.bankruptcyEstate;
}

/** The party types app B lists, in a fixed order; empty when it sets no limit. */
export const PARTY_TYPES = ["organisation", "subUnit", "bankruptcyEstate", "person"] as const satisfies readonly (keyof PartyTypesAllowed)[];

export function allowsEveryone(allowed: PartyTypesAllowed): boolean {
  return !anyTypeSet(allowed);
}
