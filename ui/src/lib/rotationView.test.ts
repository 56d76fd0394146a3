import { describe, expect, it } from "vitest";
import type { RotationView } from "../bindings/RotationView";
import { nextAction } from "./rotationView";

function view(stoppedAt: RotationView["stoppedAt"], finished: string | null = null, vaultVersion: string | null = null): RotationView {
  return {
    rotation: {
      profile: "P",
      oldKid: "old",
      oldThumbprint: "tp",
      newKid: "new",
      newThumbprint: "tp2",
      route: "self_service",
      vaultVersion,
      clientKeys: [],
      started: "2026-12-06T12:00:00Z",
      finished,
      steps: [{ step: "remove_old", state: finished ? "done" : "todo", at: null, detail: null }],
    },
    titles: [],
    stoppedAt,
  };
}

describe("the rotation card", () => {
  it("starts when there is none or the last finished, waits for the redeploy, else continues", () => {
    expect(nextAction(null)).toBe("start");
    expect(nextAction(view(null, "2026-12-06T13:00:00Z"))).toBe("start");
    expect(nextAction(view("redeploy"))).toBe("redeployed");
    expect(nextAction(view("add_to_client"))).toBe("continue");
  });
});
