// The keys step against the fake backend: generate with channel progress, public key export,
// copy and save, delete with confirmation, import, expiry warning, and a screenshot.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { daysFromNow, startHarness, uiDir } from "./harness.js";

const profile = (name, keyId = null) => ({
  name, environment: { kind: "sandbox" }, orgNumber: "974760673", clientId: "client-1", scopes: ["altinn:serviceowner/instances.read"],
  appA: "ttd/app-a", appB: "ttd/app-b", keyId, vaultUrl: null, secretPrefix: null, sectionName: null,
});
const key = (kid, expiresInDays, bits = 2048, source = "generated") => ({
  kid, bits, created: daysFromNow(expiresInDays - 365), expires: daysFromNow(expiresInDays),
  thumbprint: `${kid}-NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs`, source,
});
const seed = {
  profiles: [profile("Skatt test", "skatt-2025"), profile("Demo")],
  keys: [key("skatt-2025", 30), key("legacy-import", 300, 3072, "imported")],
};

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

test("generating a key shows each channel stage, disables the button and highlights the new row", async () => {
  const { page, calls, context, errors } = await h.open({ hash: "#/keys", seed });
  await page.selectOption("#key-bits", "3072");
  await page.click("#generate-key");
  await page.waitForSelector('#keygen-progress[data-stage="generating"]');
  assert.equal(await page.isDisabled("#generate-key"), true, "a second click must not start a second key generation");
  await page.waitForSelector('#keygen-progress[data-stage="storing"]');
  await page.waitForSelector('#keygen-progress[data-stage="done"]');
  const row = await page.waitForSelector('#keys-table tr.highlight[data-new="true"]');
  const kid = await row.getAttribute("data-kid");
  assert.match(kid, /^key-/);
  assert.equal(await page.isEnabled("#generate-key"), true);

  const [call] = await calls("generate_key");
  assert.deepEqual(call.args.request, { bits: 3072, profile: null });
  assert.match(call.args.onProgress, /^__CHANNEL__:\d+$/, "progress must travel over a Tauri Channel");
  assert.match(await page.textContent("#status"), new RegExp(`Key ${kid} generated`));
  assert.deepEqual(errors, []);
  await context.close();
});

test("a failed generation shows the backend's message and hint and lets the person try again", async () => {
  const { page, context } = await h.open({ hash: "#/keys", seed });
  await page.evaluate(() => {
    window.__fake.failNext.generate_key = { kind: "keychain", message: "The system keychain is locked.", hint: "Unlock the keychain and try again." };
  });
  await page.click("#generate-key");
  const note = await page.waitForSelector('.card:has(#generate-key) .error-note[data-kind="keychain"]');
  assert.match(await note.textContent(), /The system keychain is locked\..*Unlock the keychain and try again\./s);
  assert.match(await page.textContent("#status"), /keychain is locked/);
  assert.equal(await page.isEnabled("#generate-key"), true);
  assert.equal(await page.$("#keygen-progress"), null, "no half-finished progress stays on screen");
  await context.close();
});

test("the public key is exported in the chosen format, copied with a visible confirmation and saved", async () => {
  const { page, calls, context } = await h.open({ hash: "#/keys", seed });
  await page.click('#keys-table tr[data-kid="skatt-2025"] [data-testid="show-public-key"]');
  await page.waitForFunction(() => document.querySelector("#public-key-text").value.includes('"kty"'));
  assert.deepEqual((await calls("export_public_key"))[0].args, { request: { kid: "skatt-2025", format: "jwk" } });

  await page.click('label:has(#format-pem)');
  await page.waitForFunction(() => document.querySelector("#public-key-text").value.includes("BEGIN PUBLIC KEY"));
  const shown = await page.inputValue("#public-key-text");

  await page.click("#copy-public-key");
  await page.waitForSelector("#copied-note");
  assert.match(await page.textContent("#copied-note"), /Copied/);
  const [copy] = await calls("plugin:clipboard-manager|write_text");
  assert.equal(copy.args.text, shown, "the clipboard must get exactly the text on screen");

  await page.click("#save-public-key");
  await page.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === "save_public_key"));
  const [dialog] = await calls("choose_path");
  assert.deepEqual(dialog.args.request, { kind: "save", defaultName: "skatt-2025.public.pem", extension: "pem" });
  const [saved] = await calls("save_public_key");
  assert.deepEqual(saved.args.request, { kid: "skatt-2025", format: "pem", path: "/home/tester/Documents/public-key.pem" });
  await page.waitForFunction(() => document.querySelector("#status").textContent.includes("/home/tester/Documents/public-key.pem"));
  await context.close();
});

