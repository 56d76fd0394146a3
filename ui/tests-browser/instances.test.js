// The Instances step against the fake backend: app B at a glance, the owner checked before anything
// is sent, the three ways to create, the follow-up chain to a saved receipt with its flow picture,
// deleting only after an accessible confirmation, what was made here, a bulk run with live
// progress that can be paused and cancelled, and two screenshots.
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startHarness, uiDir } from "./harness.js";

const profile = (name, fields = {}) => ({
  name, environment: { kind: "sandbox" }, orgNumber: "313725138", clientId: "sandbox-client",
  scopes: ["altinn:instances.read", "altinn:instances.write"], appA: "ttd/app-a", appB: "ttd/sandbox-app-b",
  keyId: "sandbox-key-1", vaultUrl: null, secretPrefix: null, sectionName: null, ...fields,
});
const keys = [{ kid: "sandbox-key-1", bits: 2048, created: "2026-01-01T00:00:00Z", expires: "2099-01-01T00:00:00Z", thumbprint: "tp-1", source: "generated" }];
const seed = { profiles: [profile("Sandkasse")], keys, activeProfile: "Sandkasse" };

/** A national identity number with both check digits right (the same one the Rust tests use). */
const PERSON = "15058510170";

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

const flow = (page) => page.$$eval("#instance-flow .chain-stage", (items) => Object.fromEntries(items.map((i) => [i.dataset.step, i.dataset.status])));
const focused = (page) => page.evaluate(() => document.activeElement?.id ?? "");

async function openStep(extra = {}, options = {}) {
  const opened = await h.open({ hash: "#/instances", seed: { ...seed, ...extra }, ...options });
  await opened.page.waitForSelector("#app-data-types");
  return opened;
}

async function createEmpty(page, owner = "313725138") {
  await page.fill("#instance-owner", owner);
  await page.click("#create-instance");
  await page.waitForSelector('#instance-result[data-state="task"]');
  return page.textContent('[data-testid="instance-id"]');
}

/** The whole page in one viewport, so the fixed status bar sits at the bottom, not mid-page. */
async function screenshot(page, path) {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1200, height });
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path });
}

test("the step is the fifth (after the checklist), and app B at a glance shows data types, owners, user instantiation and prefill keys", async () => {
  const { page, calls, context, errors } = await openStep();
  assert.match(await page.textContent("#nav-instances"), /5\s*Instances/);
  assert.equal(await page.getAttribute("#nav-instances", "aria-current"), "step");
  assert.deepEqual((await calls("get_app_overview")).map((c) => c.args), [{ request: { profile: "Sandkasse" } }]);

  assert.equal(await page.textContent('[data-testid="glance-app-id"]'), "ttd/sandbox-app-b");
  const types = await page.$$eval("#app-data-types tbody tr", (trs) => trs.map((tr) => [tr.dataset.type, tr.dataset.form, tr.textContent.replace(/\s+/g, " ").trim()]));
  assert.equal(types[0][0], "model", "the form comes first");
  assert.equal(types[0][1], "true");
  assert.match(types[0][2], /^model\s*the form\s*application\/xml application\/json\s*1\s*Task_1$/);
  assert.match(types.find((t) => t[0] === "ref-data-as-pdf")[2], /no limit/);
  const parties = await page.$$eval("#party-types li", (lis) => Object.fromEntries(lis.map((li) => [li.dataset.party, li.textContent.replace(/\s+/g, " ").trim()])));
  assert.match(parties.organisation, /Organisations: allowed/);
  assert.match(parties.person, /Persons: not allowed/, "a word, not colour alone");
  assert.match(await page.textContent('[data-testid="glance-user-instantiation"]'), /^\s*Yes\. People can also start this app/);
  assert.match(await page.textContent('[data-testid="glance-prefill-keys"]'), /navn.*kontakt\.epost/s);

  await page.click("#refresh-app-overview");
  await page.waitForFunction(() => window.__fake.calls.filter((c) => c.cmd === "get_app_overview").length === 2);
  assert.deepEqual(errors, []);
  await context.close();
});

