// How key metadata is shown: days left, shortened thumbprints, dates, file types. Whether a key
// expires soon is Rust's verdict (`KeyView.expiry`), not worked out here.
// Pure functions so the rules are unit-tested without a browser.
import type { PublicKeyFormat } from "../bindings/PublicKeyFormat";

export const KEY_SIZES = [2048, 3072, 4096] as const;
export const DEFAULT_KEY_SIZE = 2048;

export const PUBLIC_KEY_FORMATS: readonly PublicKeyFormat[] = ["jwk", "jwks", "pem"];

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `now` until `iso`; negative once it has passed. */
export function daysUntil(iso: string, now: Date): number {
  return Math.floor((Date.parse(iso) - now.getTime()) / DAY_MS);
}

/** RFC 7638 thumbprints are 43 characters; the start and end are enough to tell keys apart. */
export function shortThumbprint(thumbprint: string): string {
  return thumbprint.length <= 16 ? thumbprint : `${thumbprint.slice(0, 8)}…${thumbprint.slice(-6)}`;
}

/** A calendar date in the person's language; the raw value if it does not parse. */
export function formatDate(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric" }).format(date);
}

/** File-type filter offered in the save dialog. */
export function fileExtension(format: PublicKeyFormat): string {
  return format === "pem" ? "pem" : "json";
}
