// How a token test is shown: the five stages and the route picture, the options form turned into
// ChainOptions, countdowns, and when to offer the sandbox's portal step. Pure, so it is unit-tested.
import type { ChainOptions } from "../bindings/ChainOptions";
import type { ChainReport } from "../bindings/ChainReport";
import type { DiagnosisCode } from "../bindings/DiagnosisCode";
import type { Profile } from "../bindings/Profile";
import type { Stage } from "../bindings/Stage";
import type { StageStatus } from "../bindings/StageStatus";
import type { MessageKey } from "./i18n";
import { checkOrgNumber, normalizeOrgNumber } from "./orgNumber";

export const STAGES: readonly Stage[] = ["metadata", "grant", "token", "verify", "exchange"];

/** A stage as shown: the backend's three outcomes, plus "not run yet" and "in flight". */
export type StageView = StageStatus | "pending" | "running";

/**
 * The command answers once, at the end, so while it runs every stage is "running";
 * before the first run they are "pending"; a stage the report does not mention was skipped.
 */
export function stageViews(report: ChainReport | null, running: boolean): Record<Stage, StageView> {
  const view = (stage: Stage): StageView => {
    if (running) return "running";
    if (!report) return "pending";
    return report.stages.find((s) => s.stage === stage)?.status ?? "skipped";
  };
  return Object.fromEntries(STAGES.map((s) => [s, view(s)])) as Record<Stage, StageView>;
}

/** Where the chain stopped, if it did. */
export function failedStage(report: ChainReport | null): Stage | null {
  return report?.stages.find((s) => s.status === "failed")?.stage ?? null;
}

/** The route picture: this computer → Maskinporten → Altinn → app B. */
export type FlowNode = "computer" | "maskinporten" | "altinn" | "appB";
export const FLOW: readonly FlowNode[] = ["computer", "maskinporten", "altinn", "appB"];

/** Which stages happen where: the grant is signed here, Maskinporten serves metadata and the token. */
const NODE_STAGES: Record<Exclude<FlowNode, "appB">, readonly Stage[]> = {
  computer: ["grant"],
  maskinporten: ["metadata", "token", "verify"],
  altinn: ["exchange"],
};

/** A part is green only when all its stages are; one red stage makes it red. */
export function combine(views: readonly StageView[]): StageView {
  for (const v of ["failed", "running", "pending", "skipped"] as const) {
    if (views.includes(v)) return v;
  }
  return "ok";
}

/**
 * App B is not called by the token test; it is green when an Altinn token came back with the
 * scopes app B needs (protocols.md §4: a raw Maskinporten token is rejected by apps).
 */
export function flowViews(report: ChainReport | null, running: boolean): Record<FlowNode, StageView> {
  const stages = stageViews(report, running);
  const node = (n: Exclude<FlowNode, "appB">) => combine(NODE_STAGES[n].map((s) => stages[s]));
  const altinn = node("altinn");
  let appB: StageView;
  if (running) appB = "running";
  else if (!report) appB = "pending";
  else if (report.scopeCheck && !report.scopeCheck.coversInstances) appB = "failed";
  else appB = altinn === "ok" && report.scopeCheck?.coversInstances ? "ok" : "skipped";
  return { computer: node("computer"), maskinporten: node("maskinporten"), altinn, appB };
}

/** The token-test options as the person types them. */
export interface OptionsDraft {
  scopes: string;
  exchange: boolean;
  testOrg: boolean;
  systemUserOrg: string;
  externalRef: string;
  consumerOrg: string;
  resource: string;
}

export const defaultOptions = (): OptionsDraft => ({
  scopes: "",
  exchange: true,
  testOrg: false,
  systemUserOrg: "",
  externalRef: "",
  consumerOrg: "",
  resource: "",
});

export const splitScopes = (text: string): string[] => text.split(/\s+/).filter(Boolean);

const orNull = (text: string): string | null => (text.trim() === "" ? null : text.trim());

