// The system-user path's decisions the window makes itself: which request to show, when to
// keep asking for its status, and what the proof asks Maskinporten for. The statuses and their
// next steps come from Rust (RequestView); nothing here reads status text.
import type { ActingAs } from "../bindings/ActingAs";
import type { ChainOptions } from "../bindings/ChainOptions";
import type { RequestView } from "../bindings/RequestView";
import { normalizeOrgNumber } from "./orgNumber";

/** The scope a client needs to read its requests (docs/reference/systemuser.md §1). */
export const READ_SCOPE = "altinn:authentication/systemuser.request.read";

/** How often a pending request is asked about while the window shows it. */
export const POLL_MS = 3000;

/** The request to show for a customer: a pending one first, else the last the register lists. */
export function requestFor(views: RequestView[], customer: string): RequestView | null {
  const org = normalizeOrgNumber(customer);
  const theirs = views.filter((v) => v.request.partyOrgNo === org);
  return theirs.find((v) => v.status === "new") ?? theirs.at(-1) ?? null;
}

/** Only a request the customer has not decided yet can change by itself. */
export const keepsPolling = (view: RequestView | null): boolean => view?.status === "new";

/** The proof needs an approved system user. */
export const canProve = (view: RequestView | null): boolean => view?.status === "accepted";

/**
 * The system-user token and its exchange: the customer as `systemuser_org`, the request's own
 * externalRef (the grant must carry the one the system user was requested with), app B's
 * instance scopes.
 */
export function proofOptions(view: RequestView): ChainOptions {
  return systemUserOptions({ systemUserOrg: view.request.partyOrgNo, externalRef: view.request.externalRef });
}

/** A system user's token and its exchange, with app B's instance scopes (D-SBS). */
export function systemUserOptions(acting: ActingAs): ChainOptions {
  return {
    scopes: ["altinn:instances.read", "altinn:instances.write"],
    exchange: true,
    testOrg: false,
    systemUserOrg: acting.systemUserOrg,
    externalRef: acting.externalRef,
    consumerOrg: null,
    resource: [],
  };
}
