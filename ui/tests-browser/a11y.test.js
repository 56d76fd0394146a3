// Accessibility: axe-core's WCAG 2.1 A and AA rules, zero violations, on every step in the states
// that show the most (results, errors, dialogs), in English and in bokmål. Each row of STATES is one
// screen state: { name, hash, seed, prepare(page) }; every row runs once per language. To cover a
// new step or state, add a row. In English each state is also tabbed through to check every focus
// ring (WCAG 1.4.11), which axe cannot see. The last tests prove both checks can fail.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { axeViolations, expectNoViolations, focusRingProblems, formatViolations } from "./a11y-support.js";
import { daysFromNow, startHarness } from "./harness.js";

// ---- Fixtures (the same shapes the step tests use) ----

const profile = (name, fields = {}) => ({
  name, environment: { kind: "sandbox" }, orgNumber: "313725138", clientId: "sandbox-client",
  scopes: ["altinn:instances.read", "altinn:instances.write"], appA: "ttd/app-a", appB: "ttd/sandbox-app-b",
  keyId: "sandbox-key-1", vaultUrl: null, secretPrefix: "app-a", sectionName: null, ...fields,
});
const THUMBPRINT = "Lk9k3yOQ0Wq1xkq2QnCwH5Z1o7m9XgGQxG9mB3r1s2c";
const key = (kid, expiresInDays, fields = {}) => ({
  kid, bits: 2048, created: daysFromNow(expiresInDays - 365), expires: daysFromNow(expiresInDays), thumbprint: THUMBPRINT, source: "generated", ...fields,
});
const keys = [key("sandbox-key-1", 300), key("expiring-soon", 20, { source: "imported", bits: 3072 }), key("expired", -3)];
/** A sandbox profile in use, with a key: what most steps need to show their content. */
const seed = (extra = {}) => ({
  profiles: [profile("Sandkasse"), profile("Test", { environment: { kind: "test" }, keyId: null, clientId: null })],
  keys, activeProfile: "Sandkasse", ...extra,
});
const testProfile = profile("Test", {
  environment: { kind: "test" }, orgNumber: "313725138", clientId: "c-123", scopes: ["altinn:serviceowner/instances.read"],
  appA: "ttd/app-a", appB: "ttd/app-b", keyId: "sandbox-key-1", vaultUrl: "https://ttd-kv.vault.azure.net",
});
const prodProfile = profile("Prod", { environment: { kind: "prod" }, vaultUrl: "https://skd-kv.vault.azure.net" });

/** A failed chain: the key is not on the client, the clock is off. */
const unknownKid = {
  environment: "sandbox", clientId: "sandbox-client", kid: "sandbox-key-1",
  stages: [
    { stage: "metadata", status: "ok" }, { stage: "grant", status: "ok" }, { stage: "token", status: "failed" },
    { stage: "verify", status: "skipped" }, { stage: "exchange", status: "skipped" },
  ],
  grant: { aud: "http://127.0.0.1:41101/", iss: "sandbox-client", scope: "altinn:instances.read", iat: 1767225600, exp: 1767225720, jti: "j-1" },
  maskinporten: null, expiresIn: null, altinn: null, scopeCheck: null,
  clock: { skewSeconds: 7, warning: { en: "This computer's clock is 7 s behind the server's.", nb: "Klokka på denne maskinen går 7 s etter tjenerens." } },
  diagnosis: {
    code: "unknown_kid",
    title: { en: "The key is not registered on the client", nb: "Nøkkelen er ikke registrert på klienten" },
    explanation: { en: "The public key with kid sandbox-key-1 is not on client sandbox-client.", nb: "Den offentlige nøkkelen med kid sandbox-key-1 ligger ikke på klient sandbox-client." },
    fix: { en: "Upload the public key to the client.", nb: "Last opp den offentlige nøkkelen på klienten." },
    raw: '{"error":"invalid_grant","error_description":"Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client."}',
  },
  ok: false,
};

const history = [
  { at: "2026-03-02T09:00:00Z", profile: "Sandkasse", action: "instantiate", app: "ttd/sandbox-app-b", instanceId: "50001001/aaaa", owner: "organisation 313725138", outcome: "created", succeeded: true },
  { at: "2026-03-02T09:02:00Z", profile: "Sandkasse", action: "bulk", app: "ttd/sandbox-app-b", instanceId: "50001002/bbbb", owner: "organisation 310987654", outcome: "created", succeeded: true },
  { at: "2026-03-02T09:03:00Z", profile: "Sandkasse", action: "instantiate", app: "ttd/sandbox-app-b", instanceId: null, owner: "organisation 312345676", outcome: "403 Forbidden: not allowed to instantiate.", succeeded: false },
  { at: "2026-03-02T09:05:00Z", profile: "Sandkasse", action: "instantiate", app: "ttd/sandbox-app-b", instanceId: "50001003/cccc", owner: "organisation 313725138", outcome: "created", succeeded: true },
  { at: "2026-03-02T09:06:00Z", profile: "Sandkasse", action: "delete", app: "ttd/sandbox-app-b", instanceId: "50001003/cccc", owner: null, outcome: "deleted", succeeded: true },
];