test("deleting a key asks first: cancel and Escape send nothing, confirm sends confirmed:true", async () => {
  const { page, calls, context } = await h.open({ hash: "#/keys", seed });
  const deleteButton = '#keys-table tr[data-kid="skatt-2025"] [data-testid="delete-key"]';

  await page.click(deleteButton);
  const dialog = await page.waitForSelector("#delete-key-dialog[open]");
  const text = await dialog.textContent();
  assert.match(text, /skatt-2025/, "the dialog names the key");
  assert.match(text, /Skatt test/, "the dialog names the profiles that use it");
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "confirm-cancel", "focus starts on the safe choice");
  await page.click('#delete-key-dialog [data-testid="confirm-cancel"]');
  await page.waitForSelector("#delete-key-dialog", { state: "hidden" });

  await page.click(deleteButton);
  await page.waitForSelector("#delete-key-dialog[open]");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#delete-key-dialog", { state: "hidden" });
  assert.deepEqual(await calls("delete_key"), [], "cancelling must not reach the backend");

  await page.click(deleteButton);
  await page.click('#delete-key-dialog [data-testid="confirm-ok"]');
  await page.waitForSelector('#keys-table tr[data-kid="skatt-2025"]', { state: "detached" });
  assert.deepEqual((await calls("delete_key")).map((c) => c.args), [{ request: { kid: "skatt-2025", confirmed: true } }]);
  assert.match(await page.textContent("#status"), /no longer have a key: Skatt test/);
  await context.close();
});

test("a key with fewer than 60 days left is marked, a distant one is not", async () => {
  const { page, context } = await h.open({ hash: "#/keys", seed });
  const soon = await page.waitForSelector('#keys-table tr[data-kid="skatt-2025"] td[data-expiry]');
  assert.equal(await soon.getAttribute("data-expiry"), "soon");
  assert.match(await soon.textContent(), /(29|30) days left/);
  const later = await page.$('#keys-table tr[data-kid="legacy-import"] td[data-expiry]');
  assert.equal(await later.getAttribute("data-expiry"), "ok");
  await context.close();
});

test("import shows the backend's message and hint, and empties the pasted text after failure and success", async () => {
  const { page, calls, context } = await h.open({ hash: "#/keys", seed });
  await page.fill("#import-key-text", "hello, not a key");
  await page.click("#import-key");
  const note = await page.waitForSelector("#import-form .error-note");
  assert.match(await note.textContent(), /This is not a private key\./);
  assert.match(await note.textContent(), /Paste a private JWK/);
  assert.equal(await page.inputValue("#import-key-text"), "", "pasted private material must not stay on screen");

  await page.fill("#import-key-text", "-----BEGIN PRIVATE KEY-----\nMIIEvQ...\n-----END PRIVATE KEY-----");
  await page.fill("#import-kid", "my-imported");
  await page.selectOption("#import-profile", "Demo");
  await page.click("#import-key");
  await page.waitForSelector('#keys-table tr[data-kid="my-imported"].highlight');
  assert.equal(await page.inputValue("#import-key-text"), "");
  const last = (await calls("import_key")).at(-1);
  assert.deepEqual(last.args.request.source.kind, "text");
  assert.equal(last.args.request.kid, "my-imported");
  assert.equal(last.args.request.profile, "Demo");
  await context.close();
});