test("an app that limits nothing, refuses user instantiation and serves no schema is explained in words", async () => {
  const open = {
    metadata: {
      id: "ttd/open-app", org: "ttd", dataTypes: [{ id: "skjema", allowedContentTypes: [], isForm: true, autoCreate: true, taskId: "Task_1", maxCount: 1, maxSize: null }],
      partyTypesAllowed: { bankruptcyEstate: false, organisation: false, person: false, subUnit: false }, disallowUserInstantiation: true,
    },
    prefillKeys: null,
  };
  const { page, context } = await openStep({ overview: open });
  assert.match(await page.textContent("#party-types-all"), /Any kind of owner/);
  assert.match(await page.textContent('[data-testid="glance-user-instantiation"]'), /^\s*No\. People cannot start this app themselves/);
  assert.match(await page.textContent('[data-testid="glance-prefill-keys"]'), /serves no JSON schema/);
  assert.match(await page.textContent("#app-data-types tbody"), /any/);
  await context.close();
});

test("a bad owner shows the inline error, takes the focus, and nothing is sent", async () => {
  const { page, calls, context } = await openStep();
  await page.fill("#instance-owner", "313725139");
  await page.click("#create-instance");
  const error = await page.waitForSelector("#instance-owner-error");
  assert.match(await error.textContent(), /not a valid organisation number: the check digit/);
  assert.equal(await focused(page), "instance-owner");
  assert.equal(await page.getAttribute("#instance-owner", "aria-invalid"), "true");
  assert.match(await page.getAttribute("#instance-owner", "aria-describedby"), /instance-owner-error/);

  await page.fill("#instance-owner", "15058510171");
  assert.match(await page.textContent("#instance-owner-error"), /national identity number or D-number: a check digit/, "the error follows the typing once shown");
  await page.fill("#instance-owner", PERSON);
  assert.match(await page.textContent("#instance-owner-error"), /does not accept persons/, "app B takes organisations only");
  await page.fill("#instance-owner", "party:12a");
  assert.match(await page.textContent("#instance-owner-error"), /After party: come digits only/);
  await page.fill("#instance-owner", "12345");
  assert.match(await page.textContent("#instance-owner-error"), /9-digit organisation number/);
  await page.click("#create-instance");
  assert.deepEqual(await calls("create_instance"), [], "an invalid owner never reaches the backend");

  await page.fill("#instance-owner", "313 725 138");
  assert.equal(await page.$("#instance-owner-error"), null);
  assert.match(await page.textContent("#instance-owner-kind"), /Organisation number; the check digit is right/);
  await page.click("#create-instance");
  await page.waitForSelector('#instance-result[data-state="task"]');
  assert.deepEqual((await calls("create_instance"))[0].args, { request: { profile: "Sandkasse", owner: "313725138", mode: { kind: "template" } } });
  await context.close();
});

test("backend errors are shown next to the action that failed, with the hint", async () => {
  const { page, context } = await openStep();
  await page.evaluate(() => (window.__fake.failNext.get_app_overview = { kind: "network", message: "App B did not answer.", hint: "Is the sandbox running?" }));
  await page.click("#refresh-app-overview");
  await page.waitForSelector("#app-glance .error-note");
  assert.match(await page.textContent("#app-glance .error-note"), /App B did not answer\..*What to do:.*Is the sandbox running\?/s);
  assert.ok(await page.$("#app-data-types"), "the last good overview stays");

  await page.evaluate(() => (window.__fake.failNext.create_instance = { kind: "server", message: "404 Not Found: no party with organisation number 310000019.", hint: "Check the number in Tenor." }));
  await page.fill("#instance-owner", "310000019");
  await page.click("#create-instance");
  await page.waitForSelector("#create-form .error-note");
  assert.match(await page.textContent("#create-form .error-note"), /no party with organisation number 310000019.*Check the number in Tenor/s);
  assert.equal(await page.getAttribute("#instance-result", "data-state"), "none");
  await context.close();
});