const VAULT_CLIENT = "app-a--MaskinportenSettingsExternal--ClientId";
const VAULT_KEY = "app-a--MaskinportenSettingsExternal--EncodedJwk";
const otherKey = (fields = {}) => ({
  name: VAULT_KEY, version: "0ld0000000000000000000000000000a", contentType: "application/jwk+json; base64",
  tags: { "created-by": "maskinporten-assistant/0.0.9", kid: "old-key-2025", thumbprint: "OLDthumbprintOLDthumbprintOLDthumbprint000" },
  enabled: true, created: "2025-03-01T10:00:00Z", updated: "2025-03-01T10:00:00Z", deleted: null, scheduledPurge: null, clientId: null,
  storedKey: { encoding: "standard_base64", kid: "old-key-2025", thumbprint: "OLDthumbprintOLDthumbprintOLDthumbprint000", alg: "RS256", use: "sig", missingFields: [], usable: true },
  ...fields,
});
const vaultSeed = (vault = {}) => seed({ profiles: [profile("Sandkasse", { keyId: "sandbox-key-1" })], keys: [key("sandbox-key-1", 300)], vault });

// ---- Ways to reach a state ----

const fail = (cmd, message, hint = null, kind = "server") =>
  (page) => page.evaluate((f) => (window.__fake.failNext[f.cmd] = { kind: f.kind, message: f.message, hint: f.hint }), { cmd, message, hint, kind });

async function chooseFile(page, selector, path) {
  await page.evaluate((p) => (window.__fake.openPath = p), path);
  await page.click(selector);
}

async function runToken(page, state) {
  await page.click("#run-token-test");
  await page.waitForSelector(`#token-result[data-state="${state}"]`);
}

async function createInstance(page, owner = "313725138") {
  await page.waitForSelector("#app-data-types");
  await page.fill("#instance-owner", owner);
  await page.click("#create-instance");
  await page.waitForSelector('#instance-result[data-state="task"]');
}

async function signIn(page) {
  await page.click("#vault-login");
  await page.waitForSelector("#vault-user-code");
  await page.evaluate(() => window.__fake.vault.approve());
  await page.waitForSelector('#vault-signin-state[data-phase="signedIn"]');
}

async function startBulk(page) {
  await page.waitForSelector("#app-data-types");
  await chooseFile(page, "#choose-csv", "/home/tester/testdata/eiere.csv");
  await page.waitForFunction(() => document.querySelector("#bulk-csv-name")?.textContent === "eiere.csv");
  await page.click("#start-bulk");
}

const guideSeed = (fields = {}) => ({ ...vaultSeed({}), ...fields });
const guideLine = (step) => ({ at: "2026-11-20T10:00:00Z", profile: "Sandkasse", action: "other", app: null, instanceId: step === "instance" ? "50001001/aaaa" : null, owner: null, outcome: "ok", succeeded: true, step, state: "verified", kid: "sandbox-key-1", ...(step === "path" ? { detail: { path: "own_identity", folder: "/src/app-a" } } : {}) });
const GUIDE_DONE = ["path", "vault_access", "client", "key", "vault_write", "config", "token", "exchange", "instance", "redeploy"].map(guideLine);

async function openGuideStep(page, step) {
  await page.waitForSelector("#guide-summary");
  if ((await page.getAttribute(`#guide-toggle-${step}`, "aria-expanded")) !== "true") await page.click(`#guide-toggle-${step}`);
  await page.waitForSelector(`#guide-body-${step}`);
}

