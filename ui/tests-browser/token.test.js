// The token-test step against the fake backend: the five stages and the route lighting up, the
// claims with live countdowns, a diagnosed failure in both languages, copying a token without the
// UI ever seeing it, the sandbox's portal rehearsal, its URLs and wire log, and two screenshots.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startHarness, uiDir } from "./harness.js";

const STAGES = ["metadata", "grant", "token", "verify", "exchange"];

const profile = (name, fields = {}) => ({
  name, environment: { kind: "sandbox" }, orgNumber: "313725138", clientId: "sandbox-client",
  scopes: ["altinn:instances.read", "altinn:instances.write"], appA: "ttd/app-a", appB: "ttd/app-b",
  keyId: "sandbox-key-1", vaultUrl: null, secretPrefix: null, sectionName: null, ...fields,
});
const keys = [{ kid: "sandbox-key-1", bits: 2048, created: "2026-01-01T00:00:00Z", expires: "2099-01-01T00:00:00Z", thumbprint: "tp-1", source: "generated" }];
const seed = { profiles: [profile("Sandkasse")], keys, activeProfile: "Sandkasse" };

/** What the backend says when the key is not on the client: a failed chain, not a rejection. */
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

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

const statuses = (page, selector) =>
  page.$$eval(selector, (items) => Object.fromEntries(items.map((i) => [i.dataset.stage ?? i.dataset.node, i.dataset.status])));

/** The whole page in one viewport, so the fixed status bar sits at the bottom, not mid-page. */
async function screenshot(page, path) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1200, height });
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path });
}

async function runAndWait(page, state) {
  await page.click("#run-token-test");
  await page.waitForSelector(`#token-result[data-state="${state}"]`);
}

