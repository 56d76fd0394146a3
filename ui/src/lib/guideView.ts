// Pure helpers for the guided checklist: the flow picture's parts and their state, each step's
// official page, the token expiries a run left behind, and the client-id shape check.
import type { Checklist } from "../bindings/Checklist";
import type { StepId } from "../bindings/StepId";
import type { StepState } from "../bindings/StepState";
import type { StepStatus } from "../bindings/StepStatus";
import type { ActingAs } from "../bindings/ActingAs";
import type { Route } from "../bindings/Route";

export type FlowPart = "appA" | "keyvault" | "vendor" | "customer" | "maskinporten" | "altinn" | "appB";
export type PartState = "ok" | "failed" | "todo" | "not_needed";

/** Which steps light each part of the picture, and the step a click on it opens. */
export const FLOW_PARTS: readonly { id: FlowPart; steps: readonly StepId[] }[] = [
  { id: "appA", steps: ["path", "config", "redeploy"] },
  { id: "keyvault", steps: ["vault_access", "vault_write"] },
  { id: "vendor", steps: ["client", "key", "system_register"] },
  { id: "customer", steps: ["system_user_approval"] },
  { id: "maskinporten", steps: ["client", "key", "token"] },
  { id: "altinn", steps: ["exchange"] },
  { id: "appB", steps: ["app_b_system_users", "instance"] },
];

/**
 * The picture's row for a route, and the part drawn beside its first one: app A with its Key
 * Vault, or the vendor's system with the customer's approval.
 */
export function flowLayout(route: Route): { main: FlowPart[]; side: FlowPart } {
  return route === "system_user"
    ? { main: ["vendor", "maskinporten", "altinn", "appB"], side: "customer" }
    : { main: ["appA", "maskinporten", "altinn", "appB"], side: "keyvault" };
}

/**
 * On the system-user route, the customer's system user the token, exchange and instance steps
 * act as: the approved request's customer and the externalRef it was made with.
 */
export function actingFrom(list: Checklist): ActingAs | null {
  if (list.route !== "system_user") return null;
  const step = list.steps.find((s) => s.id === "system_user_approval");
  if (step?.state !== "verified") return null;
  const customer = detailText(step, "customer");
  if (!customer) return null;
  return { systemUserOrg: customer, externalRef: detailText(step, "externalRef") };
}

/** Red if any of its steps failed; green once every one is verified, done or not needed. */
export function partState(list: Checklist, part: FlowPart): PartState {
  const steps = FLOW_PARTS.find((p) => p.id === part)?.steps ?? [];
  const states = list.steps.filter((s) => steps.includes(s.id)).map((s) => s.state);
  if (states.length === 0) return "todo";
  if (states.includes("failed")) return "failed";
  if (states.every((s) => s === "not_needed")) return "not_needed";
  if (states.every((s) => s === "verified" || s === "done" || s === "not_needed")) return "ok";
  return "todo";
}

/** The step a click on a part opens: its first unsettled step, else its first on this route. */
export function partTarget(list: Checklist, part: FlowPart): StepId {
  const steps = (FLOW_PARTS.find((p) => p.id === part)?.steps ?? []).filter((id) => list.steps.some((s) => s.id === id));
  const open = list.steps.find((s) => steps.includes(s.id) && (s.state === "todo" || s.state === "failed"));
  return open?.id ?? steps[0] ?? list.steps[0]?.id ?? "path";
}

export const isSettled = (state: StepState): boolean => state === "done" || state === "verified" || state === "not_needed";

/** The official page for each step (sources as in shared/reference). */
export const STEP_LINKS: Record<StepId, string> = {
  path: "https://docs.altinn.studio/en/altinn-studio/v8/guides/integration/maskinporten/",
  vault_access: "https://docs.altinn.studio/en/altinn-studio/v8/reference/configuration/secrets/",
  client: "https://sjolvbetjening.test.samarbeid.digdir.no",
  key: "https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_jwtgrant",
  vault_write: "https://docs.altinn.studio/en/altinn-studio/v8/reference/configuration/secrets/",
  config: "https://docs.altinn.studio/en/altinn-studio/v8/guides/integration/maskinporten/",
  token: "https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_token",
  exchange: "https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking",
  instance: "https://docs.altinn.studio/en/altinn-studio/v8/guides/integration/maskinporten/",
  // D-CREATE, D-REQGUIDE and D-SBS in docs/reference/systemuser.md.
  system_register: "https://docs.altinn.studio/en/api/authentication/systemuserapi/systemregister/create/",
  system_user_approval: "https://docs.altinn.studio/en/authorization/guides/system-vendor/system-user/",
  app_b_system_users: "https://docs.altinn.studio/en/altinn-studio/v8/guides/integration/sbs/setup/",
  redeploy: "https://docs.altinn.studio/en/altinn-studio/v8/guides/integration/maskinporten/add-scopes/",
};

export const PORTALS = {
  test: "https://sjolvbetjening.test.samarbeid.digdir.no",
  prod: "https://sjolvbetjening.samarbeid.digdir.no",
} as const;

/** Expiry (Unix seconds) of a token a run reported, read from the step's secret-free detail. */
export function tokenExpiry(step: StepStatus | undefined, which: "maskinporten" | "altinn"): number | null {
  const detail = step?.detail;
  if (!detail || typeof detail !== "object") return null;
  const token = (detail as Record<string, unknown>)[which];
  if (!token || typeof token !== "object") return null;
  const at = (token as Record<string, unknown>).expiresAt;
  return typeof at === "number" ? at : null;
}

/** A field of a step's detail, as text (e.g. the instance id, the error count). */
export function detailText(step: StepStatus | undefined, field: string): string | null {
  const detail = step?.detail;
  if (!detail || typeof detail !== "object") return null;
  const value = (detail as Record<string, unknown>)[field];
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

/** Maskinporten client ids are UUIDs; say so before the profile is saved with a typo. */
export function clientIdProblem(value: string): "empty" | "shape" | null {
  const v = value.trim();
  if (v === "") return "empty";
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v) ? null : "shape";
}