/** Each step of the checklist, and what to do in it so it shows its result. */
const GUIDE_STEPS = [
  ["path", async (page) => {
    await page.fill("#guide-app-folder", "/src/app-a");
    await page.click("#guide-path-check");
    await page.waitForSelector("#guide-path-found");
  }],
  ["vault_access", async (page) => {
    await signIn(page);
    await page.click("#guide-vault-probe");
    await page.waitForSelector("#guide-vault-result");
  }],
  ["client", async (page) => {
    await page.fill("#guide-client-id", "not-a-uuid");
    await page.click("#guide-client-save");
    await page.waitForSelector("#guide-client-id-error");
    await page.click("#guide-client-showkey");
    await page.waitForSelector("#public-key-panel");
  }],
  ["key", null],
  ["vault_write", async (page) => {
    await signIn(page);
    await page.click("#vault-write");
    await page.waitForSelector('#vault-write-result[data-outcome="written"]');
  }],
  ["config", async (page) => {
    await openGuideStep(page, "path");
    await page.fill("#guide-app-folder", "/src/app-a");
    await openGuideStep(page, "config");
    await page.click("#guide-config-check");
    await page.waitForSelector("#guide-config-result");
  }],
  ["token", async (page) => {
    await page.click("#guide-token-run");
    await page.waitForSelector("#guide-token-ok");
  }],
  ["exchange", async (page) => {
    await page.click("#guide-exchange-run");
    await page.waitForSelector("#guide-exchange-ok");
  }],
  ["instance", async (page) => {
    await page.click("#guide-instance-create");
    await page.waitForSelector("#guide-instance-made");
  }],
  ["redeploy", null],
];

// ---- The states: one row each, run in both languages ----

