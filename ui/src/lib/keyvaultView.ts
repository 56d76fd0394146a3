// How the Key Vault step is shown: the secret names before anything is asked of the vault (the
// same rules as Rust's keyvault::names, so the person sees them before signing in), each probe
// check as ✓, · or ✗, what a write will change, and whether the read-back matches the keychain
// key. Pure, so it is unit-tested; the backend derives and checks the names again.
import type { KeyField } from "../bindings/KeyField";
import type { Profile } from "../bindings/Profile";
import type { VaultCheckResult } from "../bindings/VaultCheckResult";
import type { VaultSecretNames } from "../bindings/VaultSecretNames";
import type { VaultVerifyReport } from "../bindings/VaultVerifyReport";
import type { VaultWritePlan } from "../bindings/VaultWritePlan";
import type { VaultWriteReport } from "../bindings/VaultWriteReport";
import { formatTime } from "./tokenView";

/** The section the tool suggests for an own Maskinporten identity; not Studio's root section. */
export const DEFAULT_SECTION = "MaskinportenSettingsExternal";
export const STUDIO_SECTION = "MaskinportenSettings";
/** Key Vault: 1–127 characters of letters, digits and '-'. */
export const MAX_NAME = 127;

export const KEY_FIELDS: readonly KeyField[] = ["encoded_jwk", "jwk_base64"];

export type NameWarningCode =
  | "collides_with_studio"
  | "no_app_prefix"
  | "legacy_builtin_client"
  | "looks_like_a_test_secret"
  | "starts_with_a_digit";

export type NamePreview =
  | { ok: true; names: VaultSecretNames; warnings: NameWarningCode[] }
  | { ok: false; problem: "section" }
  | { ok: false; problem: "invalid"; name: string };

export const validName = (name: string): boolean =>
  name.length >= 1 && name.length <= MAX_NAME && /^[0-9a-zA-Z-]+$/.test(name);

const TEST_WORDS = ["probe", "test", "tmp", "temp", "dummy", "example", "sample"];

/** `<prefix>--<Section>--ClientId` and `…--EncodedJwk` (or `…--JwkBase64`), as Rust derives them. */
export function previewNames(prefix: string | null, section: string | null, keyField: KeyField): NamePreview {
  const p = prefix?.trim() || null;
  const s = section?.trim() || DEFAULT_SECTION;
  const parts = [...(p ? [p] : []), ...s.split(":")];
  if (parts.some((part) => part === "" || part.includes("--"))) return { ok: false, problem: "section" };
  const base = parts.join("--");
  const names: VaultSecretNames = {
    prefix: p,
    section: s,
    keyField,
    clientId: `${base}--ClientId`,
    key: `${base}--${keyField === "jwk_base64" ? "JwkBase64" : "EncodedJwk"}`,
    configSection: parts.join(":"),
  };
  for (const name of [names.clientId, names.key]) {
    if (!validName(name)) return { ok: false, problem: "invalid", name };
  }
  const warnings: NameWarningCode[] = [];
  if (names.configSection.toLowerCase() === STUDIO_SECTION.toLowerCase()) warnings.push("collides_with_studio");
  if (!p && parts.length === 1) warnings.push("no_app_prefix");
  if (keyField === "jwk_base64") warnings.push("legacy_builtin_client");
  const words = parts.flatMap((part) => part.split("-"));
  if (words.some((w) => TEST_WORDS.includes(w.toLowerCase()))) warnings.push("looks_like_a_test_secret");
  if (/^[0-9]/.test(names.clientId)) warnings.push("starts_with_a_digit");
  return { ok: true, names, warnings };
}

export const namesForProfile = (profile: Profile, keyField: KeyField): NamePreview =>
  previewNames(profile.secretPrefix, profile.sectionName, keyField);

/** A probe check as shown: allowed, fine-but-absent, or a problem. Never colour alone. */
export type CheckMark = "ok" | "info" | "problem";

export function checkMark(result: VaultCheckResult): CheckMark {
  if (result === "ok") return "ok";
  return result === "absent" ? "info" : "problem";
}

export const MARK_ICONS: Record<CheckMark, string> = { ok: "✓", info: "·", problem: "✗" };

/** Plans that change something that exists; the backend does them only with `confirmed`. */
export const CONFIRMED_PLANS: readonly VaultWritePlan[] = ["new_version", "recover", "purge"];

/** What the person must decide after a first (unconfirmed) write. */
export type WriteDecision = "none" | "newVault" | "newVersions" | "deleted";

export function writeDecision(report: VaultWriteReport | null): WriteDecision {
  if (report?.outcome === "new_vault_confirmation_required") return "newVault";
  if (report?.outcome === "confirmation_required") return "newVersions";
  if (report?.outcome === "deleted_needs_decision") return "deleted";
  return "none";
}

/** Keychain value against what the vault holds, for one field of the key. */
export interface Comparison {
  keychain: string;
  vault: string | null;
  same: boolean;
}

export interface KeyComparison {
  kid: Comparison;
  thumbprint: Comparison;
}

/** The read-back's two facts that tell keys apart: is the stored key the keychain key? */
export function compareKey(report: VaultVerifyReport): KeyComparison {
  const stored = report.key.info?.storedKey ?? null;
  const compare = (keychain: string, vault: string | null): Comparison => ({ keychain, vault, same: vault === keychain });
  return {
    kid: compare(report.kid, stored?.kid ?? null),
    thumbprint: compare(report.thumbprint, stored?.thumbprint ?? null),
  };
}

/** The client id in the vault against the profile's. */
export function compareClientId(report: VaultVerifyReport, profileClientId: string | null): Comparison {
  const vault = report.clientId.info?.clientId?.trim() ?? null;
  const keychain = profileClientId ?? "";
  return { keychain, vault, same: vault !== null && vault === keychain };
}

/** Seconds until an RFC 3339 time (negative once it has passed). */
export function secondsUntil(iso: string, nowMs: number): number {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? 0 : Math.floor((at - nowMs) / 1000);
}

/** An RFC 3339 time as a local date and time; the raw text when it does not parse. */
export function formatIso(iso: string, locale: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : formatTime(at / 1000, locale);
}

/** Tags in a stable order, the ones that identify a key first. */
export function sortedTags(tags: Record<string, string>): [string, string][] {
  const first = ["kid", "thumbprint", "key-expires", "created-by"];
  const rank = (k: string) => (first.includes(k) ? first.indexOf(k) : first.length);
  return Object.entries(tags).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The older names the migration check looks for end in one of these (Rust's after::OLD_FIELDS). */
export const OLD_FIELDS = ["ClientId", "EncodedJwk", "JwkBase64", "Authority"] as const;
export type OldField = (typeof OLD_FIELDS)[number];

/** Which older field a migration candidate is, so where it comes from can be said in either language. */
export function oldField(name: string): OldField | null {
  const last = name.split("--").at(-1) ?? "";
  return (OLD_FIELDS as readonly string[]).includes(last) ? (last as OldField) : null;
}

/** The vault's host, as the confirmation before a first private-key write names it. */
export function vaultHost(vaultUrl: string): string {
  try {
    return new URL(vaultUrl).host;
  } catch {
    return vaultUrl;
  }
}