test("create with prefill suggests the form's keys, warns about unknown ones and shows the keys app B ignored", async () => {
  const { page, calls, context } = await openStep();
  await page.fill("#instance-owner", "313725138");
  await page.check("#mode-prefill");
  assert.match(await page.textContent("#create-mode-help"), /sent as prefill/);
  const suggestions = await page.$$eval("#prefill-keys option", (os) => os.map((o) => o.value));
  assert.ok(suggestions.includes("kontakt.epost"), "the datalist offers the schema's keys");
  assert.equal(await page.getAttribute("#prefill-key-0", "list"), "prefill-keys");

  await page.click("#create-instance");
  assert.match(await page.textContent("#prefill-error-0"), /Add at least one key and value/);
  assert.equal(await focused(page), "prefill-key-0");
  assert.deepEqual(await calls("create_instance"), []);

  await page.fill("#prefill-key-0", "navn");
  await page.fill("#prefill-value-0", "Testbedrift AS");
  await page.click("#add-prefill-row");
  assert.equal(await focused(page), "prefill-key-1", "a new row takes the focus");
  await page.fill("#prefill-key-1", "nvan");
  await page.fill("#prefill-value-1", "skrivefeil");
  await page.click("#add-prefill-row");
  await page.fill("#prefill-key-2", "kontakt.epost");
  await page.fill("#prefill-value-2", "test@example.no");
  assert.match(await page.textContent("#prefill-unknown"), /no such field.*nvan/s, "warned before sending");

  await page.click("#create-instance");
  await page.waitForSelector("#ignored-prefill-keys");
  assert.deepEqual((await calls("create_instance"))[0].args.request.mode, {
    kind: "prefill", pairs: { navn: "Testbedrift AS", nvan: "skrivefeil", "kontakt.epost": "test@example.no" },
  });
  assert.match(await page.textContent("#ignored-prefill-keys"), /ignored these prefill keys without saying so.*nvan/s);
  assert.doesNotMatch(await page.textContent("#ignored-prefill-keys"), /kontakt\.epost/);
  assert.equal(await focused(page), "instance-result-heading", "focus moves to the new instance");
  assert.match(await page.textContent("#status"), /Instance 50001001\/[0-9a-f-]+ created\./);
  assert.deepEqual(await flow(page), { created: "done", task: "current", ended: "pending", receipt: "pending" });
  await context.close();
});

test("removing a prefill row moves the focus to the next one, then to Add", async () => {
  const { page, context } = await openStep();
  await page.check("#mode-prefill");
  await page.click("#add-prefill-row");
  await page.fill("#prefill-key-1", "antall");
  await page.click('#prefill-rows .pair-row[data-row="0"] [data-testid="remove-prefill-row"]');
  assert.equal(await focused(page), "prefill-key-0");
  assert.equal(await page.inputValue("#prefill-key-0"), "antall");
  await page.click('#prefill-rows .pair-row[data-row="0"] [data-testid="remove-prefill-row"]');
  assert.equal(await focused(page), "add-prefill-row");
  await context.close();
});

test("create with data files sends a file per chosen data type, picked with the open dialog", async () => {
  const { page, calls, context } = await openStep();
  await page.fill("#instance-owner", "313725138");
  await page.check("#mode-multipart");
  await page.click("#create-instance");
  assert.match(await page.textContent("#create-mode-error"), /Add at least one file/);
  assert.equal(await focused(page), "add-file-row");

  await page.click("#add-file-row");
  assert.equal(await focused(page), "file-type-0");
  assert.deepEqual(await page.$$eval("#file-type-0 option", (os) => os.map((o) => o.value)), ["model", "attachment", "ref-data-as-pdf"]);
  await page.click("#create-instance");
  assert.match(await page.textContent("#file-error-0"), /Choose a file/);
  assert.equal(await focused(page), "file-choose-0");

  await page.evaluate(() => (window.__fake.openPath = "/home/tester/data/skjema.json"));
  await page.click("#file-choose-0");
  await page.waitForFunction(() => document.querySelector("#file-name-0").textContent === "skjema.json");
  const [dialog] = await calls("choose_path");
  assert.deepEqual(dialog.args.request, { kind: "open", name: "Data", extensions: ["xml", "json"] }, "filtered to the data type's content types");

  await page.click("#add-file-row");
  await page.selectOption("#file-type-1", "attachment");
  await page.evaluate(() => (window.__fake.openPath = "/home/tester/data/vedlegg.pdf"));
  await page.click("#file-choose-1");
  await page.waitForFunction(() => document.querySelector("#file-name-1").textContent === "vedlegg.pdf");
  assert.deepEqual((await calls("choose_path"))[1].args.request, { kind: "open", name: "Data", extensions: ["pdf"] });

  await page.click("#create-instance");
  await page.waitForSelector('#instance-result[data-state="task"]');
  assert.deepEqual((await calls("create_instance"))[0].args.request.mode, {
    kind: "multipart",
    files: [
      { dataType: "model", path: "/home/tester/data/skjema.json", contentType: null },
      { dataType: "attachment", path: "/home/tester/data/vedlegg.pdf", contentType: null },
    ],
  });
  const elements = await page.$$eval("#instance-data tbody tr", (trs) => trs.map((tr) => tr.dataset.type));
  assert.deepEqual(elements, ["model", "attachment"]);
  await context.close();
});

