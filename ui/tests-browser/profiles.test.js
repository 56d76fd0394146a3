// The profiles step against the fake backend: client-side checks, the exact save request,
// backend errors beside the form, edit, and delete with confirmation.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startHarness } from "./harness.js";

const demo = {
  name: "Demo", environment: { kind: "test" }, orgNumber: "991825827", clientId: "c-1", scopes: ["a:b"],
  appA: null, appB: null, keyId: null, vaultUrl: null, secretPrefix: null, sectionName: null,
};
const seed = { profiles: [demo], keys: [{ kid: "k-1", bits: 2048, created: "2026-01-01T00:00:00Z", expires: "2099-01-01T00:00:00Z", thumbprint: "tp-k-1", source: "generated" }] };

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

test("a bad organisation number shows an inline error at once and the form sends nothing", async () => {
  const { page, calls, context } = await h.open({ seed, hash: "#/profiles" });
  await page.click("#new-profile");
  await page.fill("#profile-name", "Bad org");
  await page.fill("#profile-org", "123456789");
  const error = await page.waitForSelector("#profile-org-error");
  assert.match(await error.textContent(), /check digit does not match/);
  assert.equal(await page.getAttribute("#profile-org", "aria-invalid"), "true");

  await page.click("#save-profile");
  assert.deepEqual(await calls("save_profile"), [], "an invalid form must not reach the backend");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "profile-org", "focus goes to the field to fix");
  await context.close();
});

test("a new profile is sent as the exact SaveProfileRequest and appears in the list", async () => {
  const { page, calls, context } = await h.open({ seed, hash: "#/profiles" });
  await page.click("#new-profile");
  await page.fill("#profile-name", "  Skatt prod ");
  await page.selectOption("#profile-env", "custom");
  await page.fill("#profile-maskinporten-url", "https://mp.example");
  await page.fill("#profile-altinn-url", "https://platform.example");
  await page.fill("#profile-apps-url", "https://apps.example");
  await page.fill("#profile-org", "974 760 673");
  await page.fill("#profile-client-id", "abc-123");
  await page.fill("#profile-scopes", "altinn:serviceowner/instances.read   altinn:serviceowner/instances.write");
  await page.fill("#profile-app-a", "skd/app-a");
  await page.fill("#profile-app-b", "skd/app-b");
  await page.selectOption("#profile-key", "k-1");
  assert.equal(
    await page.getAttribute("#profile-section", "placeholder"),
    "MaskinportenSettingsExternal",
    "the field suggests the tool's default, not the name that collides with Studio's",
  );
  await page.fill("#profile-section", "MaskinportenSettings");
  await page.click("#save-profile");
  await page.waitForSelector('#profiles-table tr[data-profile="Skatt prod"]');

  const [call] = await calls("save_profile");
  assert.deepEqual(call.args, {
    request: {
      originalName: null,
      profile: {
        name: "Skatt prod",
        environment: { kind: "custom", maskinportenUrl: "https://mp.example", altinnUrl: "https://platform.example", appsUrl: "https://apps.example" },
        orgNumber: "974760673",
        clientId: "abc-123",
        scopes: ["altinn:serviceowner/instances.read", "altinn:serviceowner/instances.write"],
        appA: "skd/app-a",
        appB: "skd/app-b",
        keyId: "k-1",
        vaultUrl: null,
        secretPrefix: null,
        sectionName: "MaskinportenSettings",
      },
    },
  });
  assert.equal(await page.$("#profile-form"), null, "the form closes after a successful save");
  assert.match(await page.textContent("#status"), /Profile “Skatt prod” saved/);
  await context.close();
});

test("a backend error is shown beside the form with its message and hint", async () => {
  const { page, context } = await h.open({ seed, hash: "#/profiles" });
  await page.click("#new-profile");
  await page.fill("#profile-name", "Demo");
  await page.click("#save-profile");
  const note = await page.waitForSelector("#profile-form .error-note");
  assert.match(await note.$eval('[data-testid="error-message"]', (e) => e.textContent), /A profile named “Demo” already exists\./);
  assert.match(await note.$eval('[data-testid="error-hint"]', (e) => e.textContent), /Choose another name\./);
  assert.match(await page.textContent("#status"), /already exists/);
  assert.notEqual(await page.$("#profile-form"), null, "the form stays open so the person can fix it");
  await context.close();
});

test("editing sends the original name so the backend can rename", async () => {
  const { page, calls, context } = await h.open({ seed, hash: "#/profiles" });
  await page.click('#profiles-table tr[data-profile="Demo"] [data-testid="edit-profile"]');
  assert.equal(await page.inputValue("#profile-name"), "Demo");
  assert.equal(await page.inputValue("#profile-env"), "test");
  await page.fill("#profile-name", "Demo renamed");
  await page.click("#save-profile");
  await page.waitForSelector('#profiles-table tr[data-profile="Demo renamed"]');
  const [call] = await calls("save_profile");
  assert.equal(call.args.request.originalName, "Demo");
  assert.equal(call.args.request.profile.orgNumber, "991825827");
  await context.close();
});

test("deleting a profile needs confirmation and sends confirmed:true", async () => {
  const { page, calls, context } = await h.open({ seed, hash: "#/profiles" });
  const del = '#profiles-table tr[data-profile="Demo"] [data-testid="delete-profile"]';
  await page.click(del);
  await page.click('#delete-profile-dialog [data-testid="confirm-cancel"]');
  await page.waitForSelector("#delete-profile-dialog", { state: "hidden" });
  assert.deepEqual(await calls("delete_profile"), []);
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "delete-profile", "focus returns to the button that opened the dialog");

  await page.click(del);
  await page.click('#delete-profile-dialog [data-testid="confirm-ok"]');
  await page.waitForSelector("#profiles-empty");
  assert.deepEqual((await calls("delete_profile"))[0].args, { request: { name: "Demo", confirmed: true } });
  await context.close();
});
