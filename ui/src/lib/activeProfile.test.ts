import { describe, expect, it } from "vitest";
import { pickActive } from "./activeProfile";

const named = (...names: string[]) => names.map((name) => ({ name }));

describe("the profile a window opens on", () => {
  it("is the last one used while it exists", () => {
    expect(pickActive(named("A", "B"), "B")).toBe("B");
    expect(pickActive(named("A"), "A")).toBe("A");
  });

  it("is the only one when none is remembered or the remembered one is gone", () => {
    expect(pickActive(named("Made on the command line"), null)).toBe("Made on the command line");
    expect(pickActive(named("Kept"), "Deleted since")).toBe("Kept");
  });

  it("is left to the person when there are several and none is remembered, or none at all", () => {
    expect(pickActive(named("A", "B"), null)).toBeNull();
    expect(pickActive(named("A", "B"), "Gone")).toBeNull();
    expect(pickActive([], "Gone")).toBeNull();
  });
});
