// The app configuration step against the fake backend: choosing the folders with the native
// dialog, the check's request, the path and its reasons, findings grouped by severity with
// file:line and fix, the snippets ready to copy, a clean report, and screenshots.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startHarness, uiDir } from "./harness.js";

const profile = {
  name: "Test", environment: { kind: "test" }, orgNumber: "313725138", clientId: "c-123",
  scopes: ["altinn:serviceowner/instances.read"], appA: "ttd/app-a", appB: "ttd/app-b",
  keyId: null, vaultUrl: "https://ttd-kv.vault.azure.net", secretPrefix: "app-a", sectionName: null,
};
const seed = { profiles: [profile], activeProfile: "Test" };

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

async function chooseFolder(page, selector, path) {
  await page.evaluate((p) => (window.__fake.openPath = p), path);
  await page.click(selector);
}

async function screenshot(page, path) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1200, height });
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path });
}

test("checking without a folder asks for one and sends nothing", async () => {
  const { page, calls, context, errors } = await h.open({ hash: "#/appconfig", seed });
  await page.waitForSelector("#nav-appconfig[aria-current='step']");
  await page.click("#check-config");
  await page.waitForSelector("#app-folder-error");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "choose-app-folder", "focus goes to what is missing");
  assert.match(await page.getAttribute("#choose-app-folder", "aria-describedby"), /app-folder-error/);
  assert.deepEqual(await calls("check_app_config"), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("findings are listed by severity with file:line, message and fix, and the snippets are copyable", async () => {
  const { page, calls, context } = await h.open({ hash: "#/appconfig", seed });
  await chooseFolder(page, "#choose-app-folder", "/home/tester/repos/app-a");
  await page.waitForSelector("code#app-folder-path");
  const [dialog] = await calls("choose_path");
  assert.deepEqual(dialog.args.request, { kind: "folder" }, "a folder, not a file");
  await chooseFolder(page, "#choose-app-b-folder", "/home/tester/repos/app-b");
  await page.waitForSelector("#app-b-folder-path");
  assert.match(await page.textContent("#config-profile"), /Cross-checked with profile “Test”/);

  await page.click("#check-config");
  await page.waitForSelector("#config-result");
  assert.deepEqual((await calls("check_app_config")).map((c) => c.args), [
    { request: { path: "/home/tester/repos/app-a", profile: "Test", appB: "/home/tester/repos/app-b" } },
  ]);
  assert.equal(await page.evaluate(() => document.activeElement?.id), "config-result-title", "focus moves to the result");
  assert.match(await page.textContent("#config-summary"), /Errors: 3 · Warnings: 2 · Notes: 1/);
  assert.equal(await page.getAttribute("#config-summary", "aria-live"), "polite");
  assert.equal(await page.getAttribute("#config-path", "data-path"), "own_identity");
  assert.match(await page.textContent("#config-path"), /Own identity.*App library 8\.5\.0.*Program\.cs line 31/s);

  const groups = await page.$$eval("#config-findings .findings", (uls) => uls.map((u) => [u.dataset.severity, u.children.length]));
  assert.deepEqual(groups, [["error", 3], ["warning", 2], ["info", 1]], "errors first, then warnings, then notes");
  const places = await page.$$eval('#config-findings [data-testid="finding-place"]', (els) => els.map((e) => e.textContent));
  assert.deepEqual(places.slice(0, 3), ["App/Program.cs:31", "App/appsettings.json:14", "deployment/values.yaml"]);
  const misspelled = await page.$(".finding[data-id='exchange_misspelled']");
  assert.match(await misspelled.textContent(), /App\/appsettings\.json:14.*spelled correctly.*Fix:.*Rename the key to ExhangeToAltinnToken/s);
  assert.match(await page.textContent(".finding[data-id='appb_party_types']"), /applicationmetadata\.json:9/);
  assert.match(await page.textContent("#config-sections"), /myapp:MaskinportenSettingsExternal.*bound at.*App\/Program\.cs:33.*App\/appsettings\.json/s);

  assert.match(await page.textContent("#snippet-appsettings pre"), /"ExhangeToAltinnToken": true/);
  assert.match(await page.textContent("#snippet-program"), /AddAzureKeyVaultAsConfigProvider/);
  assert.match(await page.textContent("#snippet-secrets"), /app-a--MaskinportenSettingsExternal--EncodedJwk/);
  await page.click("#snippet-appsettings .copy-button");
  await page.waitForFunction(() => window.__fake.clipboard?.includes('"ExhangeToAltinnToken": true'));
  const copied = await page.evaluate(() => window.__fake.clipboard);
  assert.equal(copied, await page.textContent("#snippet-appsettings pre"), "exactly the text on screen");
  assert.match(await page.textContent("#status"), /App\/appsettings\.json copied/);

  await page.selectOption("#lang-switch", "nb");
  await page.waitForFunction(() => document.querySelector("#config-summary").textContent.includes("Feil: 3"));
  assert.match(await misspelled.textContent(), /riktig stavet.*Slik retter du det:.*ExhangeToAltinnToken/s);
  await context.close();
});

test("a clean report says so, and a failed check shows the backend's hint", async () => {
  const { page, context } = await h.open({ hash: "#/appconfig", seed });
  await chooseFolder(page, "#choose-app-folder", "/home/tester/repos/clean-app");
  await page.click("#check-config");
  await page.waitForSelector("#config-result");
  assert.equal(await page.getAttribute("#config-result", "data-verdict"), "clean");
  assert.match(await page.textContent("#config-summary"), /No findings: the configuration fits this path/);
  assert.match(await page.textContent("#config-clean"), /Nothing to fix/);
  assert.equal(await page.$(".finding"), null);
  assert.match(await page.textContent("#config-path"), /Studio-provisioned/);
  assert.match(await page.textContent("#config-no-snippet"), /Nothing to paste/);
  assert.match(await page.textContent("#status"), /no findings/);

  await chooseFolder(page, "#choose-app-folder", "/home/tester/missing");
  await page.click("#check-config");
  await page.waitForSelector("#config-setup .error-note");
  assert.match(await page.textContent("#config-setup .error-note"), /does not exist.*Choose the folder with App\//s);
  await context.close();
});

test("without an active profile the check runs without the cross-checks, and the result stays after another step", async () => {
  // Two profiles and none remembered: the window does not choose for the person.
  const { page, calls, context } = await h.open({ hash: "#/appconfig", seed: { profiles: [profile, { ...profile, name: "Annen" }] } });
  assert.match(await page.textContent("#config-profile"), /No profile is active/);
  await chooseFolder(page, "#choose-app-folder", "/home/tester/repos/app-a");
  await page.click("#check-config");
  await page.waitForSelector("#config-result");
  assert.deepEqual((await calls("check_app_config"))[0].args, { request: { path: "/home/tester/repos/app-a", profile: null } });
  await page.click("#nav-keys");
  await page.click("#nav-appconfig");
  await page.waitForSelector("#config-findings");
  assert.equal(await page.textContent("code#app-folder-path"), "/home/tester/repos/app-a");
  await context.close();
});

test("screenshot of the app configuration step", async () => {
  const dir = join(uiDir, "..", "artifacts");
  await mkdir(dir, { recursive: true });
  const { page, context } = await h.open({ hash: "#/appconfig", seed });
  await chooseFolder(page, "#choose-app-folder", "/home/tester/repos/app-a");
  await page.click("#check-config");
  await page.waitForSelector("#config-result");
  await screenshot(page, join(dir, "ui-appconfig.png"));
  await context.close();
});