/** @type {{ name: string, hash: string, seed?: object, prepare?: (page: import("playwright-core").Page) => Promise<void> }[]} */
const STATES = [
  // 1 Profiles
  { name: "profiles: none yet", hash: "#/profiles", seed: {} },
  { name: "profiles: list with the active one", hash: "#/profiles", seed: seed() },
  { name: "profiles: new profile with an invalid organisation number", hash: "#/profiles", seed: seed(), prepare: async (page) => {
    await page.click("#new-profile");
    await page.selectOption("#profile-env", "custom");
    await page.fill("#profile-org", "123456789");
    await page.click("#save-profile");
    await page.waitForSelector("#profile-org-error");
  } },
  { name: "profiles: the backend refuses the save", hash: "#/profiles", seed: seed(), prepare: async (page) => {
    await page.click("#new-profile");
    await page.fill("#profile-name", "Sandkasse");
    await page.click("#save-profile");
    await page.waitForSelector("#profile-form .error-note");
  } },
  { name: "profiles: delete confirmation", hash: "#/profiles", seed: seed(), prepare: async (page) => {
    await page.click('#profiles-table tr[data-profile="Test"] [data-testid="delete-profile"]');
    await page.waitForSelector("#delete-profile-dialog[open]");
  } },

  // 2 Keys
  { name: "keys: none yet", hash: "#/keys", seed: { profiles: [profile("Sandkasse", { keyId: null })], activeProfile: "Sandkasse" } },
  { name: "keys: a new key, the public key shown and copied", hash: "#/keys", seed: seed(), prepare: async (page) => {
    await page.click("#generate-key");
    await page.waitForSelector("#keys-table tr.highlight");
    await page.click('#keys-table tr[data-kid="sandbox-key-1"] [data-testid="show-public-key"]');
    await page.waitForFunction(() => document.querySelector("#public-key-text")?.value.includes('"kty"'));
    await page.click("#copy-public-key");
    await page.waitForSelector("#copied-note");
  } },
  { name: "keys: generation in progress", hash: "#/keys", seed: seed({ keygenStepMs: 60_000 }), prepare: async (page) => {
    await page.click("#generate-key");
    await page.waitForSelector('#keygen-progress[data-stage="generating"]');
  } },
  { name: "keys: generation and import fail", hash: "#/keys", seed: seed(), prepare: async (page) => {
    await fail("generate_key", "The system keychain is locked.", "Unlock the keychain and try again.", "keychain")(page);
    await page.click("#generate-key");
    await page.waitForSelector(".card:has(#generate-key) .error-note");
    await page.fill("#import-key-text", "hello, not a key");
    await page.click("#import-key");
    await page.waitForSelector("#import-form .error-note");
  } },
  { name: "keys: a key file chosen for import", hash: "#/keys", seed: seed(), prepare: async (page) => {
    await chooseFile(page, "#import-choose-file", "/home/tester/keys/old-key.pem");
    await page.waitForSelector("#import-form .file-name");
  } },
  { name: "keys: delete confirmation", hash: "#/keys", seed: seed(), prepare: async (page) => {
    await page.click('#keys-table tr[data-kid="sandbox-key-1"] [data-testid="delete-key"]');
    await page.waitForSelector("#delete-key-dialog[open]");
  } },

  // 3 Token test
  { name: "token: no active profile", hash: "#/token", seed: seed({ activeProfile: null }) },
  { name: "token: ready to run, options open", hash: "#/token", seed: seed(), prepare: async (page) => {
    await page.waitForSelector("#wire-log-empty");
    await page.click("#token-advanced summary");
  } },
  { name: "token: an option is invalid", hash: "#/token", seed: seed(), prepare: async (page) => {
    await page.click("#token-advanced summary");
    await page.fill("#option-system-user-org", "123456789");
    await page.click("#run-token-test");
    await page.waitForSelector("#option-system-user-org-error");
  } },
  { name: "token: all stages passed, token copied, wire log", hash: "#/token", seed: seed(), prepare: async (page) => {
    await runToken(page, "ok");
    await page.$$eval("details.all-claims", (all) => all.forEach((d) => (d.open = true)));
    await page.click("#copy-altinn-token");
    await page.waitForSelector("#copy-countdown");
    await page.waitForSelector("#wire-log-table tbody tr");
  } },
  { name: "token: a run in flight", hash: "#/token", seed: seed({ runMs: 60_000 }), prepare: async (page) => {
    await page.click("#run-token-test");
    await page.waitForSelector('#token-result[data-state="running"]');
  } },
  { name: "token: a failed chain with its diagnosis and raw answer", hash: "#/token", seed: seed({ nextReport: unknownKid }), prepare: async (page) => {
    await runToken(page, "failed");
    await page.click("#show-raw");
    await page.waitForSelector("#raw-answer");
    await page.waitForSelector("#sandbox-register .register-reason");
    await page.waitForSelector("#wire-log-table tbody tr");
  } },
  { name: "token: the run cannot start", hash: "#/token", seed: seed({ profiles: [profile("Sandkasse", { keyId: null })] }), prepare: async (page) => {
    await page.click("#run-token-test");
    await page.waitForSelector("#token-setup .error-note");
  } },
  { name: "token: the key registered in the sandbox", hash: "#/token", seed: seed({ profiles: [profile("Sandkasse", { clientId: null, orgNumber: null, scopes: [], appB: null })] }), prepare: async (page) => {
    await page.click("#register-sandbox-key");
    await page.waitForSelector("#registration-outcome");
  } },
  { name: "token: a test-environment profile", hash: "#/token", seed: seed({ profiles: [testProfile], activeProfile: "Test" }) },

  // 4 Instances
  { name: "instances: no active profile", hash: "#/instances", seed: seed({ activeProfile: null }) },
  { name: "instances: the profile names no app B", hash: "#/instances", seed: seed({ profiles: [profile("Sandkasse", { appB: null })] }) },
  { name: "instances: app B at a glance, prefill with an unknown key", hash: "#/instances", seed: seed(), prepare: async (page) => {
    await page.waitForSelector("#app-data-types");
    await page.fill("#instance-owner", "313725138");
    await page.check("#mode-prefill");
    await page.fill("#prefill-key-0", "navn");
    await page.fill("#prefill-value-0", "Testbedrift AS");
    await page.click("#add-prefill-row");
    await page.fill("#prefill-key-1", "nvan");
    await page.fill("#prefill-value-1", "skrivefeil");
    await page.waitForSelector("#prefill-unknown");
  } },
  { name: "instances: an app that limits nothing and serves no schema", hash: "#/instances", seed: seed({ overview: {
    metadata: {
      id: "ttd/open-app", org: "ttd", dataTypes: [{ id: "skjema", allowedContentTypes: [], isForm: true, autoCreate: true, taskId: "Task_1", maxCount: 1, maxSize: null }],
      partyTypesAllowed: { bankruptcyEstate: false, organisation: false, person: false, subUnit: false }, disallowUserInstantiation: true,
    },
    prefillKeys: null,
  } }), prepare: async (page) => {
    await page.waitForSelector("#party-types-all");
    await page.check("#mode-prefill");
  } },
  { name: "instances: an invalid owner and an empty prefill", hash: "#/instances", seed: seed(), prepare: async (page) => {
    await page.waitForSelector("#app-data-types");
    await page.check("#mode-prefill");
    await page.fill("#instance-owner", "313725139");
    await page.click("#create-instance");
    await page.waitForSelector("#instance-owner-error");
  } },
  { name: "instances: data files, one not chosen", hash: "#/instances", seed: seed(), prepare: async (page) => {
    await page.waitForSelector("#app-data-types");
    await page.fill("#instance-owner", "313725138");
    await page.check("#mode-multipart");
    await page.click("#add-file-row");
    await chooseFile(page, "#file-choose-0", "/home/tester/data/skjema.json");
    await page.waitForFunction(() => document.querySelector("#file-name-0")?.textContent === "skjema.json");
    await page.click("#add-file-row");
    await page.click("#create-instance");
    await page.waitForSelector("#file-error-1");
  } },
  { name: "instances: the backend fails the overview and the create", hash: "#/instances", seed: seed(), prepare: async (page) => {
    await page.waitForSelector("#app-data-types");
    await fail("get_app_overview", "App B did not answer.", "Is the sandbox running?", "network")(page);
    await page.click("#refresh-app-overview");
    await page.waitForSelector("#app-glance .error-note");
    await fail("create_instance", "404 Not Found: no party with organisation number 310000019.", "Check the number in Tenor.")(page);
    await page.fill("#instance-owner", "310000019");
    await page.click("#create-instance");
    await page.waitForSelector("#create-form .error-note");
  } },
  { name: "instances: created with ignored prefill keys, listed as made here", hash: "#/instances", seed: seed({ history }), prepare: async (page) => {
    await page.waitForSelector("#app-data-types");
    await page.fill("#instance-owner", "313725138");
    await page.check("#mode-prefill");
    await page.fill("#prefill-key-0", "nvan");
    await page.fill("#prefill-value-0", "skrivefeil");
    await page.click("#create-instance");
    await page.waitForSelector("#ignored-prefill-keys");
    await page.waitForSelector("#made-here-table");
  } },
  { name: "instances: a follow-up fails", hash: "#/instances", seed: seed(), prepare: async (page) => {
    await createInstance(page);
    await fail("advance_instance", "409 Conflict: the task is not complete.", "Fill in the form first.")(page);
    await page.click("#advance-instance");
    await page.waitForSelector("#instance-result .error-note");
  } },
  { name: "instances: ended and the receipt saved", hash: "#/instances", seed: seed(), prepare: async (page) => {
    await createInstance(page);
    await page.click("#advance-instance");
    await page.waitForSelector('#instance-result[data-state="ended"]');
    await page.click("#save-receipt");
    await page.waitForSelector("#receipt-saved");
  } },
  { name: "instances: delete confirmation", hash: "#/instances", seed: seed(), prepare: async (page) => {
    await createInstance(page);
    await page.click("#delete-instance");
    await page.waitForSelector("#delete-instance-dialog[open]");
  } },
  { name: "instances: delete all made here, confirmation", hash: "#/instances", seed: seed({ history }), prepare: async (page) => {
    await page.waitForSelector("#made-here-table");
    await page.click("#delete-all-made-here");
    await page.waitForSelector("#delete-all-dialog[open]");
  } },
  { name: "instances: some could not be deleted", hash: "#/instances", seed: seed({ history }), prepare: async (page) => {
    await page.waitForSelector("#made-here-table");
    await page.click("#delete-all-made-here");
    await page.click('#delete-all-dialog [data-testid="confirm-ok"]');
    await page.waitForSelector("#delete-failures");
  } },
  { name: "instances: a bulk run paused", hash: "#/instances", seed: seed({ bulkStepMs: 150 }), prepare: async (page) => {
    await startBulk(page);
    await page.waitForFunction(() => Number(document.querySelector("#bulk-progress-bar")?.value) >= 1);
    await page.click("#pause-bulk");
    await page.waitForFunction(() => document.querySelector("#bulk-progress")?.dataset.state === "paused");
  } },
  { name: "instances: a bulk run finished with problems", hash: "#/instances", seed: seed({ bulkStepMs: 20 }), prepare: async (page) => {
    await startBulk(page);
    await page.waitForSelector("#bulk-summary");
    await page.waitForSelector("#bulk-problems");
  } },
  { name: "instances: a bulk CSV refused, bad concurrency", hash: "#/instances", seed: seed(), prepare: async (page) => {
    await page.waitForSelector("#app-data-types");
    await chooseFile(page, "#choose-csv", "/tmp/not-a-csv.txt");
    await page.waitForFunction(() => document.querySelector("#bulk-csv-name")?.textContent === "not-a-csv.txt");
    await page.click("#start-bulk");
    await page.waitForSelector("#bulk-form .error-note");
    await page.fill("#bulk-concurrency", "40");
    await page.click("#start-bulk");
    await page.waitForSelector("#bulk-concurrency-error");
  } },

  // 5 App configuration
  { name: "appconfig: no folder chosen", hash: "#/appconfig", seed: seed({ activeProfile: null }), prepare: async (page) => {
    await page.click("#check-config");
    await page.waitForSelector("#app-folder-error");
  } },
  { name: "appconfig: findings of every severity and the snippets", hash: "#/appconfig", seed: seed({ profiles: [testProfile], activeProfile: "Test" }), prepare: async (page) => {
    await chooseFile(page, "#choose-app-folder", "/home/tester/repos/app-a");
    await page.waitForSelector("code#app-folder-path");
    await chooseFile(page, "#choose-app-b-folder", "/home/tester/repos/app-b");
    await page.waitForSelector("#app-b-folder-path");
    await page.click("#check-config");
    await page.waitForSelector("#config-findings");
    await page.click("#snippet-appsettings .copy-button");
    await page.waitForFunction(() => window.__fake.clipboard !== null);
  } },
  { name: "appconfig: a clean report", hash: "#/appconfig", seed: seed(), prepare: async (page) => {
    await chooseFile(page, "#choose-app-folder", "/home/tester/repos/clean-app");
    await page.waitForSelector("code#app-folder-path");
    await page.click("#check-config");
    await page.waitForSelector("#config-clean");
  } },
  { name: "appconfig: the check fails", hash: "#/appconfig", seed: seed(), prepare: async (page) => {
    await chooseFile(page, "#choose-app-folder", "/home/tester/missing");
    await page.waitForSelector("code#app-folder-path");
    await page.click("#check-config");
    await page.waitForSelector("#config-setup .error-note");
  } },

  // 6 Key Vault
  { name: "keyvault: no active profile", hash: "#/keyvault", seed: seed({ activeProfile: null }) },
  { name: "keyvault: names with warnings, probe without sign-in", hash: "#/keyvault", seed: seed({ profiles: [profile("Bar", { secretPrefix: null, sectionName: "MaskinportenSettings" })], activeProfile: "Bar" }), prepare: async (page) => {
    await page.check("#vault-key-field-jwk_base64");
    await page.click("#vault-probe");
    await page.waitForSelector("#vault-probe-card .error-note");
  } },
  { name: "keyvault: a test profile's sign-in choices", hash: "#/keyvault", seed: seed({ profiles: [testProfile], activeProfile: "Test" }), prepare: async (page) => {
    await page.waitForSelector("#vault-signin-method");
  } },
  { name: "keyvault: a production profile without a vault URL", hash: "#/keyvault", seed: seed({ profiles: [{ ...prodProfile, vaultUrl: null }], activeProfile: "Prod" }) },
  { name: "keyvault: a secret prefix the vault does not allow", hash: "#/keyvault", seed: seed({ profiles: [profile("Sandkasse", { secretPrefix: "app_a!" })] }), prepare: async (page) => {
    await page.waitForSelector("#vault-names-invalid");
  } },
  { name: "keyvault: a sign-in declined, then one cancelled", hash: "#/keyvault", seed: vaultSeed(), prepare: async (page) => {
    await page.click("#vault-login");
    await page.waitForSelector("#vault-user-code");
    await page.evaluate(() => window.__fake.vault.decline());
    await page.waitForSelector("#vault-signin .error-note");
    await page.click("#vault-login");
    await page.waitForSelector("#vault-user-code");
    await page.click("#vault-login-cancel");
    await page.waitForSelector("#vault-user-code", { state: "detached" });
  } },
  { name: "keyvault: the device code waiting", hash: "#/keyvault", seed: vaultSeed(), prepare: async (page) => {
    await page.click("#vault-login");
    await page.waitForSelector("#vault-user-code");
    await page.click("#vault-copy-code");
    await page.waitForFunction(() => window.__fake.clipboard === "QF7KM2XPB");
  } },
  { name: "keyvault: signed in, probe ready", hash: "#/keyvault", seed: vaultSeed({ secrets: { [VAULT_KEY]: otherKey() } }), prepare: async (page) => {
    await signIn(page);
    await page.click("#vault-probe");
    await page.waitForSelector("#vault-probe-result");
  } },
  { name: "keyvault: probe denied with the role to ask for", hash: "#/keyvault", seed: vaultSeed({ denied: true }), prepare: async (page) => {
    await signIn(page);
    await page.click("#vault-probe");
    await page.waitForSelector("#vault-role-hint");
    await page.click(".vault-check .raw-details summary");
  } },
  { name: "keyvault: a write waits for confirmation, dialog open", hash: "#/keyvault", seed: vaultSeed({ secrets: { [VAULT_KEY]: otherKey() } }), prepare: async (page) => {
    await signIn(page);
    await page.click("#vault-write");
    await page.waitForSelector('#vault-write-result[data-outcome="confirmation_required"]');
    await page.click("#vault-write-confirm");
    await page.waitForSelector("#vault-confirm-dialog[open]");
  } },
  { name: "keyvault: a soft-deleted name to recover or purge", hash: "#/keyvault", seed: vaultSeed({ deleted: { [VAULT_CLIENT]: { ...otherKey({ storedKey: null, clientId: "old-client" }), name: VAULT_CLIENT, deleted: "2026-02-01T09:00:00Z", scheduledPurge: "2026-05-02T09:00:00Z" } } }), prepare: async (page) => {
    await signIn(page);
    await page.click("#vault-write");
    await page.waitForSelector('#vault-write-result[data-outcome="deleted_needs_decision"]');
  } },
  { name: "keyvault: written and read back", hash: "#/keyvault", seed: vaultSeed(), prepare: async (page) => {
    await signIn(page);
    await page.click("#vault-write");
    await page.waitForSelector('#vault-write-result[data-outcome="written"]');
    await page.waitForSelector("#vault-redeploy");
  } },
  { name: "keyvault: the read-back finds another key and older secrets", hash: "#/keyvault", seed: vaultSeed({ secrets: { [VAULT_KEY]: otherKey() }, oldSecrets: [{ name: "MaskinportenSettings--JwkBase64", exists: true, from: "the v8 legacy manual set-up of the built-in client" }] }), prepare: async (page) => {
    await signIn(page);
    await page.click("#vault-verify");
    await page.waitForSelector("#vault-compare");
  } },
  // 7 The guided checklist: every step open, after its action where it has a result to show.
  { name: "guide: no profile yet", hash: "#/guide", seed: {} },
  ...GUIDE_STEPS.map(([step, act]) => ({ name: `guide: step ${step} open`, hash: "#/guide", seed: guideSeed(), prepare: async (page) => {
    await openGuideStep(page, step);
    await act?.(page);
  } })),
  { name: "guide: Studio-provisioned path, steps not needed", hash: "#/guide", seed: guideSeed(), prepare: async (page) => {
    await page.click("#guide-path-manual summary");
    await page.selectOption("#guide-path-choice", "studio_provisioned");
    await page.click("#guide-path-use");
    await page.waitForSelector("#guide-step-vault_write[data-state='not_needed']");
    await openGuideStep(page, "vault_write");
  } },
  { name: "guide: a failed token run with its diagnosis, the picture red", hash: "#/guide", seed: guideSeed({ nextReport: unknownKid }), prepare: async (page) => {
    await openGuideStep(page, "token");
    await page.click("#guide-token-run");
    await page.waitForSelector("#guide-step-token[data-state='failed']");
  } },
  { name: "guide: every step settled, report saved, key expiring soon", hash: "#/guide", seed: guideSeed({ keys: [key("sandbox-key-1", 20)], history: GUIDE_DONE }), prepare: async (page) => {
    await page.waitForSelector("#guide-complete");
    await page.click("#guide-report-save");
    await page.waitForSelector("#guide-report-path");
    await page.waitForSelector("#watch-warning");
  } },
  // 8 System user
  { name: "systemuser: no active profile", hash: "#/systemuser", seed: seed({ activeProfile: null }) },
  { name: "systemuser: scopes missing, system to create, a request waiting with its link and QR code", hash: "#/systemuser", seed: seed({ systemUser: { pollsBeforeDecision: 99 } }), prepare: async (page) => {
    await page.waitForSelector("#su-scopes-missing");
    await page.click("#su-system-read");
    await page.waitForSelector("#su-system-changes");
    await page.click("#su-system-write");
    await page.waitForSelector("#su-system-written");
    await page.fill("#su-customer", "310987654");
    await page.click("#su-send");
    await page.waitForSelector("#su-qr");
  } },
  { name: "systemuser: approved, proven, app B with findings and an error", hash: "#/systemuser", seed: seed({ systemUser: { pollsBeforeDecision: 0 } }), prepare: async (page) => {
    await page.click("#su-scopes-add");
    await page.click("#su-system-read");
    await page.click("#su-system-write");
    await page.waitForSelector("#su-system-written");
    await page.fill("#su-customer", "310987654");
    await page.click("#su-send");
    await page.waitForSelector("#su-request-view[data-status='accepted']", { timeout: 15000 });
    await page.click("#su-proof-token");
    await page.waitForSelector("#su-proof-report");
    await page.click("#su-proof-instance");
    await page.waitForSelector("#su-proof-made");
    await page.fill("#su-appb-folder", "/repos/old-app-b");
    await page.click("#su-appb-check");
    await page.waitForSelector("#su-appb-report");
    await fail("register_system", "No Maskinporten token with altinn:authentication/systemregister.write.", "Add the scope to the client.")(page);
    await page.click("#su-system-read");
    await page.waitForSelector("#su-system .error-note");
  } },
];