export function chainOptions(draft: OptionsDraft): ChainOptions {
  const org = (text: string) => orNull(normalizeOrgNumber(text));
  return {
    scopes: splitScopes(draft.scopes),
    exchange: draft.exchange,
    testOrg: draft.testOrg,
    systemUserOrg: org(draft.systemUserOrg),
    externalRef: orNull(draft.externalRef),
    consumerOrg: org(draft.consumerOrg),
    resource: splitScopes(draft.resource.replace(/,/g, " ")),
  };
}

/** The scopes the grant will ask for: the override when given, else the profile's. */
export function effectiveScopes(profile: Profile, draft: OptionsDraft): string[] {
  const override = splitScopes(draft.scopes);
  return override.length > 0 ? override : profile.scopes;
}

/** How many of the options behind "Advanced" differ from their defaults, so hidden changes show. */
export function advancedChanged(draft: OptionsDraft): number {
  const d = defaultOptions();
  const fields = ["scopes", "testOrg", "systemUserOrg", "externalRef", "consumerOrg", "resource"] as const;
  return fields.filter((f) => (typeof draft[f] === "string" ? String(draft[f]).trim() !== "" : draft[f] !== d[f])).length;
}

export type OptionErrors = Partial<Record<"systemUserOrg" | "consumerOrg" | "externalRef", MessageKey>>;

const ORG_ERRORS = {
  digits: "profile.error.orgDigits",
  length: "profile.error.orgLength",
  checksum: "profile.error.orgChecksum",
} as const satisfies Record<string, MessageKey>;

/** Instant checks only; the backend checks again. */
export function validateOptions(draft: OptionsDraft): OptionErrors {
  const errors: OptionErrors = {};
  for (const field of ["systemUserOrg", "consumerOrg"] as const) {
    if (draft[field].trim() === "") continue;
    const problem = checkOrgNumber(draft[field]);
    if (problem) errors[field] = ORG_ERRORS[problem];
  }
  // A system user's external reference means nothing without the system user (protocols.md §2).
  if (draft.externalRef.trim() !== "" && draft.systemUserOrg.trim() === "") {
    errors.externalRef = "token.error.externalRefAlone";
  }
  return errors;
}

/** Seconds until a unix time (negative once it has passed). */
export function secondsLeft(expiresAt: number, nowMs: number): number {
  return Math.floor(expiresAt - nowMs / 1000);
}

/** "45 s", "9 min 58 s", "1 h 05 min"; the hour symbol is the language's own. */
export function formatDuration(seconds: number, hourSymbol: string): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h} ${hourSymbol} ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min ${String(rest).padStart(2, "0")} s`;
  return `${rest} s`;
}

/** A unix time as a local date and time with seconds, 24-hour in both languages. */
export function formatTime(unixSeconds: number, locale: string): string {
  const date = new Date(unixSeconds * 1000);
  if (Number.isNaN(date.getTime())) return String(unixSeconds);
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : locale, {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

/** An RFC 3339 time from the wire log as a local clock time. */
export function formatWireTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : locale, {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

/** Diagnoses the sandbox's portal step fixes: the client or the key is not registered there. */
export const REGISTRATION_FIXES: readonly DiagnosisCode[] = [
  "unknown_kid",
  "kid_required",
  "client_not_found",
  "scope_not_on_client",
  "key_expired",
];

export type RegistrationReason = "noClient" | "notRegistered";

/** Why to offer "Register the key in the sandbox" now, or null when there is no sign it is needed. */
export function registrationReason(profile: Profile, report: ChainReport | null): RegistrationReason | null {
  if (profile.environment.kind !== "sandbox") return null;
  if (!profile.clientId) return "noClient";
  const code = report?.diagnosis?.code;
  return code && REGISTRATION_FIXES.includes(code) ? "notRegistered" : null;
}

/** A claim as text, for the few claims the UI names; objects are shown as JSON. */
export function claimText(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  if (value === undefined || value === null || value === "") return null;
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : JSON.stringify(value);
}
