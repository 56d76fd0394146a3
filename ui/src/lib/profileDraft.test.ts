import { describe, expect, it } from "vitest";
import type { Profile } from "../bindings/Profile";
import { draftFromProfile, emptyDraft, profileFromDraft, splitScopes, validateDraft } from "./profileDraft";

const full: Profile = {
  name: "Skatt test",
  environment: { kind: "custom", maskinportenUrl: "http://127.0.0.1:8080", altinnUrl: "https://a.example", appsUrl: "https://apps.example" },
  orgNumber: "974760673",
  clientId: "abc-123",
  scopes: ["altinn:serviceowner/instances.read", "altinn:serviceowner/instances.write"],
  appA: "ttd/app-a",
  appB: "ttd/app-b",
  keyId: "kid-1",
  vaultUrl: "https://vault.example",
  secretPrefix: "mp",
  sectionName: "MaskinportenSettings",
};

describe("profile drafts", () => {
  it("start in the sandbox, which needs no account", () => {
    expect(emptyDraft().environment).toBe("sandbox");
  });

  it("round-trip a full profile unchanged", () => {
    expect(profileFromDraft(draftFromProfile(full))).toEqual(full);
  });

  it("send empty optional fields as null, not as empty strings", () => {
    const profile = profileFromDraft({ ...emptyDraft(), name: "  Only name  " });
    expect(profile).toEqual({
      name: "Only name",
      environment: { kind: "sandbox" },
      orgNumber: null,
      clientId: null,
      scopes: [],
      appA: null,
      appB: null,
      keyId: null,
      vaultUrl: null,
      secretPrefix: null,
      sectionName: null,
    });
  });

  it("drop custom URLs for preset environments", () => {
    const draft = { ...draftFromProfile(full), environment: "test" as const };
    expect(profileFromDraft(draft).environment).toEqual({ kind: "test" });
  });

  it("remove spaces in the organisation number", () => {
    expect(profileFromDraft({ ...emptyDraft(), name: "x", orgNumber: "974 760 673" }).orgNumber).toBe("974760673");
  });
});

describe("splitScopes", () => {
  it("splits on any whitespace and ignores extra spaces", () => {
    expect(splitScopes("  a:b   c:d\ne:f ")).toEqual(["a:b", "c:d", "e:f"]);
    expect(splitScopes("   ")).toEqual([]);
  });
});

describe("validateDraft", () => {
  it("accepts a complete, valid draft", () => {
    expect(validateDraft(draftFromProfile(full))).toEqual({});
  });

  it("requires a name", () => {
    expect(validateDraft(emptyDraft()).name).toBe("profile.error.nameRequired");
  });

  it("flags an organisation number that fails the mod-11 check", () => {
    expect(validateDraft({ ...emptyDraft(), name: "x", orgNumber: "974760674" }).orgNumber).toBe("profile.error.orgChecksum");
    expect(validateDraft({ ...emptyDraft(), name: "x", orgNumber: "1234" }).orgNumber).toBe("profile.error.orgLength");
  });

  it("wants all three URLs for a custom environment", () => {
    const errors = validateDraft({ ...emptyDraft(), name: "x", environment: "custom", maskinportenUrl: "https://ok.example" });
    expect(errors.maskinportenUrl).toBeUndefined();
    expect(errors.altinnUrl).toBe("profile.error.url");
    expect(errors.appsUrl).toBe("profile.error.url");
  });

  it("wants apps written as org/app", () => {
    const errors = validateDraft({ ...emptyDraft(), name: "x", appA: "just-an-app", appB: "ttd/ok-app" });
    expect(errors.appA).toBe("profile.error.appId");
    expect(errors.appB).toBeUndefined();
  });
});