test("follow-up: update data, move on, then save the receipt where the save dialog says; the flow lights up", async () => {
  const { page, calls, context } = await openStep();
  assert.deepEqual(await flow(page), { created: "pending", task: "pending", ended: "pending", receipt: "pending" });
  const id = await createEmpty(page);
  const guid = id.split("/")[1];
  assert.match(await page.textContent("#instance-flow"), /Created.*Done.*Task_1 \(Utfylling\).*Here now.*Ended.*Not yet.*Receipt.*Not yet/s, "words, not colour alone");
  assert.equal(await page.textContent('[data-testid="instance-task"]'), "Task_1 (Utfylling)");
  assert.equal(await page.isDisabled("#save-receipt"), true, "no receipt before the end");
  assert.match(await page.textContent("#receipt-help"), /move the instance on first/);

  await page.evaluate(() => (window.__fake.openPath = "/home/tester/data/ny-versjon.json"));
  await page.click('#instance-data [data-testid="update-element"]');
  await page.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === "update_instance_data"));
  const [update] = await calls("update_instance_data");
  const element = await page.getAttribute("#instance-data tbody tr", "data-element");
  assert.deepEqual(update.args, { request: { profile: "Sandkasse", id, element, path: "/home/tester/data/ny-versjon.json", contentType: null } });
  await page.waitForFunction(() => document.querySelector("#instance-data tbody tr").textContent.includes("application/json"));
  assert.match(await page.textContent("#status"), /Data element “model” updated/);

  await page.click("#advance-instance");
  await page.waitForSelector('#instance-result[data-state="ended"]');
  assert.deepEqual((await calls("advance_instance")).map((c) => c.args), [{ request: { profile: "Sandkasse", id } }]);
  assert.deepEqual(await flow(page), { created: "done", task: "done", ended: "done", receipt: "current" });
  assert.match(await page.textContent('#instance-flow [data-step="task"]'), /Task_1 \(Utfylling\).*Done/s, "the task keeps its name after the end");
  assert.match(await page.textContent('#instance-flow [data-step="receipt"]'), /Ready to save/);
  assert.equal(await page.isDisabled("#advance-instance"), true);
  assert.equal(await focused(page), "save-receipt", "focus goes to the next thing to do");
  assert.equal(await page.$('#instance-data [data-testid="update-element"]'), null, "ended: data can no longer change");
  assert.match(await page.textContent("#status"), /has ended\. Its receipt can be saved/);

  await page.evaluate(() => (window.__fake.savePath = "/home/tester/Kvitteringer/min-kvittering.pdf"));
  await page.keyboard.press("Enter");
  await page.waitForSelector("#receipt-saved");
  const [dialog] = (await calls("choose_path")).filter((c) => c.args.request.kind === "save");
  assert.deepEqual(dialog.args.request, { kind: "save", defaultName: `kvittering-${guid}.pdf`, extension: "pdf" });
  assert.deepEqual((await calls("save_receipt")).map((c) => c.args), [{ request: { profile: "Sandkasse", id, path: "/home/tester/Kvitteringer/min-kvittering.pdf" } }]);
  assert.match(await page.textContent("#receipt-saved"), /Receipt saved to.*\/home\/tester\/Kvitteringer\/min-kvittering\.pdf/s);
  assert.deepEqual(await flow(page), { created: "done", task: "done", ended: "done", receipt: "done" });
  assert.match(await page.textContent('#instance-flow [data-step="receipt"]'), /Saved/);
  assert.equal(await page.getAttribute("#instance-result", "data-state"), "saved");
  await context.close();
});

test("cancelling the save dialog saves nothing, and a failed follow-up shows the backend's words", async () => {
  const { page, calls, context } = await openStep();
  await createEmpty(page);
  await page.evaluate(() => (window.__fake.failNext.advance_instance = { kind: "server", message: "409 Conflict: the task is not complete.", hint: "Fill in the form first." }));
  await page.click("#advance-instance");
  await page.waitForSelector("#instance-result .error-note");
  assert.match(await page.textContent("#instance-result .error-note"), /409 Conflict.*Fill in the form first/s);
  assert.equal(await focused(page), "advance-instance");
  await page.click("#advance-instance");
  await page.waitForSelector('#instance-result[data-state="ended"]');
  await page.evaluate(() => (window.__fake.savePath = null));
  await page.click("#save-receipt");
  await page.waitForFunction(() => window.__fake.calls.some((c) => c.cmd === "choose_path" && c.args.request.kind === "save"));
  assert.deepEqual(await calls("save_receipt"), []);
  await context.close();
});

