// The guided checklist against the fake backend: it starts where a fresh machine is, each step's
// action records what it proved (as Rust does) and the list follows, a path marks steps "not
// needed" with the reason, the flow picture opens steps and says its state in words, the expiry
// watch warns, the report is saved in the window's language, links open in the browser, and the
// whole thing works from the keyboard.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { daysFromNow, startHarness } from "./harness.js";

const profile = (name, fields = {}) => ({
  name, environment: { kind: "sandbox" }, orgNumber: "313725138", clientId: null,
  scopes: ["altinn:instances.read", "altinn:instances.write"], appA: null, appB: "ttd/sandbox-app-b",
  keyId: null, vaultUrl: null, secretPrefix: null, sectionName: null, ...fields,
});
const key = (kid, expires = daysFromNow(300)) => ({ kid, bits: 2048, created: daysFromNow(-65), expires, thumbprint: "tp-guide-0123456789abcdef", source: "generated" });
const ready = { profiles: [profile("Rehearsal", { keyId: "k-1", clientId: "5b6f1a52-0c4e-4c1e-9a1e-6f0d5c0b5a11" })], keys: [key("k-1")], activeProfile: "Rehearsal" };

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

const stateOf = (page, step) => page.getAttribute(`#guide-step-${step}`, "data-state");

test("a fresh machine opens on the checklist, which asks for a profile first", async () => {
  const { page, context, errors } = await h.open();
  await page.waitForSelector("#guide-no-profile");
  assert.equal(await page.getAttribute("#nav-guide", "aria-current"), "step");
  await page.click("#guide-no-profile a");
  await page.waitForSelector("#profiles-heading, #new-profile");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the path step finds the path from app A's folder, keeps its result in view and leads on", async () => {
  const { page, context, calls } = await h.open({ seed: { profiles: [profile("Rehearsal")], activeProfile: "Rehearsal" } });
  await page.waitForSelector("#guide-summary");
  assert.match(await page.textContent("#guide-summary"), /0 of 10 steps settled/);
  assert.equal(await page.getAttribute("#guide-toggle-path", "aria-expanded"), "true", "the first step to do is open");
  await page.click("#guide-path-check");
  assert.match(await page.textContent("#guide-path .field-error, #guide-step-path [data-testid='field-error']"), /app A's folder/);
  await page.fill("#guide-app-folder", "/src/app-a");
  await page.click("#guide-path-check");
  await page.waitForSelector("#guide-step-path[data-state='verified']");
  assert.match(await page.textContent("#guide-path-found"), /Own identity/);
  const [check] = await calls("check_app_config");
  assert.deepEqual(check.args.request, { path: "/src/app-a", profile: "Rehearsal" });
  // The same check found errors in the configuration: that step failed, with the count.
  assert.equal(await stateOf(page, "config"), "failed");
  await page.click("#guide-next-path");
  assert.equal(await page.getAttribute("#guide-toggle-vault_access", "aria-expanded"), "true");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "guide-toggle-vault_access");
  await context.close();
});

test("saying the app is Studio-provisioned marks the steps it does not need, with the reason", async () => {
  const { page, context } = await h.open({ seed: { profiles: [profile("Rehearsal")], activeProfile: "Rehearsal" } });
  await page.waitForSelector("#guide-summary");
  await page.click("#guide-path-manual summary");
  await page.selectOption("#guide-path-choice", "studio_provisioned");
  await page.click("#guide-path-use");
  await page.waitForSelector("#guide-step-path[data-state='done']");
  for (const step of ["vault_access", "client", "key", "vault_write", "token", "exchange", "instance"]) {
    assert.equal(await stateOf(page, step), "not_needed", step);
  }
  assert.equal(await page.getAttribute("#flow-keyvault", "data-state"), "not_needed");
  assert.match(await page.textContent("#flow-keyvault"), /not needed/);
  await page.click("#guide-toggle-client");
  assert.match(await page.textContent("#guide-note-client"), /Altinn Studio creates/);
  // The steps the path still needs are the next ones.
  assert.match(await page.textContent("#guide-summary"), /Next: App configuration check/);
  await context.close();
});

test("a client id must look like one before it is saved in the profile", async () => {
  const { page, context, calls } = await h.open({ seed: { profiles: [profile("Rehearsal", { keyId: "k-1" })], keys: [key("k-1")], activeProfile: "Rehearsal" }, hash: "#/guide" });
  await page.waitForSelector("#guide-summary");
  await page.click("#guide-toggle-client");
  await page.fill("#guide-client-id", "my-client");
  await page.click("#guide-client-save");
  assert.match(await page.textContent("#guide-client-id-error"), /UUID/);
  assert.equal((await calls("save_profile")).length, 0);
  await page.fill("#guide-client-id", " 5b6f1a52-0c4e-4c1e-9a1e-6f0d5c0b5a11 ");
  await page.click("#guide-client-save");
  await page.waitForSelector("#guide-step-client[data-state='done'] #guide-client-verify:not([disabled])");
  const [saved] = await calls("save_profile");
  assert.equal(saved.args.request.profile.clientId, "5b6f1a52-0c4e-4c1e-9a1e-6f0d5c0b5a11");
  // The public key is there to paste into the portal.
  await page.click("#guide-client-showkey");
  await page.waitForSelector("#public-key-panel, [id^='public-key']");
  await context.close();
});

