// Client-side check of Norwegian organisation numbers, for instant feedback only:
// the backend validates again. Rule (Brønnøysundregistrene, "modulus 11"): weights
// 3,2,7,6,5,4,3,2 over the first eight digits; check = 11 - sum % 11; 11 → 0; 10 → invalid.

const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2] as const;

export type OrgNumberProblem = "length" | "digits" | "checksum";

/** People often type "974 760 673"; spaces carry no meaning. */
export function normalizeOrgNumber(input: string): string {
  return input.replace(/\s+/g, "");
}

/** The problem with an organisation number, or null when it is valid. */
export function checkOrgNumber(input: string): OrgNumberProblem | null {
  const digits = normalizeOrgNumber(input);
  if (!/^\d*$/.test(digits)) return "digits";
  if (digits.length !== 9) return "length";
  const sum = WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(digits[i]), 0);
  const rest = 11 - (sum % 11);
  const check = rest === 11 ? 0 : rest;
  if (check === 10) return "checksum";
  return check === Number(digits[8]) ? null : "checksum";
}
