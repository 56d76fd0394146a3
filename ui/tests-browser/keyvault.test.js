// The Key Vault step against the fake backend: the names with their warnings, a device-code sign-in
// (code shown large and copyable, the sandbox's /devicelogin named, cancel), the probe's outcomes,
// a write that needs confirmation (cancel sends nothing; confirm sends confirmed: true), a
// soft-deleted name, the read-back catching another key, and screenshots.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startHarness, uiDir } from "./harness.js";

const profile = (name, fields = {}) => ({
  name, environment: { kind: "sandbox" }, orgNumber: "313725138", clientId: "sandbox-client",
  scopes: ["altinn:instances.read", "altinn:instances.write"], appA: "ttd/app-a", appB: "ttd/app-b",
  keyId: "sandbox-key-1", vaultUrl: null, secretPrefix: "app-a", sectionName: null, ...fields,
});
const THUMBPRINT = "Lk9k3yOQ0Wq1xkq2QnCwH5Z1o7m9XgGQxG9mB3r1s2c";
const keys = [{ kid: "sandbox-key-1", bits: 2048, created: "2026-01-01T00:00:00Z", expires: "2099-01-01T00:00:00Z", thumbprint: THUMBPRINT, source: "generated" }];
const seed = (extra = {}) => ({ profiles: [profile("Sandkasse")], keys, activeProfile: "Sandkasse", ...extra });

const CLIENT_NAME = "app-a--MaskinportenSettingsExternal--ClientId";
const KEY_NAME = "app-a--MaskinportenSettingsExternal--EncodedJwk";

/** A key secret as the vault holds it: another key than the keychain's. */
const otherKey = (fields = {}) => ({
  name: KEY_NAME, version: "0ld0000000000000000000000000000a", contentType: "application/jwk+json; base64",
  tags: { "created-by": "maskinporten-assistant/0.0.9", kid: "old-key-2025", thumbprint: "OLDthumbprintOLDthumbprintOLDthumbprint000" },
  enabled: true, created: "2025-03-01T10:00:00Z", updated: "2025-03-01T10:00:00Z", deleted: null, scheduledPurge: null, clientId: null,
  storedKey: { encoding: "standard_base64", kid: "old-key-2025", thumbprint: "OLDthumbprintOLDthumbprintOLDthumbprint000", alg: "RS256", use: "sig", missingFields: [], usable: true },
  ...fields,
});

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

async function screenshot(page, path) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1200, height });
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path });
}

/** Starts a device-code sign-in and approves it as the sandbox page would. */
async function signIn(page) {
  await page.click("#vault-login");
  await page.waitForSelector("#vault-user-code");
  await page.evaluate(() => window.__fake.vault.approve());
  await page.waitForSelector('#vault-signin-state[data-phase="signedIn"]');
}

