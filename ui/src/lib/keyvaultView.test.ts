import { describe, expect, it } from "vitest";
import type { VaultSecretCheck } from "../bindings/VaultSecretCheck";
import type { VaultVerifyReport } from "../bindings/VaultVerifyReport";
import type { VaultWriteReport } from "../bindings/VaultWriteReport";
import {
  checkMark,
  compareClientId,
  compareKey,
  oldField,
  previewNames,
  secondsUntil,
  sortedTags,
  validName,
  writeDecision,
} from "./keyvaultView";

describe("secret names (the same rules as Rust's keyvault::names)", () => {
  it("join prefix, section and field with double dashes", () => {
    const preview = previewNames("myapp", "MaskinportenSettingsExternal", "encoded_jwk");
    expect(preview).toEqual({
      ok: true,
      warnings: [],
      names: {
        prefix: "myapp", section: "MaskinportenSettingsExternal", keyField: "encoded_jwk",
        clientId: "myapp--MaskinportenSettingsExternal--ClientId",
        key: "myapp--MaskinportenSettingsExternal--EncodedJwk",
        configSection: "myapp:MaskinportenSettingsExternal",
      },
    });
    const nested = previewNames(null, "myapp:Mp", "jwk_base64");
    expect(nested.ok && nested.names.key).toBe("myapp--Mp--JwkBase64");
  });

  it("default to MaskinportenSettingsExternal and ignore blank prefix and section", () => {
    const preview = previewNames("  ", "", "encoded_jwk");
    expect(preview.ok && preview.names.clientId).toBe("MaskinportenSettingsExternal--ClientId");
  });

  it("warn about the known traps, in Rust's order", () => {
    const codes = (p: ReturnType<typeof previewNames>) => (p.ok ? p.warnings : null);
    expect(codes(previewNames(null, "MaskinportenSettings", "jwk_base64"))).toEqual([
      "collides_with_studio", "no_app_prefix", "legacy_builtin_client",
    ]);
    expect(codes(previewNames("myapp", "MaskinportenSettings", "encoded_jwk"))).toEqual([]);
    expect(codes(previewNames("probe", null, "encoded_jwk"))).toEqual(["looks_like_a_test_secret"]);
    expect(codes(previewNames("my-TEST-app", null, "encoded_jwk"))).toEqual(["looks_like_a_test_secret"]);
    expect(codes(previewNames("9app", null, "encoded_jwk"))).toEqual(["starts_with_a_digit"]);
  });

  it("refuse names Key Vault would refuse", () => {
    expect(previewNames("my_app", null, "encoded_jwk")).toEqual({ ok: false, problem: "invalid", name: "my_app--MaskinportenSettingsExternal--ClientId" });
    expect(previewNames("a", "x::y", "encoded_jwk")).toEqual({ ok: false, problem: "section" });
    expect(previewNames("a--b", null, "encoded_jwk")).toEqual({ ok: false, problem: "section" });
    expect(previewNames("a".repeat(120), null, "encoded_jwk").ok).toBe(false);
    expect(validName("a--B--C")).toBe(true);
    expect(validName("")).toBe(false);
    expect(validName("æ")).toBe(false);
  });
});

describe("probe checks", () => {
  it("are ✓ when allowed, · when simply absent, ✗ otherwise", () => {
    expect(checkMark("ok")).toBe("ok");
    expect(checkMark("absent")).toBe("info");
    for (const r of ["soft_deleted", "denied", "throttled", "failed"] as const) expect(checkMark(r)).toBe("problem");
  });
});

const secretCheck = (fields: Partial<VaultSecretCheck> = {}): VaultSecretCheck => ({
  name: "n", found: true, info: null, ok: true, problems: [], ...fields,
});

function verifyReport(storedKid: string | null, storedThumbprint: string | null, clientId: string | null): VaultVerifyReport {
  const info = (fields: object) => ({
    name: "n", version: "v1", contentType: null, tags: {}, enabled: true, created: null, updated: null,
    deleted: null, scheduledPurge: null, clientId: null, storedKey: null, ...fields,
  });
  return {
    vault: "https://v", kid: "kid-1", thumbprint: "tp-1", ok: false,
    names: { prefix: null, section: "S", keyField: "encoded_jwk", clientId: "S--ClientId", key: "S--EncodedJwk", configSection: "S" },
    clientId: secretCheck({ info: info({ clientId }) }),
    key: secretCheck({
      info: info({ storedKey: { encoding: "standard_base64", kid: storedKid, thumbprint: storedThumbprint, alg: "RS256", use: "sig", missingFields: [], usable: true } }),
    }),
    after: { redeploy: { en: "", nb: "" }, alsoNeeded: [], oldSecrets: [], migrationAdvice: { en: "", nb: "" } },
  };
}

describe("the read-back", () => {
  it("compares kid and thumbprint with the keychain key", () => {
    expect(compareKey(verifyReport("kid-1", "tp-1", "c"))).toEqual({
      kid: { keychain: "kid-1", vault: "kid-1", same: true },
      thumbprint: { keychain: "tp-1", vault: "tp-1", same: true },
    });
    const other = compareKey(verifyReport("kid-1", "tp-other", "c"));
    expect(other.kid.same).toBe(true);
    expect(other.thumbprint).toEqual({ keychain: "tp-1", vault: "tp-other", same: false });
  });

  it("says nothing matches when the key secret is missing", () => {
    const report = verifyReport(null, null, null);
    report.key = secretCheck({ found: false, ok: false });
    expect(compareKey(report).kid).toEqual({ keychain: "kid-1", vault: null, same: false });
  });

  it("compares the client id with the profile's", () => {
    expect(compareClientId(verifyReport("k", "t", " client-1 "), "client-1").same).toBe(true);
    expect(compareClientId(verifyReport("k", "t", "other"), "client-1")).toEqual({ keychain: "client-1", vault: "other", same: false });
  });
});

describe("writing", () => {
  const write = (outcome: VaultWriteReport["outcome"]) => ({ outcome }) as VaultWriteReport;
  it("asks for a decision only when the backend stopped for one", () => {
    expect(writeDecision(null)).toBe("none");
    expect(writeDecision(write("written"))).toBe("none");
    expect(writeDecision(write("unchanged"))).toBe("none");
    expect(writeDecision(write("confirmation_required"))).toBe("newVersions");
    expect(writeDecision(write("new_vault_confirmation_required"))).toBe("newVault");
    expect(writeDecision(write("deleted_needs_decision"))).toBe("deleted");
  });

  it("lists the tags that identify a key first", () => {
    expect(sortedTags({ zeta: "1", "created-by": "x", thumbprint: "t", kid: "k" }).map(([k]) => k)).toEqual(["kid", "thumbprint", "created-by", "zeta"]);
  });
});

describe("the device code's lifetime", () => {
  it("counts down to its expiry", () => {
    const now = Date.parse("2026-01-01T10:00:00Z");
    expect(secondsUntil("2026-01-01T10:15:00Z", now)).toBe(900);
    expect(secondsUntil("2026-01-01T09:59:00Z", now)).toBe(-60);
    expect(secondsUntil("not a time", now)).toBe(0);
  });
});

describe("the migration check", () => {
  it("knows which older field a candidate is", () => {
    expect(oldField("MaskinportenSettings--JwkBase64")).toBe("JwkBase64");
    expect(oldField("myapp--MaskinportenSettings--ClientId")).toBe("ClientId");
    expect(oldField("Something--Else")).toBeNull();
  });
});
