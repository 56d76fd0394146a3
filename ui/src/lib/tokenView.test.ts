import { describe, expect, it } from "vitest";
import type { ChainReport } from "../bindings/ChainReport";
import type { Profile } from "../bindings/Profile";
import {
  advancedChanged,
  chainOptions,
  claimText,
  combine,
  defaultOptions,
  effectiveScopes,
  failedStage,
  flowViews,
  formatDuration,
  registrationReason,
  secondsLeft,
  stageViews,
  validateOptions,
} from "./tokenView";

const profile = (fields: Partial<Profile> = {}): Profile => ({
  name: "p", environment: { kind: "sandbox" }, orgNumber: "313725138", clientId: "c", scopes: ["altinn:instances.read"],
  appA: null, appB: "ttd/app-b", keyId: "k", vaultUrl: null, secretPrefix: null, sectionName: null, ...fields,
});

function report(statuses: Record<string, "ok" | "failed" | "skipped">, fields: Partial<ChainReport> = {}): ChainReport {
  return {
    environment: "sandbox", clientId: "c", kid: "k",
    stages: Object.entries(statuses).map(([stage, status]) => ({ stage: stage as never, status })),
    grant: null, maskinporten: null, expiresIn: null, altinn: null, scopeCheck: null, clock: null, diagnosis: null,
    ok: !Object.values(statuses).includes("failed"), ...fields,
  };
}

const allOk = { metadata: "ok", grant: "ok", token: "ok", verify: "ok", exchange: "ok" } as const;
const covered = { granted: [], needed: [], missing: [], coversInstances: true, policyWarning: null };

describe("stages", () => {
  it("are pending before a run, running during one, and the report's outcome after", () => {
    expect(Object.values(stageViews(null, false))).toEqual(Array(5).fill("pending"));
    expect(Object.values(stageViews(report(allOk), true))).toEqual(Array(5).fill("running"));
    expect(stageViews(report({ metadata: "ok", grant: "failed" }), false)).toMatchObject({ grant: "failed", token: "skipped" });
  });

  it("name where the chain stopped", () => {
    expect(failedStage(report({ metadata: "ok", grant: "ok", token: "failed" }))).toBe("token");
    expect(failedStage(report(allOk))).toBeNull();
  });

  it("make a part of the route green only when all its stages are, and red when one failed", () => {
    expect(combine(["ok", "ok"])).toBe("ok");
    expect(combine(["ok", "failed", "skipped"])).toBe("failed");
    expect(combine(["ok", "skipped"])).toBe("skipped");
  });
});

describe("the route picture", () => {
  it("lights every part after a full success with the scopes app B needs", () => {
    expect(flowViews(report(allOk, { scopeCheck: covered }), false)).toEqual({ computer: "ok", maskinporten: "ok", altinn: "ok", appB: "ok" });
  });

  it("marks Maskinporten red when the token was refused, and leaves the rest grey", () => {
    const failed = report({ metadata: "ok", grant: "ok", token: "failed", verify: "skipped", exchange: "skipped" });
    expect(flowViews(failed, false)).toEqual({ computer: "ok", maskinporten: "failed", altinn: "skipped", appB: "skipped" });
  });

  it("marks app B red when the token lacks its scopes, grey when no Altinn token was made", () => {
    const missing = { ...covered, missing: ["altinn:instances.write"], coversInstances: false };
    expect(flowViews(report(allOk, { scopeCheck: missing }), false).appB).toBe("failed");
    expect(flowViews(report({ ...allOk, exchange: "skipped" }, { scopeCheck: covered }), false).appB).toBe("skipped");
  });
});

describe("options", () => {
  it("become ChainOptions: split scopes, no spaces in org numbers, empty text as null", () => {
    const draft = { ...defaultOptions(), scopes: "  a:b   c:d ", systemUserOrg: "313 725 138", externalRef: "  ", resource: " https://api , urn:b" };
    expect(chainOptions(draft)).toEqual({
      scopes: ["a:b", "c:d"], exchange: true, testOrg: false, systemUserOrg: "313725138", externalRef: null, consumerOrg: null, resource: ["https://api", "urn:b"],
    });
  });

  it("by default exchange and change nothing else", () => {
    expect(chainOptions(defaultOptions())).toEqual({
      scopes: [], exchange: true, testOrg: false, systemUserOrg: null, externalRef: null, consumerOrg: null, resource: [],
    });
    expect(advancedChanged(defaultOptions())).toBe(0);
  });

  it("count the changes hidden behind Advanced (the exchange box is not hidden)", () => {
    expect(advancedChanged({ ...defaultOptions(), exchange: false, testOrg: true, resource: "x" })).toBe(2);
  });

  it("use the override's scopes instead of the profile's when there are any", () => {
    expect(effectiveScopes(profile(), defaultOptions())).toEqual(["altinn:instances.read"]);
    expect(effectiveScopes(profile(), { ...defaultOptions(), scopes: "x:y" })).toEqual(["x:y"]);
  });

  it("check organisation numbers and refuse an external reference without a system user", () => {
    expect(validateOptions(defaultOptions())).toEqual({});
    expect(validateOptions({ ...defaultOptions(), systemUserOrg: "123456789" })).toEqual({ systemUserOrg: "profile.error.orgChecksum" });
    expect(validateOptions({ ...defaultOptions(), consumerOrg: "12ab" })).toEqual({ consumerOrg: "profile.error.orgDigits" });
    expect(validateOptions({ ...defaultOptions(), externalRef: "ref" })).toEqual({ externalRef: "token.error.externalRefAlone" });
  });
});

describe("countdowns", () => {
  it("count whole seconds to a unix time, rounding down so a token never looks valid too long", () => {
    expect(secondsLeft(1000, 900_000)).toBe(100);
    expect(secondsLeft(1000, 999_500)).toBe(0);
    expect(secondsLeft(1000, 1_000_500)).toBe(-1);
    expect(secondsLeft(1000, 1_002_000)).toBe(-2);
  });

  it("read as seconds, minutes and hours", () => {
    expect(formatDuration(45, "h")).toBe("45 s");
    expect(formatDuration(598, "h")).toBe("9 min 58 s");
    expect(formatDuration(3900, "t")).toBe("1 t 05 min");
    expect(formatDuration(-3, "h")).toBe("0 s");
  });
});

describe("the sandbox's portal step", () => {
  it("is offered to a sandbox profile without a client id, or when the chain points at the key", () => {
    expect(registrationReason(profile({ clientId: null }), null)).toBe("noClient");
    const unknownKid = report({ token: "failed" }, { diagnosis: { code: "unknown_kid", title: { en: "", nb: "" }, explanation: { en: "", nb: "" }, fix: { en: "", nb: "" }, raw: null } });
    expect(registrationReason(profile(), unknownKid)).toBe("notRegistered");
    expect(registrationReason(profile(), report(allOk))).toBeNull();
  });

  it("is never offered outside the sandbox", () => {
    expect(registrationReason(profile({ environment: { kind: "test" }, clientId: null }), null)).toBeNull();
  });
});

it("shows claims as text, objects as JSON, and nothing for a missing claim", () => {
  expect(claimText({ "urn:altinn:org": "ttd", n: 3, o: { a: 1 } }, "urn:altinn:org")).toBe("ttd");
  expect(claimText({ n: 3 }, "n")).toBe("3");
  expect(claimText({ o: { a: 1 } }, "o")).toBe('{"a":1}');
  expect(claimText({}, "missing")).toBeNull();
});