/** The languages, how a page gets into each, and a text that shows it did. */
const LANGUAGES = [
  { lang: "en", locale: "en-US", nav: { profiles: "Profiles", keys: "Keys" } },
  { lang: "nb", locale: "nb-NO", nav: { profiles: "Profiler", keys: "Nøkler" } },
];

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

/** The page really is in `language`: <html lang> and the step names in it. */
async function assertLanguage(page, language) {
  assert.equal(await page.evaluate(() => document.documentElement.lang), language.lang);
  assert.match(await page.textContent("#nav-profiles"), new RegExp(language.nav.profiles));
  assert.match(await page.textContent("#nav-keys"), new RegExp(language.nav.keys));
}

for (const language of LANGUAGES) {
  for (const state of STATES) {
    test(`a11y [${language.lang}] ${state.name}`, async () => {
      const { page, context, errors } = await h.open({ hash: state.hash, seed: state.seed ?? {}, locale: language.locale });
      try {
        await state.prepare?.(page);
        await assertLanguage(page, language);
        await expectNoViolations(page, `${state.name} (${language.lang})`);
        if (language.lang === "en") {
          // The ring does not depend on the language: once per state is enough.
          const { checked, problems } = await focusRingProblems(page);
          assert.ok(checked > 0, "Tab reaches something");
          assert.deepEqual(problems, [], "every focused element shows a ring of at least 2px and 3:1");
        }
        assert.deepEqual(errors, [], "no uncaught exceptions");
      } finally {
        await context.close();
      }
    });
  }
}