test("a password-protected key asks for its password, keeps the key off the screen, and tries again on a wrong one", async () => {
  const { page, calls, context } = await h.open({ hash: "#/keys", seed });
  await page.fill("#import-key-text", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkq...\n-----END ENCRYPTED PRIVATE KEY-----");
  await page.click("#import-key");
  await page.waitForSelector("#import-password");
  assert.equal(await page.inputValue("#import-key-text"), "", "the pasted key left the screen");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "import-password", "the password field has the focus");
  assert.equal(await page.getAttribute("#import-password", "type"), "password");
  assert.equal(await page.isDisabled("#import-key"), true, "nothing to send without a password");

  await page.fill("#import-password", "wrong horse");
  await page.click("#import-key");
  await page.waitForSelector("#import-form .error-note >> text=does not open this key");
  assert.equal(await page.inputValue("#import-password"), "", "a sent password is emptied at once");
  const dir = join(uiDir, "..", "artifacts");
  await mkdir(dir, { recursive: true });
  await (await page.$("#import-form")).screenshot({ path: join(dir, "ui-import-password.png") });

  await page.fill("#import-password", "right horse");
  await page.click("#import-key");
  await page.waitForSelector('#keys-table tr.highlight[data-kid^="imported-"]');
  assert.equal(await page.$("#import-password"), null, "the password step is over");
  const sent = await calls("import_key");
  assert.deepEqual(
    sent.map((c) => c.args.request.password),
    [undefined, "wrong horse", "right horse"],
    "no password first; then each try with the same pasted key",
  );
  assert.ok(sent.every((c) => c.args.request.source.text.includes("ENCRYPTED PRIVATE KEY")));
  await context.close();
});

test("a key file chosen in the open dialog is imported by path, never read by the UI", async () => {
  const { page, calls, context } = await h.open({ hash: "#/keys", seed });
  await page.evaluate(() => (window.__fake.openPath = "/home/tester/keys/old-key.pem"));
  await page.click("#import-choose-file");
  await page.waitForSelector("#import-form .file-name");
  assert.equal(await page.textContent("#import-form .file-name"), "old-key.pem");
  assert.equal(await page.isDisabled("#import-key-text"), true, "one source at a time");
  await page.click("#import-key");
  await page.waitForSelector('#keys-table tr.highlight[data-kid^="imported-"]');
  const [call] = await calls("import_key");
  assert.deepEqual(call.args.request, { source: { kind: "file", path: "/home/tester/keys/old-key.pem" }, kid: null, profile: null });
  assert.equal(await page.$("#import-form .file-name"), null, "the chosen file is forgotten after the import");
  await context.close();
});

test("screenshot of the keys step", async () => {
  const { page, context } = await h.open({ hash: "#/keys", seed });
  await page.click("#generate-key");
  await page.waitForSelector('#keys-table tr.highlight');
  await page.click('#keys-table tr[data-kid="skatt-2025"] [data-testid="show-public-key"]');
  await page.waitForFunction(() => document.querySelector("#public-key-text").value.includes('"kty"'));
  await page.click("#copy-public-key");
  await page.waitForSelector("#copied-note");
  const dir = join(uiDir, "..", "artifacts");
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, "ui-keys.png"), fullPage: true });
  await context.close();
});

test("an expiring key's Rotate button opens its profile's rotation, which goes on to the redeploy and then finishes", async () => {
  const { page, calls, context, errors } = await h.open({ hash: "#/keys", seed: { ...seed, activeProfile: "Demo" } });
  const rotate = await page.waitForSelector('#keys-table tr[data-kid="skatt-2025"] [data-testid="rotate-key"]');
  assert.equal(await page.$('#keys-table tr[data-kid="legacy-import"] [data-testid="rotate-key"]'), null, "a key far from expiry and on no profile has no Rotate button");
  await rotate.click();
  await page.waitForSelector("#rotate-card");
  assert.match(await page.textContent("#env-badge"), /Skatt test/, "the key's profile is made active");
  assert.match(await page.textContent("#rotate-title"), /Rotate the key/);
  await page.click("#rotate-start");
  await page.waitForSelector('#rotate-step-redeploy[data-state="waiting"]');
  assert.equal(await page.getAttribute("#rotate-step-write_vault", "data-state"), "done");
  assert.match(await page.textContent("#rotate-client-keys"), /skatt-2025, skatttest-next/);
  await page.click("#rotate-check");
  await page.waitForSelector('#rotate-probe [data-code="not_redeployed"]');
  await page.click("#rotate-redeployed");
  await page.waitForSelector("#rotate-finished");
  await page.click("#rotate-check");
  await page.waitForSelector("#rotate-probe-ok");
  assert.match(await page.textContent("#rotate-finished"), /skatttest-next/);
  assert.deepEqual(
    (await calls("rotate_key")).map((c) => c.args.request.redeployed),
    [false, true],
    "the redeploy is said only by its own button",
  );
  assert.deepEqual(errors, []);
  await context.close();
});