test("the step is in the navigation and shows the names the secrets will get, with the known traps", async () => {
  const bare = profile("Bar", { secretPrefix: null, sectionName: "MaskinportenSettings" });
  const { page, context, errors } = await h.open({ hash: "#/keyvault", seed: { profiles: [bare], keys, activeProfile: "Bar" } });
  await page.waitForSelector("#nav-keyvault[aria-current='step']");
  assert.equal(await page.textContent('[data-testid="vault-name-client-id"]'), "MaskinportenSettings--ClientId");
  assert.equal(await page.textContent('[data-testid="vault-name-key"]'), "MaskinportenSettings--EncodedJwk");
  const codes = await page.$$eval("#vault-name-warnings li", (items) => items.map((i) => i.dataset.code));
  assert.deepEqual(codes, ["collides_with_studio", "no_app_prefix"]);

  await page.check("#vault-key-field-jwk_base64");
  assert.equal(await page.textContent('[data-testid="vault-name-key"]'), "MaskinportenSettings--JwkBase64");
  assert.ok((await page.$$eval("#vault-name-warnings li", (items) => items.map((i) => i.dataset.code))).includes("legacy_builtin_client"));
  assert.match(await page.textContent('[data-testid="vault-url"]'), /sandbox's own Key Vault/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a device-code sign-in shows the code large and copyable, names the sandbox's sign-in page, and can be cancelled", async () => {
  const { page, calls, context } = await h.open({ hash: "#/keyvault", seed: seed() });
  assert.match(await page.textContent("#vault-signin-state"), /Not signed in/);
  await page.click("#vault-login");
  await page.waitForSelector("#vault-user-code");

  assert.deepEqual((await calls("start_vault_login")).map((c) => c.args), [{ request: { profile: "Sandkasse", method: "device_code", clientId: null } }]);
  await page.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === "poll_vault_login"));
  assert.equal(await page.textContent("#vault-user-code"), "QF7KM2XPB");
  const size = await page.$eval("#vault-user-code", (el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 32, `the code is shown large (${size}px)`);
  assert.equal(await page.textContent("#vault-verification-uri"), "http://127.0.0.1:41105/devicelogin", "the link as text");
  assert.match(await page.textContent("#vault-device-code"), /sandbox's own sign-in page \(\/devicelogin\)/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "vault-device-code-title", "focus goes to the code");
  assert.match(await page.textContent("#vault-signin-state"), /Waiting for you to approve/);
  assert.equal(await page.getAttribute("#vault-signin-state", "aria-live"), "polite");
  assert.match(await page.textContent("#vault-code-expiry"), /valid for (15 min 00 s|14 min \d\d s) more/);

  await page.click("#vault-copy-code");
  await page.waitForFunction(() => window.__fake.clipboard === "QF7KM2XPB");
  assert.match(await page.textContent("#vault-copy-code"), /Copied/);
  assert.match(await page.textContent("#status"), /Sign-in code copied/);
  await page.click("#vault-copy-uri");
  await page.waitForFunction(() => window.__fake.clipboard === "http://127.0.0.1:41105/devicelogin");

  await page.click("#vault-login-cancel");
  await page.waitForSelector("#vault-user-code", { state: "detached" });
  assert.equal((await calls("cancel_vault_login")).length, 1);
  assert.match(await page.textContent("#vault-signin-state"), /cancelled/);
  assert.match(await page.textContent("#status"), /sign-in was cancelled/);
  assert.equal(await page.$("#vault-signin .error-note"), null, "a cancel is not an error");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "vault-signin-title", "focus stays in the card");

  await signIn(page);
  assert.match(await page.textContent("#vault-signin-state"), /Signed in as admin@sandbox\.example/);
  assert.equal(await page.textContent('[data-testid="vault-account"]'), "admin@sandbox.example");
  await context.close();
});

test("the sign-in survives a visit to another step", async () => {
  const { page, context } = await h.open({ hash: "#/keyvault", seed: seed() });
  await page.click("#vault-login");
  await page.waitForSelector("#vault-user-code");
  await page.click("#nav-keys");
  await page.evaluate(() => window.__fake.vault.approve());
  await page.click("#nav-keyvault");
  await page.waitForSelector('#vault-signin-state[data-phase="signedIn"]');
  await context.close();
});

