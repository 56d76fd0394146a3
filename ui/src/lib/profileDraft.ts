// The profile form works on a draft of plain strings (what the inputs hold); this module
// validates a draft and converts between drafts and the backend's Profile.
import type { Environment } from "../bindings/Environment";
import type { Profile } from "../bindings/Profile";
import type { MessageKey } from "./messages/en";
import { checkOrgNumber, normalizeOrgNumber } from "./orgNumber";

export type EnvironmentKind = Environment["kind"];
export const ENVIRONMENT_KINDS: readonly EnvironmentKind[] = ["sandbox", "test", "prod", "custom"];

export interface ProfileDraft {
  name: string;
  environment: EnvironmentKind;
  maskinportenUrl: string;
  altinnUrl: string;
  appsUrl: string;
  orgNumber: string;
  clientId: string;
  scopes: string;
  appA: string;
  appB: string;
  /** "" means no key. */
  keyId: string;
  vaultUrl: string;
  secretPrefix: string;
  sectionName: string;
}

export type DraftErrors = Partial<Record<keyof ProfileDraft, MessageKey>>;

export function emptyDraft(): ProfileDraft {
  return {
    name: "",
    environment: "sandbox",
    maskinportenUrl: "",
    altinnUrl: "",
    appsUrl: "",
    orgNumber: "",
    clientId: "",
    scopes: "",
    appA: "",
    appB: "",
    keyId: "",
    vaultUrl: "",
    secretPrefix: "",
    sectionName: "",
  };
}

export function draftFromProfile(profile: Profile): ProfileDraft {
  const env = profile.environment;
  return {
    name: profile.name,
    environment: env.kind,
    maskinportenUrl: env.kind === "custom" ? env.maskinportenUrl : "",
    altinnUrl: env.kind === "custom" ? env.altinnUrl : "",
    appsUrl: env.kind === "custom" ? env.appsUrl : "",
    orgNumber: profile.orgNumber ?? "",
    clientId: profile.clientId ?? "",
    scopes: profile.scopes.join(" "),
    appA: profile.appA ?? "",
    appB: profile.appB ?? "",
    keyId: profile.keyId ?? "",
    vaultUrl: profile.vaultUrl ?? "",
    secretPrefix: profile.secretPrefix ?? "",
    sectionName: profile.sectionName ?? "",
  };
}

/** Scopes are typed space separated, as in Maskinporten's own `scope` parameter. */
export function splitScopes(text: string): string[] {
  return text.split(/\s+/).filter((scope) => scope.length > 0);
}

const optional = (text: string): string | null => (text.trim() === "" ? null : text.trim());

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** Altinn apps are named `org/app`, e.g. `ttd/my-app`. */
const APP_ID = /^[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/i;

export function orgNumberError(text: string): MessageKey | undefined {
  if (text.trim() === "") return undefined;
  switch (checkOrgNumber(text)) {
    case "digits":
      return "profile.error.orgDigits";
    case "length":
      return "profile.error.orgLength";
    case "checksum":
      return "profile.error.orgChecksum";
    default:
      return undefined;
  }
}

/** Field errors as message keys; an empty object means the draft can be sent. */
export function validateDraft(draft: ProfileDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (draft.name.trim() === "") errors.name = "profile.error.nameRequired";
  if (draft.environment === "custom") {
    for (const field of ["maskinportenUrl", "altinnUrl", "appsUrl"] as const) {
      if (!isHttpUrl(draft[field])) errors[field] = "profile.error.url";
    }
  }
  const org = orgNumberError(draft.orgNumber);
  if (org) errors.orgNumber = org;
  for (const field of ["appA", "appB"] as const) {
    if (draft[field].trim() !== "" && !APP_ID.test(draft[field].trim())) errors[field] = "profile.error.appId";
  }
  if (draft.vaultUrl.trim() !== "" && !isHttpUrl(draft.vaultUrl)) errors.vaultUrl = "profile.error.url";
  return errors;
}

function environmentFromDraft(draft: ProfileDraft): Environment {
  if (draft.environment !== "custom") return { kind: draft.environment };
  return {
    kind: "custom",
    maskinportenUrl: draft.maskinportenUrl.trim(),
    altinnUrl: draft.altinnUrl.trim(),
    appsUrl: draft.appsUrl.trim(),
  };
}

export function profileFromDraft(draft: ProfileDraft): Profile {
  const org = optional(draft.orgNumber);
  return {
    name: draft.name.trim(),
    environment: environmentFromDraft(draft),
    orgNumber: org === null ? null : normalizeOrgNumber(org),
    clientId: optional(draft.clientId),
    scopes: splitScopes(draft.scopes),
    appA: optional(draft.appA),
    appB: optional(draft.appB),
    keyId: optional(draft.keyId),
    vaultUrl: optional(draft.vaultUrl),
    secretPrefix: optional(draft.secretPrefix),
    sectionName: optional(draft.sectionName),
  };
}
