// The app shell: language switch and its memory, version from the backend, the environment
// badge, step navigation, and what happens when dist/ is opened without Tauri at all.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startHarness } from "./harness.js";

const prod = {
  name: "Prod", environment: { kind: "prod" }, orgNumber: null, clientId: null, scopes: [],
  appA: null, appB: null, keyId: null, vaultUrl: null, secretPrefix: null, sectionName: null,
};

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

test("the language switch changes visible text, sets <html lang> and is remembered after a reload", async () => {
  const { page, context } = await h.open({ locale: "en-US", hash: "#/profiles" });
  assert.equal(await page.textContent("#profiles-heading"), "Profiles");
  await page.selectOption("#lang-switch", "nb");
  await page.waitForFunction(() => document.querySelector("#profiles-heading").textContent === "Profiler");
  assert.match(await page.textContent("#nav-keys"), /Nøkler/);
  assert.equal(await page.getAttribute("html", "lang"), "nb");
  await page.reload();
  await page.waitForSelector("#profiles-heading");
  assert.equal(await page.textContent("#profiles-heading"), "Profiler", "the choice survives a restart");
  await context.close();
});

test("a Norwegian browser starts in bokmål", async () => {
  const { page, context } = await h.open({ locale: "nb-NO", hash: "#/profiles" });
  assert.equal(await page.textContent("#profiles-heading"), "Profiler");
  assert.equal(await page.inputValue("#lang-switch"), "nb");
  await context.close();
});

test("the footer shows the version from get_app_info", async () => {
  const { page, context } = await h.open();
  await page.waitForFunction(() => document.querySelector("#app-version").textContent.includes("0.1.0-test"));
  assert.match(await page.textContent("#app-version"), /Version 0\.1\.0-test \(debug\)/);
  await context.close();
});

test("using a production profile turns the environment badge into a warning", async () => {
  const { page, context } = await h.open({ seed: { profiles: [prod, { ...prod, name: "Prod 2" }] }, hash: "#/profiles" });
  assert.equal(await page.getAttribute("#env-badge", "data-env"), "none");
  await page.click('#profiles-table tr[data-profile="Prod"] [data-testid="use-profile"]');
  assert.equal(await page.getAttribute("#env-badge", "data-env"), "prod");
  assert.match(await page.textContent("#env-badge"), /Production · Prod/);
  await context.close();
});

test("a data folder with one profile (made on the command line) opens on it; a remembered one wins", async () => {
  const only = await h.open({ seed: { profiles: [{ ...prod, name: "Fra kommandolinjen" }] }, hash: "#/guide" });
  await only.page.waitForFunction(() => document.querySelector("#env-badge")?.textContent.includes("Fra kommandolinjen"));
  assert.equal(await only.page.$("#guide-no-profile"), null, "the checklist opens on it, not on 'choose a profile'");
  await only.context.close();

  const two = await h.open({ seed: { profiles: [prod, { ...prod, name: "Prod 2" }], activeProfile: "Prod 2" }, hash: "#/profiles" });
  await two.page.waitForFunction(() => document.querySelector("#env-badge")?.textContent.includes("Prod 2"));
  await two.context.close();
});

test("a fresh window offers the rehearsal; one click makes the profile active and opens its checklist", async () => {
  const { page, calls, context } = await h.open({ locale: "en-US" });
  await page.waitForSelector("#guide-rehearse");
  await page.click('#guide-rehearse [data-testid="rehearse"]');
  await page.waitForSelector("#guide-summary");
  assert.match(await page.textContent("#env-badge"), /Rehearsal/);
  assert.match(await page.textContent("#status"), /Rehearsal is ready on the sandbox/);
  assert.equal((await calls("start_rehearsal")).length, 1);
  assert.equal(await page.$("#guide-rehearse"), null, "offered only while there is no profile");
  await page.click("#nav-profiles");
  await page.waitForSelector('#profiles-table tr[data-profile="Rehearsal"]');
  assert.equal(await page.$("#profiles-rehearse"), null);
  await context.close();
});

test("the steps are buttons that move focus to the new step's heading", async () => {
  const { page, context } = await h.open();
  await page.focus("#nav-keys");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#keys-heading");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "keys-heading");
  assert.equal(await page.getAttribute("#nav-keys", "aria-current"), "step");
  assert.match(page.url(), /#\/keys$/);
  await context.close();
});

test("opened from a plain web server, the page says the desktop backend is missing", async () => {
  const { page, context, errors } = await h.open({ mock: false });
  await page.waitForFunction(() => document.querySelector("#status").dataset.tone === "error");
  assert.match(await page.textContent("#status"), /The desktop backend is not available\./);
  assert.deepEqual(errors, [], "no uncaught exceptions");
  await context.close();
});