test("the probe renders each outcome with its explanation, and the Altinn role when access is denied", async () => {
  const existing = { [KEY_NAME]: otherKey() };
  const { page, calls, context } = await h.open({ hash: "#/keyvault", seed: seed({ vault: { secrets: existing } }) });
  await signIn(page);
  await page.click("#vault-probe");
  await page.waitForSelector("#vault-probe-result");
  assert.deepEqual((await calls("probe_vault")).map((c) => c.args), [{ request: { profile: "Sandkasse", keyField: "encoded_jwk" } }]);
  const checks = await page.$$eval(".vault-check", (items) => items.map((i) => [i.dataset.operation, i.dataset.result, i.querySelector(".check-icon").textContent]));
  assert.deepEqual(checks, [["list", "ok", "✓"], ["get", "absent", "·"], ["get", "ok", "✓"]]);
  assert.match(await page.textContent(".vault-check[data-result='absent']"), /does not exist yet\. That is fine before the first write/);
  assert.match(await page.textContent(".vault-check:last-child .existing"), /old-key-2025/, "what is there now is shown");
  assert.equal(await page.getAttribute("#vault-probe-result", "data-ready"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "vault-probe-title");
  await context.close();

  const denied = await h.open({ hash: "#/keyvault", seed: seed({ vault: { denied: true } }) });
  await signIn(denied.page);
  await denied.page.click("#vault-probe");
  await denied.page.waitForSelector("#vault-probe-result");
  assert.deepEqual(await denied.page.$$eval(".vault-check", (items) => items.map((i) => i.dataset.mark)), ["problem", "problem", "problem"]);
  assert.match(await denied.page.textContent("#vault-probe-summary"), /Not ready to write/);
  assert.match(await denied.page.textContent(".vault-check"), /403 ForbiddenByRbac.*What to do:.*admin@sandbox\.example/s);
  assert.match(await denied.page.textContent("#vault-role-hint"), /Test Operations/);
  await denied.page.click(".vault-check .raw-details summary");
  assert.match(await denied.page.textContent(".vault-check .raw-answer"), /not authorized/);
  await denied.context.close();
});

test("the probe says what to do when nobody is signed in", async () => {
  const { page, context } = await h.open({ hash: "#/keyvault", seed: seed() });
  await page.click("#vault-probe");
  await page.waitForSelector("#vault-probe-card .error-note");
  assert.match(await page.textContent("#vault-probe-card .error-note"), /Not signed in.*Sign in first/s);
  await context.close();
});

test("a first write creates both secrets and reads them back", async () => {
  const { page, calls, context } = await h.open({ hash: "#/keyvault", seed: seed() });
  await signIn(page);
  await page.click("#vault-write");
  await page.waitForSelector('#vault-write-result[data-outcome="written"]');
  assert.deepEqual((await calls("write_vault_secrets")).map((c) => c.args.request), [{ profile: "Sandkasse", keyField: "encoded_jwk", confirmed: false, deletedAction: null }]);
  assert.deepEqual(await page.$$eval("#vault-write-plan tbody tr", (rows) => rows.map((r) => r.dataset.plan)), ["create", "create"]);
  assert.match(await page.textContent("#vault-write-plan"), /Created.*version v001/s);
  assert.equal(await page.$("#vault-confirm-dialog[open]"), null, "nothing existed, so nothing to confirm");
  assert.equal(await page.getAttribute("#vault-verify-result", "data-ok"), "true", "the write's read-back shows under Read back");
  assert.match(await page.textContent("#vault-redeploy"), /Redeploy the app/);
  assert.match(await page.textContent("#status"), /written and read back/);
  await context.close();
});

test("a write over other values needs confirmation: cancel sends nothing, confirm sends confirmed: true", async () => {
  const { page, calls, context } = await h.open({ hash: "#/keyvault", seed: seed({ vault: { secrets: { [KEY_NAME]: otherKey() } } }) });
  await signIn(page);
  await page.click("#vault-write");
  await page.waitForSelector('#vault-write-result[data-outcome="confirmation_required"]');
  assert.deepEqual(await page.$$eval("#vault-write-plan tbody tr", (rows) => rows.map((r) => r.dataset.plan)), ["create", "new_version"]);
  assert.match(await page.textContent("#vault-write-plan tr[data-plan='new_version']"), /old-key-2025.*OLDthumbprint.*New version/s, "what is there and what will change");
  assert.match(await page.textContent("#vault-write-summary"), /Nothing was written/);

  await page.click("#vault-write-confirm");
  await page.waitForSelector("#vault-confirm-dialog[open]");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "confirm-cancel", "focus starts on the safe choice");
  assert.match(await page.textContent("#vault-confirm-dialog"), /Write new versions\?.*app-a--MaskinportenSettingsExternal--EncodedJwk.*old-key-2025/s);
  await page.click("#vault-confirm-dialog [data-testid='confirm-cancel']");
  await page.waitForSelector("#vault-confirm-dialog[open]", { state: "detached" });
  assert.equal((await calls("write_vault_secrets")).length, 1, "cancel sends nothing");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "vault-write-confirm", "focus returns to the opener");

  await page.keyboard.press("Enter");
  await page.waitForSelector("#vault-confirm-dialog[open]");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#vault-confirm-dialog[open]", { state: "detached" });
  assert.equal((await calls("write_vault_secrets")).length, 1, "Escape sends nothing either");

  await page.click("#vault-write-confirm");
  await page.click("#vault-confirm-dialog [data-testid='confirm-ok']");
  await page.waitForSelector('#vault-write-result[data-outcome="written"]');
  const sent = (await calls("write_vault_secrets")).map((c) => c.args.request);
  assert.deepEqual(sent[1], { profile: "Sandkasse", keyField: "encoded_jwk", confirmed: true, deletedAction: null });
  assert.match(await page.textContent("#vault-write-plan tr[data-plan='new_version']"), /New version written/);
  assert.equal(await page.getAttribute("#vault-verify-result", "data-ok"), "true");
  await context.close();
});