test("a test profile's key goes onto its client through the self-service API with an admin client's profile", async () => {
  const test = (name, fields) => profile(name, { environment: { kind: "test" }, ...fields });
  const seed = {
    profiles: [test("Skatt", { keyId: "k-1", clientId: "5b6f1a52-0c4e-4c1e-9a1e-6f0d5c0b5a11" }), test("Admin", {}), profile("Sandbox only")],
    keys: [key("k-1")], activeProfile: "Skatt",
  };
  const { page, context, calls, errors } = await h.open({ seed, hash: "#/guide" });
  await page.waitForSelector("#guide-summary");
  await page.click("#guide-toggle-client");
  await page.waitForSelector("#guide-client-selfservice");
  assert.equal(await page.isDisabled("#guide-client-upload"), true, "no admin client chosen yet");
  const offered = await page.$$eval("#guide-client-via option", (o) => o.map((x) => x.value));
  assert.deepEqual(offered, ["", "Admin"], "only other profiles of the same environment");
  await page.selectOption("#guide-client-via", "Admin");
  await page.click("#guide-client-upload");
  await page.waitForFunction(() => /The client now has 2 key\(s\): existing-key, k-1/.test(document.querySelector("#status")?.textContent ?? ""));
  const [call] = await calls("upload_key");
  assert.deepEqual(call.args, { profile: "Skatt", via: "Admin" });
  assert.deepEqual(errors, []);
  await context.close();
});

test("the token and exchange runs verify their steps, light the picture and start the countdowns", async () => {
  const { page, context } = await h.open({ seed: ready });
  await page.waitForSelector("#guide-summary");
  assert.equal(await stateOf(page, "client"), "done", "the client id is in the profile");
  await page.click("#flow-maskinporten");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "guide-toggle-token", "the picture opens the part's next step");
  await page.click("#guide-token-run");
  await page.waitForSelector("#guide-step-token[data-state='verified']");
  assert.match(await page.textContent("#guide-token-ok"), /313725138/);
  assert.equal(await stateOf(page, "client"), "verified", "a token proves the client and the key");
  assert.equal(await stateOf(page, "key"), "verified");
  assert.equal(await page.getAttribute("#flow-maskinporten", "data-state"), "ok");
  assert.match(await page.textContent("#flow-maskinporten"), /verified/);
  // "Next" goes to the first step still to do, which is the path here; the exchange is opened by hand.
  assert.match(await page.textContent("#guide-next-token"), /Which path/);
  await page.click("#guide-toggle-exchange");
  await page.click("#guide-exchange-run");
  await page.waitForSelector("#guide-step-exchange[data-state='verified']");
  await page.waitForSelector("#watch-altinn-countdown");
  assert.match(await page.textContent("#guide-activity-table"), /exchange/);
  await context.close();
});

test("a failed run marks its step and the picture red, with the diagnosis", async () => {
  const failed = { environment: "sandbox", clientId: "c", kid: "k-1", stages: [{ stage: "token", status: "failed" }], grant: null, maskinporten: null, expiresIn: null, altinn: null, scopeCheck: null, clock: null,
    diagnosis: { code: "unknown_kid", title: { en: "The key is not registered on the client", nb: "Nøkkelen er ikke registrert på klienten" }, explanation: { en: "Not on the client.", nb: "Ikke på klienten." }, fix: { en: "Upload it.", nb: "Last den opp." }, raw: null }, ok: false };
  const { page, context } = await h.open({ seed: { ...ready, nextReport: failed } });
  await page.waitForSelector("#guide-summary");
  await page.click("#guide-toggle-token");
  await page.click("#guide-token-run");
  await page.waitForSelector("#guide-step-token[data-state='failed']");
  assert.equal(await page.getAttribute("#flow-maskinporten", "data-state"), "failed");
  assert.match(await page.textContent("#guide-failed-token"), /not registered/);
  assert.match(await page.textContent("#guide-step-token"), /Upload it/);
  await context.close();
});