test("a11y: switched to bokmål with the language switch, the page is still clean", async () => {
  const { page, context } = await h.open({ hash: "#/token", seed: seed({ nextReport: unknownKid }), locale: "en-US" });
  await runToken(page, "failed");
  await assertLanguage(page, LANGUAGES[0]);
  await page.selectOption("#lang-switch", "nb");
  await page.waitForFunction(() => document.querySelector("#diagnosis-title")?.textContent.includes("Nøkkelen er ikke registrert"));
  await assertLanguage(page, LANGUAGES[1]);
  await expectNoViolations(page, "token failed, switched to nb");
  await context.close();
});

// ---- The check itself can fail ----

test("a11y check: an unlabelled input, grey-on-white text and a named <div> are reported with their rule, impact and element", async () => {
  const { page, context } = await h.open({ hash: "#/profiles", seed: seed() });
  await expectNoViolations(page, "before the planted faults");
  await page.evaluate(() => {
    const input = Object.assign(document.createElement("input"), { id: "planted-unlabelled", type: "text" });
    const faint = Object.assign(document.createElement("p"), { id: "planted-faint", textContent: "Hard to read" });
    faint.style.cssText = "color: #bbbbbb; background: #ffffff";
    const named = Object.assign(document.createElement("div"), { id: "planted-named", textContent: "A generic element" });
    named.setAttribute("aria-labelledby", "profiles-heading");
    document.querySelector("#main section").append(input, faint, named);
  });

  const violations = await axeViolations(page);
  const byId = Object.fromEntries(violations.map((v) => [v.id, v]));
  assert.ok(byId.label, `the unlabelled input is a 'label' violation; got ${violations.map((v) => v.id)}`);
  assert.deepEqual(byId.label.nodes.map((n) => n.target), ["#planted-unlabelled"]);
  assert.equal(byId.label.impact, "critical");
  assert.ok(byId["color-contrast"], "the faint text is a 'color-contrast' violation");
  assert.deepEqual(byId["color-contrast"].nodes.map((n) => n.target), ["#planted-faint"]);
  assert.deepEqual(byId["aria-prohibited-attr"]?.nodes.map((n) => n.target), ["#planted-named"], "a named <div> fails too, though axe only asks for a review");

  await assert.rejects(expectNoViolations(page, "planted"), (error) => {
    assert.match(error.message, /^planted: 3 WCAG 2\.1 AA rule\(s\) violated on 3 element\(s\):/);
    assert.match(error.message, /\[label\] \(critical\) Form elements must have labels/);
    assert.match(error.message, /\[color-contrast\] \(serious\) Elements must meet minimum color contrast ratio thresholds/);
    assert.match(error.message, /- #planted-unlabelled\n/);
    assert.match(error.message, /- #planted-faint\n.*contrast of 1\.\d+/s);
    assert.match(error.message, /\[aria-prohibited-attr\] \(serious, needs review\)/);
    return true;
  });
  assert.match(formatViolations([]), /^$/);
  await context.close();
});

test("a11y check: a focus ring too faint to see is reported", async () => {
  const { page, context } = await h.open({ hash: "#/profiles", seed: seed() });
  const clean = await focusRingProblems(page);
  assert.ok(clean.checked >= 10, `Tab went through the page (${clean.checked} elements)`);
  assert.deepEqual(clean.problems, []);
  // The yellow ring this app once had: 1.6:1 on white.
  await page.addStyleTag({ content: ":root { --focus: #ffbf47; } #nav-keys:focus-visible { outline: none; }" });
  const { problems } = await focusRingProblems(page);
  assert.equal(problems.length, clean.checked, "every element is reported");
  assert.deepEqual(problems.find((p) => p.key === "#lang-switch"), { key: "#lang-switch", style: "solid", width: 3, ratio: 1.64 });
  assert.equal(problems.find((p) => p.key === "#nav-keys")?.style, "none");
  await context.close();
});