test("delete asks first: Cancel sends nothing, confirming sends confirmed: true", async () => {
  const { page, calls, context } = await openStep();
  const id = await createEmpty(page);
  await page.click("#delete-instance");
  const dialog = await page.waitForSelector("#delete-instance-dialog[open]");
  assert.match(await dialog.textContent(), new RegExp(`Instance ${id} will be hard-deleted in ttd/sandbox-app-b: gone for good, not only moved to the owner.s trash\\. This cannot be undone`));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), "confirm-cancel", "the safe choice has the focus");
  await page.click('#delete-instance-dialog [data-testid="confirm-cancel"]');
  await page.waitForFunction(() => !document.querySelector("#delete-instance-dialog").open);
  assert.equal(await focused(page), "delete-instance", "focus returns to the opener");
  assert.deepEqual(await calls("delete_instances"), [], "nothing is sent without consent");

  await page.keyboard.press("Enter");
  await page.waitForSelector("#delete-instance-dialog[open]");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !document.querySelector("#delete-instance-dialog").open);
  assert.deepEqual(await calls("delete_instances"), [], "Escape is a cancel too");

  await page.click("#delete-instance");
  await page.click('#delete-instance-dialog [data-testid="confirm-ok"]');
  await page.waitForSelector('#instance-result[data-state="none"]');
  assert.deepEqual((await calls("delete_instances")).map((c) => c.args), [{ request: { profile: "Sandkasse", ids: [id], allMadeHere: false, confirmed: true } }]);
  assert.match(await page.textContent("#status"), new RegExp(`Instance ${id} deleted`));
  await page.waitForSelector(`#made-here-table tr[data-instance="${id}"] .tag`);
  assert.match(await page.textContent(`#made-here-table tr[data-instance="${id}"]`), /Deleted/);
  await context.close();
});

test("made here lists this profile's instantiate and bulk entries, shows one, and deletes all after a confirmation", async () => {
  const history = [
    { at: "2026-03-02T09:00:00Z", profile: "Sandkasse", action: "instantiate", app: "ttd/sandbox-app-b", instanceId: "50001001/aaaa", owner: "organisation 313725138", outcome: "created", succeeded: true },
    { at: "2026-03-02T09:01:00Z", profile: "Sandkasse", action: "process-next", app: "ttd/sandbox-app-b", instanceId: "50001001/aaaa", owner: null, outcome: "moved on", succeeded: true },
    { at: "2026-03-02T09:02:00Z", profile: "Sandkasse", action: "bulk", app: "ttd/sandbox-app-b", instanceId: "50001002/bbbb", owner: "organisation 310987654", outcome: "created", succeeded: true },
    { at: "2026-03-02T09:03:00Z", profile: "Sandkasse", action: "instantiate", app: "ttd/sandbox-app-b", instanceId: null, owner: "organisation 312345676", outcome: "403 Forbidden: not allowed to instantiate.", succeeded: false },
    { at: "2026-03-02T09:04:00Z", profile: "Annen", action: "instantiate", app: "ttd/sandbox-app-b", instanceId: "50009999/zzzz", owner: "organisation 313725138", outcome: "created", succeeded: true },
    { at: "2026-03-02T09:05:00Z", profile: "Sandkasse", action: "instantiate", app: "ttd/sandbox-app-b", instanceId: "50001003/cccc", owner: "organisation 313725138", outcome: "created", succeeded: true },
    { at: "2026-03-02T09:06:00Z", profile: "Sandkasse", action: "delete", app: "ttd/sandbox-app-b", instanceId: "50001003/cccc", owner: null, outcome: "deleted", succeeded: true },
  ];
  const { page, calls, context } = await openStep({ history });
  await page.waitForSelector("#made-here-table");
  const rows = await page.$$eval("#made-here-table tbody tr", (trs) => trs.map((tr) => [tr.dataset.instance, tr.dataset.action]));
  assert.deepEqual(rows, [["50001003/cccc", "instantiate"], ["", "instantiate"], ["50001002/bbbb", "bulk"], ["50001001/aaaa", "instantiate"]], "newest first, only this profile's creations");
  assert.match(await page.textContent('#made-here-table tr[data-instance="50001003/cccc"]'), /Deleted/);
  assert.equal(await page.$('#made-here-table tr[data-instance="50001003/cccc"] [data-testid="show-instance"]'), null);
  assert.match(await page.textContent("#made-here-table tbody tr:nth-child(2)"), /403 Forbidden/);
  assert.match(await page.textContent('#made-here-table tr[data-instance="50001002/bbbb"]'), /Bulk.*organisation 310987654/s);

  // The fake knows no such instance yet: add it so "Show" finds it.
  await page.evaluate(() => {
    window.__fake.instances["50001002/bbbb"] = {
      id: "50001002/bbbb", appId: "ttd/sandbox-app-b", ownerPartyId: "50001002", currentTask: null, currentTaskName: null, ended: "2026-03-02T09:10:00Z",
      data: [{ id: "r1", dataType: "ref-data-as-pdf", contentType: "application/pdf", size: 1530, filename: "receipt.pdf" }], appLink: null, created: "2026-03-02T09:02:00Z", lastChanged: "2026-03-02T09:10:00Z",
    };
  });
  await page.click('#made-here-table tr[data-instance="50001002/bbbb"] [data-testid="show-instance"]');
  await page.waitForSelector('#instance-result[data-state="ended"]');
  assert.deepEqual((await calls("show_instance")).map((c) => c.args), [{ request: { profile: "Sandkasse", id: "50001002/bbbb" } }]);
  assert.equal(await focused(page), "instance-result-heading");
  assert.equal(await page.getAttribute('#made-here-table tr[data-instance="50001002/bbbb"]', "class"), "selected");
  assert.equal(await page.isDisabled("#save-receipt"), false);

  await page.click("#delete-all-made-here");
  const dialog = await page.waitForSelector("#delete-all-dialog[open]");
  assert.match(await dialog.textContent(), /The 2 instances this tool made with profile “Sandkasse” and has not deleted yet will be deleted in ttd\/sandbox-app-b/);
  await page.click('#delete-all-dialog [data-testid="confirm-cancel"]');
  assert.deepEqual(await calls("delete_instances"), []);
  await page.click("#delete-all-made-here");
  await page.click('#delete-all-dialog [data-testid="confirm-ok"]');
  await page.waitForFunction(() => !document.querySelector("#delete-all-dialog").open);
  assert.deepEqual((await calls("delete_instances")).map((c) => c.args), [{ request: { profile: "Sandkasse", ids: [], allMadeHere: true, confirmed: true } }]);
  await page.waitForSelector("#delete-failures");
  assert.match(await page.textContent("#delete-failures"), /could not be deleted.*50001001\/aaaa.*not found/s, "the one the app did not know is reported");
  await page.waitForSelector('#instance-result[data-state="none"]');
  assert.match(await page.textContent("#status"), /Deleted 1 of 2 instances/);
  // A failed delete leaves the instance on the list, so it can be tried again.
  await page.waitForFunction(() => !document.querySelector('#made-here-table tr[data-instance="50001001/aaaa"]')?.textContent?.includes("Deleted"), null, { timeout: 3000 });
  assert.equal(await page.isDisabled("#delete-all-made-here"), false);
  await context.close();
});