test("only the person's own steps can be ticked; the redeploy completes a proven list", async () => {
  const verifiedLine = (step) => ({ at: "2026-11-20T10:00:00Z", profile: "Rehearsal", action: "x", app: null, instanceId: null, owner: null, outcome: "ok", step, state: "verified", kid: "k-1", ...(step === "path" ? { detail: { path: "own_identity", folder: "/src/a" } } : {}) });
  const history = ["path", "vault_access", "client", "key", "vault_write", "config", "token", "exchange", "instance"].map(verifiedLine);
  const { page, context } = await h.open({ seed: { ...ready, history } });
  await page.waitForSelector("#guide-summary");
  assert.equal(await page.getAttribute("#guide-toggle-redeploy", "aria-expanded"), "true");
  await page.click("#guide-redeploy-done");
  await page.waitForSelector("#guide-complete");
  for (const part of ["appA", "keyvault", "maskinporten", "altinn", "appB"]) assert.equal(await page.getAttribute(`#flow-${part}`, "data-state"), "ok", part);
  // Starting a step over is recorded too, and the list is no longer complete.
  await page.click("#guide-reset-redeploy");
  await page.waitForSelector("#guide-step-redeploy[data-state='todo']");
  assert.equal(await page.$("#guide-complete"), null);
  await context.close();
});

test("the expiry watch warns well before the key's year is up", async () => {
  const seed = { ...ready, keys: [key("k-1", daysFromNow(30))] };
  const { page, context } = await h.open({ seed });
  await page.waitForSelector("#watch-warning");
  assert.match(await page.textContent("#watch-warning"), /expires in (29|30) days/);
  assert.match(await page.textContent("#watch-key"), /k-1: 65 days old/);
  await context.close();
});

test("the report is saved in the window's language, and links open in the browser", async () => {
  const { page, context } = await h.open({ seed: ready, locale: "nb-NO" });
  await page.waitForSelector("#guide-summary");
  assert.match(await page.textContent("#guide-title"), /Sjekkliste/);
  await page.click("#guide-report-save");
  assert.match(await page.textContent("#guide-report-path"), /report-rehearsal\.html$/);
  assert.deepEqual(await page.evaluate(() => window.__fake.reports), [{ profile: "Rehearsal", lang: "nb" }]);
  const url = page.url();
  await page.click("#guide-step-path .guide-link a");
  await page.waitForFunction(() => window.__fake.opened.length === 1);
  assert.match(await page.evaluate(() => window.__fake.opened[0]), /^https:\/\/docs\.altinn\.studio\//);
  assert.equal(page.url(), url, "the window stays on the checklist");
  await context.close();
});

test("history lines that could not be read are counted under the activity log, in both languages", async () => {
  for (const [locale, words] of [["en-GB", /2 line\(s\) of the history.*could not be read/], ["nb-NO", /2 linje\(r\) i historikken.*kunne ikke leses/]]) {
    const { page, context } = await h.open({ seed: { ...ready, historyDamaged: 2 }, locale });
    await page.waitForSelector("#guide-activity-damaged");
    assert.match(await page.textContent("#guide-activity-damaged"), words);
    await context.close();
  }
  const { page, context } = await h.open({ seed: ready });
  await page.waitForSelector("#guide-activity");
  assert.equal(await page.locator("#guide-activity-damaged").count(), 0, "no note when every line was read");
  await context.close();
});

test("a warning about the profile's key is shown above the checklist in the window's language", async () => {
  const warnings = [{ en: "Key k-1 has also been used in the sandbox.", nb: "Nøkkel k-1 er også brukt i sandkassen." }];
  for (const [locale, words] of [["en-GB", /also been used in the sandbox/], ["nb-NO", /også brukt i sandkassen/]]) {
    const { page, context } = await h.open({ seed: { ...ready, warnings }, locale });
    await page.waitForSelector(".guide-warning");
    assert.match(await page.textContent(".guide-warning"), words);
    await context.close();
  }
});

test("the checklist works from the keyboard alone", async () => {
  const { page, context } = await h.open({ seed: ready });
  await page.waitForSelector("#guide-summary");
  await page.focus("#guide-toggle-token");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("#guide-toggle-token", "aria-expanded"), "true");
  await page.keyboard.press("Tab");
  // Tab reaches the official page link, then the run button, which Enter presses.
  let guard = 0;
  while ((await page.evaluate(() => document.activeElement?.id)) !== "guide-token-run" && guard++ < 10) await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#guide-step-token[data-state='verified']");
  await context.close();
});

test("another profile gets its own checklist, opened at its own next step", async () => {
  const seed = { ...ready, profiles: [...ready.profiles, profile("Second")] };
  const { page, context } = await h.open({ seed });
  await page.waitForSelector("#guide-summary");
  await page.click("#guide-toggle-token");
  await page.click("#guide-token-run");
  await page.waitForSelector("#guide-step-token[data-state='verified']");
  await page.click("#nav-profiles");
  await page.click('#profiles-table tr[data-profile="Second"] [data-testid="use-profile"]');
  await page.click("#nav-guide");
  await page.waitForFunction(() => document.querySelector("#guide-summary")?.textContent.includes("Second"));
  assert.equal(await stateOf(page, "token"), "todo");
  assert.equal(await page.getAttribute("#guide-toggle-path", "aria-expanded"), "true");
  await context.close();
});