test("a successful run lights all five stages and the route, then shows the claims with live countdowns", async () => {
  const { page, calls, context, errors } = await h.open({ hash: "#/token", seed });
  await page.waitForSelector("#nav-token[aria-current='step']");
  assert.equal(await page.textContent('[data-testid="uses-client-id"]'), "sandbox-client");
  assert.equal(await page.textContent('[data-testid="uses-kid"]'), "sandbox-key-1");
  assert.deepEqual(Object.values(await statuses(page, ".chain-stage")), Array(5).fill("pending"), "nothing has run yet");

  await page.click("#run-token-test");
  await page.waitForSelector('#token-result[data-state="running"]');
  assert.deepEqual(Object.values(await statuses(page, ".chain-stage")), Array(5).fill("running"), "while the call is in flight");
  assert.equal(await page.isDisabled("#run-token-test"), true, "no second run while one is in flight");
  await page.waitForSelector('#token-result[data-state="ok"]');

  assert.deepEqual(await statuses(page, ".chain-stage"), Object.fromEntries(STAGES.map((s) => [s, "ok"])));
  assert.deepEqual(await statuses(page, ".flow-node"), { computer: "ok", maskinporten: "ok", altinn: "ok", appB: "ok" });
  assert.match(await page.textContent(".chain-stage[data-stage='exchange']"), /Exchange.*OK/s, "a word, not colour alone");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "token-result-heading", "focus moves to the result");
  assert.match(await page.textContent("#token-result-summary"), /All stages passed/);
  assert.equal(await page.getAttribute("#token-result-summary", "aria-live"), "polite");

  const [call] = await calls("run_token_test");
  assert.deepEqual(call.args, {
    request: {
      profile: "Sandkasse",
      options: { scopes: [], exchange: true, testOrg: false, systemUserOrg: null, externalRef: null, consumerOrg: null, resource: [] },
    },
  });

  assert.equal(await page.textContent('[data-testid="claim-consumer-org"]'), "313725138");
  assert.equal(await page.textContent('[data-testid="claim-client-amr"]'), "private_key_jwt");
  assert.match(await page.textContent('[data-testid="claim-scopes"]'), /altinn:instances\.read.*altinn:instances\.write/s);
  assert.equal(await page.textContent('[data-testid="claim-altinn-org-number"]'), "313725138");
  assert.match(await page.textContent("#grant-claims"), /0b6c2f0e-4a53-4c4e-9d1a-8f2c1e7b5a90/, "the grant's jti is shown");
  assert.equal(await page.getAttribute("#scope-check", "data-covers"), "true");
  assert.equal(await page.$("#clock-warning"), null, "no clock warning when the clocks agree");

  const countdown = await page.textContent("#maskinporten-countdown");
  assert.match(countdown, /(2 min 00 s|1 min \d\d s) left/);
  assert.match(await page.textContent("#altinn-countdown"), /(30|29) min \d\d s left/, "the Altinn token counts from its own exp");
  const before = Number(await page.getAttribute("#maskinporten-countdown", "data-seconds"));
  await page.waitForFunction((b) => Number(document.querySelector("#maskinporten-countdown").dataset.seconds) < b, before, { timeout: 3000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("a failed run shows the diagnosis in Norwegian after a switch, with the raw answer one click away", async () => {
  const { page, context } = await h.open({ hash: "#/token", seed: { ...seed, nextReport: unknownKid } });
  await runAndWait(page, "failed");

  assert.deepEqual(await statuses(page, ".chain-stage"), { metadata: "ok", grant: "ok", token: "failed", verify: "skipped", exchange: "skipped" });
  assert.deepEqual(await statuses(page, ".flow-node"), { computer: "ok", maskinporten: "failed", altinn: "skipped", appB: "skipped" });
  assert.equal(await page.getAttribute("#diagnosis", "data-code"), "unknown_kid");
  assert.match(await page.textContent("#token-result-summary"), /stopped at “Token”: The key is not registered/);
  assert.match(await page.textContent("#clock-warning"), /7 s behind/);

  await page.selectOption("#lang-switch", "nb");
  await page.waitForFunction(() => document.querySelector("#diagnosis-title").textContent.includes("Nøkkelen er ikke registrert på klienten"));
  assert.match(await page.textContent("#diagnosis"), /Hva skjedde.*ligger ikke på klient sandbox-client.*Hva du gjør.*Last opp den offentlige nøkkelen/s);
  assert.match(await page.textContent("#clock-warning"), /7 s etter tjenerens/, "the clock warning follows the language too");
  assert.match(await page.textContent(".chain-stage[data-stage='verify']"), /Hoppet over/);

  assert.equal(await page.isVisible("#raw-answer"), false, "the raw answer starts hidden");
  assert.equal(await page.getAttribute("#show-raw", "aria-expanded"), "false");
  await page.click("#show-raw");
  assert.equal(await page.isVisible("#raw-answer"), true);
  assert.equal(await page.getAttribute("#show-raw", "aria-expanded"), "true");
  assert.match(await page.textContent("#raw-answer"), /Unknown key identifier \(kid\) for client/);
  assert.equal(await page.$("#copy-tokens"), null, "nothing to copy after a failure");
  await context.close();
});

test("copying the Altinn token asks Rust to do it and counts down to the clipboard being cleared", async () => {
  const { page, calls, context } = await h.open({ hash: "#/token", seed });
  await runAndWait(page, "ok");
  await page.click("#copy-altinn-token");
  await page.waitForSelector("#copy-countdown");
  assert.deepEqual((await calls("copy_token")).map((c) => c.args), [{ request: { which: "altinn" } }]);
  assert.match(await page.textContent("#copy-countdown"), /Copied — the clipboard is cleared in (30|29) s/);
  assert.match(await page.textContent("#status"), /Altinn token copied/);
  assert.deepEqual(await calls("plugin:clipboard-manager|write_text"), [], "the token never passes through the UI");
  const first = Number(await page.getAttribute("#copy-countdown", "data-seconds"));
  await page.waitForFunction((f) => Number(document.querySelector("#copy-countdown").dataset.seconds) < f, first, { timeout: 3000 });
  await context.close();
});

test("registering the key in the sandbox calls register_sandbox_key, shows the outcome and refreshes the profiles", async () => {
  const fresh = profile("Ny sandkasse", { clientId: null, orgNumber: null, scopes: [], appB: null });
  const { page, calls, context } = await h.open({ hash: "#/token", seed: { profiles: [fresh], keys, activeProfile: "Ny sandkasse" } });
  const card = await page.waitForSelector("#sandbox-register");
  assert.match(await card.textContent(), /no client ID yet/);
  assert.match(await card.textContent(), /sjolvbetjening\.test\.samarbeid\.digdir\.no.*sjolvbetjening\.samarbeid\.digdir\.no/s);
  assert.equal(await page.textContent('[data-testid="uses-client-id"]'), "None yet");
  const listsBefore = (await calls("list_profiles")).length;

  await page.click("#register-sandbox-key");
  await page.waitForSelector("#registration-outcome");
  assert.deepEqual((await calls("register_sandbox_key")).map((c) => c.args), [{ request: { profile: "Ny sandkasse" } }]);
  assert.ok((await calls("list_profiles")).length > listsBefore, "the profiles list is fetched again");
  assert.equal(await page.textContent('[data-testid="registered-client-id"]'), "sandbox-client");
  assert.match(await page.textContent('[data-testid="registered-kids"]'), /sandbox-key-1/);
  await page.waitForFunction(() => document.querySelector('[data-testid="uses-client-id"]').textContent === "sandbox-client");
  assert.match(await page.textContent("#status"), /registered on sandbox client sandbox-client/);

  await runAndWait(page, "ok");
  await context.close();
});

test("a failed chain that points at the key offers the sandbox's portal step right there", async () => {
  const { page, context } = await h.open({ hash: "#/token", seed: { ...seed, nextReport: unknownKid } });
  assert.equal(await page.$("#sandbox-register"), null, "not offered while nothing suggests it is needed");
  await runAndWait(page, "failed");
  const card = await page.waitForSelector("#sandbox-register .register-reason");
  assert.match(await card.textContent(), /does not know this profile's key/);
  await context.close();
});

test("the wire log lists what the sandbox served, newest last, and refreshes after each run and on request", async () => {
  const { page, calls, context } = await h.open({ hash: "#/token", seed: { ...seed, nextReport: unknownKid } });
  await page.waitForSelector("#wire-log-empty");
  assert.match(await page.textContent("#wire-log"), /logs no secrets/);
  await runAndWait(page, "failed");
  await page.waitForSelector("#wire-log-table tbody tr");
  const rows = () => page.$$eval("#wire-log-table tbody tr", (trs) => trs.map((tr) => tr.dataset.outcome));
  assert.deepEqual(await rows(), ["ok", "ok", "invalid_grant"]);
  assert.match(await page.textContent("#wire-log-table tbody tr:last-child"), /POST \/token.*400.*invalid_grant/s);

  await runAndWait(page, "ok");
  await page.waitForFunction(() => document.querySelectorAll("#wire-log-table tbody tr").length === 7);
  assert.deepEqual((await rows()).slice(3), ["ok", "ok", "ok", "ok"], "the newest run is at the bottom");

  await page.evaluate(() => window.__fake.wireLog.push({ at: new Date().toISOString(), service: "apps", method: "POST", path: "/ttd/app-b/instances", status: 201, durationMs: 12, outcome: "ok" }));
  const before = (await calls("get_wire_log")).length;
  await page.click("#refresh-wire-log");
  await page.waitForFunction(() => document.querySelectorAll("#wire-log-table tbody tr").length === 8);
  assert.equal((await calls("get_wire_log")).length, before + 1);
  await context.close();
});

test("the sandbox box shows the base URLs and copies them", async () => {
  const { page, calls, context } = await h.open({ hash: "#/token", seed });
  const box = await page.waitForSelector("#sandbox-info dd[data-field='maskinporten']");
  assert.match(await box.textContent(), /http:\/\/127\.0\.0\.1:41101/);
  assert.deepEqual((await calls("get_sandbox_info"))[0].args, { request: { profile: "Sandkasse" } });
  await page.click("#sandbox-info dd[data-field='altinn'] [data-testid='copy-sandbox-value']");
  await page.waitForFunction(() => window.__fake.clipboard === "http://127.0.0.1:41102");
  assert.match(await page.textContent("#status"), /Altinn platform copied/);
  await context.close();
});

test("a test-environment profile has no sandbox box, wire log or portal rehearsal", async () => {
  const test = profile("Test", { environment: { kind: "test" } });
  const { page, context } = await h.open({ hash: "#/token", seed: { profiles: [test], keys, activeProfile: "Test" } });
  await page.waitForSelector("#token-setup");
  for (const id of ["#sandbox-info", "#wire-log", "#sandbox-register"]) assert.equal(await page.$(id), null, `${id} is sandbox-only`);
  await context.close();
});

test("options are validated first and then sent as ChainOptions", async () => {
  const { page, calls, context } = await h.open({ hash: "#/token", seed });
  await page.click("#token-advanced summary");
  await page.fill("#option-system-user-org", "123456789");
  await page.fill("#option-external-ref", "313725138_Fikenbruker");
  await page.click("#token-advanced summary"); // closed again: the run must reopen it to show the problem
  await page.click("#run-token-test");
  await page.waitForSelector("#option-system-user-org-error");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "option-system-user-org");
  assert.deepEqual(await calls("run_token_test"), [], "an invalid option must not reach the backend");

  await page.fill("#option-system-user-org", "313 725 138");
  await page.fill("#option-scopes", " altinn:instances.read  altinn:instances.write ");
  await page.check("#option-test-org");
  await page.uncheck("#option-exchange");
  assert.match(await page.textContent("#token-advanced summary"), /4 changed/);
  await runAndWait(page, "ok");
  const [call] = await calls("run_token_test");
  assert.deepEqual(call.args.request.options, {
    scopes: ["altinn:instances.read", "altinn:instances.write"], exchange: false, testOrg: true,
    systemUserOrg: "313725138", externalRef: "313725138_Fikenbruker", consumerOrg: null, resource: [],
  });
  assert.equal(await page.getAttribute(".chain-stage[data-stage='exchange']", "data-status"), "skipped");
  assert.match(await page.textContent("#altinn-not-exchanged"), /was off/);
  assert.equal(await page.$("#copy-altinn-token"), null, "no Altinn token to copy");
  await context.close();
});

test("a run that cannot start shows the backend's message and hint by the Run button", async () => {
  const noKey = profile("Uten nøkkel", { keyId: null });
  const { page, context } = await h.open({ hash: "#/token", seed: { profiles: [noKey], keys, activeProfile: "Uten nøkkel" } });
  await page.click("#run-token-test");
  const note = await page.waitForSelector("#token-setup .error-note");
  assert.match(await note.textContent(), /has no key.*Generate or import a key/s);
  assert.equal(await page.getAttribute("#token-result", "data-state"), "idle");
  await context.close();
});

test("without an active profile the step says where to choose one", async () => {
  const { page, context } = await h.open({ hash: "#/token", seed: { profiles: [profile("A"), profile("B")], keys } });
  await page.waitForSelector("#token-no-profile");
  await page.click("#token-no-profile a");
  await page.waitForSelector("#profiles-heading");
  await context.close();
});

test("the test runs from the keyboard, and its result is still there after visiting another step", async () => {
  const { page, context } = await h.open({ hash: "#/token", seed });
  await page.focus("#run-token-test");
  await page.keyboard.press("Enter");
  await page.waitForSelector('#token-result[data-state="ok"]');
  assert.equal(await page.evaluate(() => document.activeElement?.id), "token-result-heading");
  await page.keyboard.press("Tab");
  assert.ok(await page.evaluate(() => document.querySelector("#token-result").contains(document.activeElement)), "Tab continues inside the result");

  await page.click("#nav-keys");
  await page.waitForSelector("#keys-heading");
  await page.click("#nav-token");
  await page.waitForSelector('#token-result[data-state="ok"]');
  assert.ok(await page.$("#copy-altinn-token"), "the last run's copy buttons are back");
  await context.close();
});

test("screenshots of the token step: success in English, failure in Norwegian", async () => {
  const dir = join(uiDir, "..", "artifacts");
  await mkdir(dir, { recursive: true });

  const ok = await h.open({ hash: "#/token", seed });
  await runAndWait(ok.page, "ok");
  await ok.page.click("#copy-altinn-token");
  await ok.page.waitForSelector("#copy-countdown");
  await ok.page.waitForSelector("#wire-log-table");
  await screenshot(ok.page, join(dir, "ui-token-ok.png"));
  await ok.context.close();

  const failed = await h.open({ hash: "#/token", seed: { ...seed, nextReport: unknownKid }, locale: "nb-NO" });
  await runAndWait(failed.page, "failed");
  await failed.page.click("#show-raw");
  await failed.page.waitForSelector("#wire-log-table");
  await screenshot(failed.page, join(dir, "ui-token-failed-nb.png"));
  await failed.context.close();
});
