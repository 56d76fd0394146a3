import { describe, expect, it } from "vitest";
import type { Checklist } from "../bindings/Checklist";
import type { StepId } from "../bindings/StepId";
import type { StepState } from "../bindings/StepState";
import { actingFrom, clientIdProblem, detailText, flowLayout, partState, partTarget, tokenExpiry } from "./guideView";

const IDS: StepId[] = ["path", "vault_access", "client", "key", "vault_write", "config", "token", "exchange", "instance", "redeploy"];

function list(states: Partial<Record<StepId, StepState>>): Checklist {
  return {
    profile: "P", environment: "sandbox", route: "multi_app", routeReason: { en: "", nb: "" }, path: null, appFolder: null, next: null, key: null, complete: false, historyDamaged: 0, warnings: [], rotations: [],
    steps: IDS.map((id) => ({ id, state: states[id] ?? "todo", at: null, outcome: null, note: null, detail: null })),
  };
}

describe("the flow picture", () => {
  it("is green only when every step of a part is settled, red when one failed", () => {
    expect(partState(list({ client: "verified", key: "done", token: "verified" }), "maskinporten")).toBe("ok");
    expect(partState(list({ client: "verified", key: "done" }), "maskinporten")).toBe("todo");
    expect(partState(list({ client: "verified", key: "done", token: "failed" }), "maskinporten")).toBe("failed");
    expect(partState(list({ vault_access: "not_needed", vault_write: "not_needed" }), "keyvault")).toBe("not_needed");
    expect(partState(list({ exchange: "verified" }), "altinn")).toBe("ok");
  });

  it("opens a part's first step still to do or failed", () => {
    expect(partTarget(list({ client: "verified", key: "done" }), "maskinporten")).toBe("token");
    expect(partTarget(list({ path: "verified", config: "failed" }), "appA")).toBe("config");
    expect(partTarget(list({ instance: "verified" }), "appB")).toBe("instance");
  });
});

describe("step details", () => {
  it("reads token expiries and fields and ignores what is not there", () => {
    const step = { id: "token" as const, state: "verified" as const, at: null, outcome: null, note: null,
      detail: { maskinporten: { expiresAt: 1700000000 }, altinn: null, errors: 2 } };
    expect(tokenExpiry(step, "maskinporten")).toBe(1700000000);
    expect(tokenExpiry(step, "altinn")).toBeNull();
    expect(tokenExpiry(undefined, "altinn")).toBeNull();
    expect(detailText(step, "errors")).toBe("2");
    expect(detailText({ ...step, detail: "x" }, "errors")).toBeNull();
  });
});

describe("the client id", () => {
  it("must be a UUID", () => {
    expect(clientIdProblem(" 5b6f1a52-0c4e-4c1e-9a1e-6f0d5c0b5a11 ")).toBeNull();
    expect(clientIdProblem("")).toBe("empty");
    expect(clientIdProblem("my-client")).toBe("shape");
    expect(clientIdProblem("5b6f1a52-0c4e-4c1e-9a1e-6f0d5c0b5a1")).toBe("shape");
  });
});

const SYSTEM_USER_IDS: StepId[] = ["client", "key", "system_register", "system_user_approval", "app_b_system_users", "token", "exchange", "instance"];

function vendorList(states: Partial<Record<StepId, StepState>>, approval: unknown = null): Checklist {
  return {
    ...list({}),
    route: "system_user",
    steps: SYSTEM_USER_IDS.map((id) => ({ id, state: states[id] ?? "todo", at: null, outcome: null, note: null, detail: id === "system_user_approval" ? approval : null })),
  };
}

describe("the system-user route", () => {
  it("draws the vendor's system with the customer's approval beside it, and lights each part from its own steps", () => {
    expect(flowLayout("system_user")).toEqual({ main: ["vendor", "maskinporten", "altinn", "appB"], side: "customer" });
    expect(flowLayout("multi_app").side).toBe("keyvault");
    const some = vendorList({ client: "verified", key: "verified", system_register: "verified", app_b_system_users: "failed" });
    expect(partState(some, "vendor")).toBe("ok");
    expect(partState(some, "customer")).toBe("todo");
    expect(partState(some, "appB")).toBe("failed");
    expect(partTarget(some, "appB")).toBe("app_b_system_users");
  });

  it("acts as the approved customer with the request's externalRef, and as nobody before", () => {
    const approval = { customer: "310987654", externalRef: "ref-1", requestId: "r-1" };
    expect(actingFrom(vendorList({ system_user_approval: "verified" }, approval))).toEqual({ systemUserOrg: "310987654", externalRef: "ref-1" });
    expect(actingFrom(vendorList({ system_user_approval: "verified" }, { customer: "310987654", externalRef: null }))).toEqual({ systemUserOrg: "310987654", externalRef: null });
    expect(actingFrom(vendorList({ system_user_approval: "todo" }, approval))).toBeNull();
    expect(actingFrom({ ...vendorList({ system_user_approval: "verified" }, approval), route: "multi_app" })).toBeNull();
  });
});