test("bulk: live progress from the channel, pause and resume through steer_bulk, then the summary", async () => {
  const { page, calls, context } = await openStep({ bulkStepMs: 150 });
  assert.match(await page.textContent("#bulk-unknown-note"), /never sent twice.*partyId column/s);
  assert.equal(await page.inputValue("#bulk-concurrency"), "4");

  await page.click("#start-bulk");
  assert.match(await page.textContent("#bulk-csv-error"), /Choose a CSV file/);
  assert.equal(await focused(page), "choose-csv");
  await page.fill("#bulk-concurrency", "40");
  await page.evaluate(() => (window.__fake.openPath = "/home/tester/testdata/eiere.csv"));
  await page.click("#choose-csv");
  await page.waitForFunction(() => document.querySelector("#bulk-csv-name").textContent === "eiere.csv");
  assert.deepEqual((await calls("choose_path"))[0].args.request, { kind: "open", name: "CSV", extensions: ["csv"] });
  await page.click("#start-bulk");
  assert.match(await page.textContent("#bulk-concurrency-error"), /whole number from 1 to 32/);
  assert.equal(await focused(page), "bulk-concurrency");
  assert.deepEqual(await calls("start_bulk"), [], "nothing starts with a bad concurrency");

  await page.fill("#bulk-concurrency", "8");
  await page.click("#start-bulk");
  await page.waitForFunction(() => Number(document.querySelector("#bulk-progress-bar")?.value) >= 1);
  const [start] = await calls("start_bulk");
  assert.deepEqual(start.args.request, { profile: "Sandkasse", csvPath: "/home/tester/testdata/eiere.csv", concurrency: 8, resultsPath: null });
  assert.match(start.args.onProgress, /^__CHANNEL__:\d+$/, "progress comes over a Channel");
  assert.equal(await page.getAttribute("#bulk-progress-bar", "max"), "6");
  assert.match(await page.textContent("#bulk-count"), /[1-6] of 6 rows/);
  assert.match(await page.textContent("#bulk-rate"), /\d+\.\d per second/);
  assert.match(await page.textContent("#bulk-eta"), /about \d+ s left/);
  assert.equal(await page.isDisabled("#start-bulk"), true, "one run at a time");

  await page.click("#pause-bulk");
  await page.waitForFunction(() => document.querySelector("#bulk-progress")?.dataset.state === "paused");
  assert.deepEqual((await calls("steer_bulk")).map((c) => c.args), [{ request: { action: "pause" } }]);
  assert.match(await page.textContent("#bulk-state"), /Paused/);
  assert.equal(await page.getAttribute("#bulk-state", "aria-live"), "polite");
  assert.equal((await page.textContent("#pause-bulk")).trim(), "Resume");
  assert.equal(await focused(page), "pause-bulk", "the same button, so focus stays on it");
  const held = await page.getAttribute("#bulk-progress-bar", "value");
  await page.waitForTimeout(450);
  assert.ok(Number(await page.getAttribute("#bulk-progress-bar", "value")) <= Number(held) + 1, "at most the request in flight finishes while paused");

  await page.click("#pause-bulk");
  assert.deepEqual((await calls("steer_bulk")).map((c) => c.args.request.action), ["pause", "resume"]);
  await page.waitForSelector("#bulk-summary");
  assert.equal(await page.textContent('[data-testid="bulk-created"]'), "4");
  assert.equal(await page.textContent('[data-testid="bulk-failed"]'), "1");
  assert.equal(await page.textContent('[data-testid="bulk-unknown"]'), "1");
  assert.equal(await page.textContent("#bulk-results-file"), "/home/tester/testdata/eiere.results.csv");
  const problems = await page.$$eval("#bulk-problems tbody tr", (trs) => trs.map((tr) => [tr.dataset.line, tr.dataset.status, tr.textContent.replace(/\s+/g, " ")]));
  assert.deepEqual(problems.map((p) => p.slice(0, 2)), [["4", "failed"], ["6", "unknown"]]);
  assert.match(problems[0][2], /312345676.*Failed.*403 Forbidden/);
  assert.match(problems[1][2], /310000019.*Unknown.*502 Bad Gateway/);
  assert.match(await page.textContent("#bulk-state"), /Finished: 4 created, 1 failed, 1 unknown/);
  assert.match(await page.textContent("#status"), /Bulk run finished: 4 created, 1 failed, 1 unknown/);
  assert.equal(await focused(page), "bulk-summary-title", "the person was in the bulk card, so focus goes to the result");
  assert.equal(await page.$("#pause-bulk"), null, "nothing to steer after the end");
  await page.waitForFunction(() => document.querySelectorAll('#made-here-table tr[data-action="bulk"]').length === 4);
  await context.close();
});