test("a soft-deleted name offers recover or purge, each only after confirming", async () => {
  const deleted = { [CLIENT_NAME]: { ...otherKey({ storedKey: null, clientId: "old-client" }), name: CLIENT_NAME, deleted: "2026-02-01T09:00:00Z", scheduledPurge: "2026-05-02T09:00:00Z" } };
  const { page, calls, context } = await h.open({ hash: "#/keyvault", seed: seed({ vault: { deleted } }) });
  await signIn(page);
  await page.click("#vault-write");
  await page.waitForSelector('#vault-write-result[data-outcome="deleted_needs_decision"]');
  assert.match(await page.textContent("#vault-write-plan tr[data-plan='decide']"), /old-client.*Deleted.*recover or purge/s);
  await page.click("#vault-purge");
  await page.waitForSelector("#vault-confirm-dialog[open]");
  assert.match(await page.textContent("#vault-confirm-dialog"), /Purge and write\?.*cannot be undone/s);
  await page.click("#vault-confirm-dialog [data-testid='confirm-ok']");
  await page.waitForSelector('#vault-write-result[data-outcome="written"]');
  assert.deepEqual((await calls("write_vault_secrets")).map((c) => c.args.request.deletedAction), [null, "purge"]);
  assert.equal((await calls("write_vault_secrets"))[1].args.request.confirmed, true);
  await context.close();
});

test("the read-back catches a vault key that is not the keychain key, and lists older secrets", async () => {
  const oldSecrets = [{ name: "MaskinportenSettings--JwkBase64", exists: true, from: "the v8 legacy manual set-up of the built-in client" }];
  const { page, calls, context } = await h.open({
    hash: "#/keyvault",
    seed: seed({ vault: { secrets: { [KEY_NAME]: otherKey() }, oldSecrets } }),
  });
  await signIn(page);
  await page.click("#vault-verify");
  await page.waitForSelector("#vault-verify-result");
  assert.deepEqual((await calls("verify_vault_secrets")).map((c) => c.args), [{ request: { profile: "Sandkasse", keyField: "encoded_jwk" } }]);
  assert.equal(await page.getAttribute("#vault-verify-result", "data-ok"), "false");
  assert.match(await page.textContent("#vault-verify-summary"), /does not hold the keychain key/);
  const rows = await page.$$eval("#vault-compare tbody tr", (trs) => trs.map((r) => [r.dataset.row, r.dataset.same, r.querySelector("td:last-child").textContent.trim()]));
  assert.deepEqual(rows, [["kid", "false", "✗ Differs"], ["thumbprint", "false", "✗ Differs"], ["client-id", "false", "✗ Differs"]]);
  assert.match(await page.textContent("#vault-compare tr[data-row='thumbprint']"), new RegExp(`${THUMBPRINT}.*OLDthumbprint`, "s"));
  assert.match(await page.textContent("#vault-verify-problems"), /another key: thumbprint OLDthumbprint/);
  assert.match(await page.textContent("#vault-migration"), /MaskinportenSettings--JwkBase64.*in the vault/s);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "vault-verify-title");

  await page.selectOption("#lang-switch", "nb");
  await page.waitForFunction(() => document.querySelector("#vault-verify-summary").textContent.includes("Hvelvet har ikke"));
  assert.match(await page.textContent("#vault-verify-problems"), /en annen nøkkel/);
  assert.match(await page.textContent("#vault-migration"), /fra det gamle manuelle oppsettet/);
  await context.close();
});

test("screenshots of the Key Vault step", async () => {
  const dir = join(uiDir, "..", "artifacts");
  await mkdir(dir, { recursive: true });
  const { page, context } = await h.open({ hash: "#/keyvault", seed: seed({ vault: { secrets: { [KEY_NAME]: otherKey() } } }) });
  await page.click("#vault-login");
  await page.waitForSelector("#vault-user-code");
  await screenshot(page, join(dir, "ui-keyvault-code.png"));

  await page.setViewportSize({ width: 1200, height: 900 });
  await page.evaluate(() => window.__fake.vault.approve());
  await page.waitForSelector('#vault-signin-state[data-phase="signedIn"]');
  await page.click("#vault-probe");
  await page.waitForSelector("#vault-probe-result");
  await page.click("#vault-write");
  await page.waitForSelector('#vault-write-result[data-outcome="confirmation_required"]');
  await page.click("#vault-verify");
  await page.waitForSelector("#vault-verify-result");
  await screenshot(page, join(dir, "ui-keyvault.png"));
  await context.close();
});
