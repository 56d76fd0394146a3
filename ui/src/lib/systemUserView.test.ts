import { describe, expect, it } from "vitest";
import type { RequestView } from "../bindings/RequestView";
import type { SystemUserRequestStatus } from "../bindings/SystemUserRequestStatus";
import { canProve, keepsPolling, proofOptions, requestFor } from "./systemUserView";

const view = (id: string, org: string, status: SystemUserRequestStatus, externalRef: string | null = null): RequestView => ({
  request: { id, externalRef, systemId: "991825827_maskinporten-assistant", partyOrgNo: org, rights: [], status, confirmUrl: null },
  status,
  nextStep: { en: "", nb: "" },
  confirmQr: null,
});

describe("requestFor", () => {
  const views = [view("a", "310000001", "rejected"), view("b", "310000001", "new"), view("c", "310000001", "timedout"), view("d", "999999999", "new")];

  it("prefers the customer's pending request, wherever it is in the list", () => {
    expect(requestFor(views, "310 000 001")?.request.id).toBe("b");
  });

  it("falls back to the customer's last request, and never another customer's", () => {
    expect(requestFor([views[0], views[2], views[3]], "310000001")?.request.id).toBe("c");
    expect(requestFor(views, "123456785")).toBeNull();
  });
});

describe("polling and proof", () => {
  it("polls only an undecided request and proves only an approved one", () => {
    expect(keepsPolling(view("a", "1", "new"))).toBe(true);
    for (const status of ["accepted", "rejected", "denied", "timedout", "unknown"] as const) {
      expect(keepsPolling(view("a", "1", status))).toBe(false);
    }
    expect(keepsPolling(null)).toBe(false);
    expect(canProve(view("a", "1", "accepted"))).toBe(true);
    expect(canProve(view("a", "1", "new"))).toBe(false);
  });

  it("asks for the customer's system user with the request's own externalRef, and exchanges", () => {
    const options = proofOptions(view("a", "310000001", "accepted", "ref-1"));
    expect(options).toMatchObject({ systemUserOrg: "310000001", externalRef: "ref-1", exchange: true });
    expect(proofOptions(view("a", "310000001", "accepted")).externalRef).toBeNull();
  });
});