test("bulk: Cancel calls steer_bulk and the rows not sent are counted as skipped", async () => {
  const { page, calls, context } = await openStep({ bulkStepMs: 200 });
  await page.evaluate(() => (window.__fake.openPath = "/tmp/eiere.csv"));
  await page.click("#choose-csv");
  await page.waitForFunction(() => document.querySelector("#bulk-csv-name").textContent === "eiere.csv");
  await page.click("#start-bulk");
  await page.waitForFunction(() => Number(document.querySelector("#bulk-progress-bar")?.value) >= 1);
  await page.click("#cancel-bulk");
  assert.deepEqual((await calls("steer_bulk")).map((c) => c.args), [{ request: { action: "cancel" } }]);
  await page.waitForSelector("#bulk-summary");
  const skipped = Number(await page.textContent('[data-testid="bulk-skipped"]'));
  assert.ok(skipped >= 1 && skipped <= 5, `some rows were skipped (${skipped})`);
  assert.match(await page.textContent("#bulk-tally-final"), /Skipped \(not sent\)/);
  await context.close();
});

test("bulk: a CSV the backend refuses shows its message and hint by Start; a run goes on while another step is shown", async () => {
  const { page, context } = await openStep({ bulkStepMs: 100 });
  await page.evaluate(() => (window.__fake.openPath = "/tmp/not-a-csv.txt"));
  await page.click("#choose-csv");
  await page.waitForFunction(() => document.querySelector("#bulk-csv-name").textContent === "not-a-csv.txt");
  await page.click("#start-bulk");
  await page.waitForSelector("#bulk-form .error-note");
  assert.match(await page.textContent("#bulk-form .error-note"), /no "owner" column.*What to do:.*The first line names the columns/s);

  await page.evaluate(() => (window.__fake.openPath = "/tmp/eiere.csv"));
  await page.click("#choose-csv");
  await page.waitForFunction(() => document.querySelector("#bulk-csv-name").textContent === "eiere.csv");
  await page.click("#start-bulk");
  await page.waitForSelector("#bulk-progress-bar");
  await page.click("#nav-token");
  await page.waitForSelector("#token-heading");
  await page.waitForFunction(() => window.__fake.bulkState === null, null, { timeout: 5000 });
  await page.click("#nav-instances");
  await page.waitForSelector("#bulk-summary");
  assert.equal(await page.textContent('[data-testid="bulk-created"]'), "4", "the finished run is shown on return");
  assert.equal(await page.$("#bulk-form .error-note"), null);
  await context.close();
});

test("the created instance is still shown after visiting another step, but never for another profile", async () => {
  const { page, context } = await openStep({ profiles: [profile("Sandkasse"), profile("Annen")] });
  const id = await createEmpty(page);
  await page.click("#nav-keys");
  await page.waitForSelector("#keys-heading");
  await page.click("#nav-instances");
  await page.waitForSelector('#instance-result[data-state="task"]');
  assert.equal(await page.textContent('[data-testid="instance-id"]'), id);

  await page.click("#nav-profiles");
  await page.click('#profiles-table tr[data-profile="Annen"] [data-testid="use-profile"]');
  await page.click("#nav-instances");
  await page.waitForSelector('#instance-result[data-state="none"]');
  await context.close();
});

test("a profile without app B says where to set it; none active says where to choose one", async () => {
  const { page, calls, context } = await h.open({ hash: "#/instances", seed: { profiles: [profile("Uten app", { appB: null })], keys, activeProfile: "Uten app" } });
  await page.waitForSelector("#instances-no-app-b");
  assert.match(await page.textContent("#instances-no-app-b"), /names no app B.*ttd\/sandbox-app-b/);
  assert.deepEqual(await calls("get_app_overview"), []);
  await context.close();

  const none = await h.open({ hash: "#/instances", seed: { profiles: [profile("A"), profile("B")], keys } });
  await none.page.waitForSelector("#instances-no-profile");
  await none.page.click("#instances-no-profile a");
  await none.page.waitForSelector("#profiles-heading");
  await none.context.close();
});

test("the step reads in bokmål, and the owner is checked once typing pauses", async () => {
  const { page, calls, context } = await openStep({}, { locale: "nb-NO" });
  assert.match(await page.textContent("#nav-instances"), /Instanser/);
  assert.match(await page.textContent("#app-glance-title"), /App B i korte trekk/);
  assert.match(await page.textContent("#party-types"), /Personer: ikke tillatt/);
  await page.fill("#instance-owner", "313725139");
  // No click: the check shows by itself once typing pauses.
  await page.waitForSelector("#instance-owner-error", { timeout: 3000 });
  assert.match(await page.textContent("#instance-owner-error"), /ikke et gyldig organisasjonsnummer: kontrollsifferet stemmer ikke/);
  assert.deepEqual(await calls("create_instance"), []);
  await context.close();
});

test("screenshots of the instances step: an instance at its task in English, a finished bulk run in Norwegian", async () => {
  const dir = join(uiDir, "..", "artifacts");
  await mkdir(dir, { recursive: true });

  const en = await openStep();
  await en.page.fill("#instance-owner", "313725138");
  await en.page.check("#mode-prefill");
  await en.page.fill("#prefill-key-0", "navn");
  await en.page.fill("#prefill-value-0", "Testbedrift AS");
  await en.page.click("#add-prefill-row");
  await en.page.fill("#prefill-key-1", "kontakt.epst");
  await en.page.fill("#prefill-value-1", "test@example.no");
  await en.page.click("#create-instance");
  await en.page.waitForSelector("#ignored-prefill-keys");
  await en.page.waitForSelector("#made-here-table");
  await screenshot(en.page, join(dir, "ui-instances.png"));
  await en.context.close();

  const nb = await openStep({ bulkStepMs: 30 }, { locale: "nb-NO" });
  await nb.page.evaluate(() => (window.__fake.openPath = "/home/tester/testdata/eiere.csv"));
  await nb.page.click("#choose-csv");
  await nb.page.waitForFunction(() => document.querySelector("#bulk-csv-name").textContent === "eiere.csv");
  await nb.page.click("#start-bulk");
  await nb.page.waitForSelector("#bulk-summary");
  await nb.page.waitForSelector("#made-here-table");
  await screenshot(nb.page, join(dir, "ui-instances-bulk-nb.png"));
  await nb.context.close();
});
