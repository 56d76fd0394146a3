// The system-user step against the fake backend: the scopes added on the sandbox only, the
// system written only on the button that says so, the request's link and QR code, the visible
// poll that stops on the customer's decision (and can be stopped), the proof only once approved,
// a person coming back finding the request again, and app B's findings.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startHarness } from "./harness.js";

const profile = (name, fields = {}) => ({
  name, environment: { kind: "sandbox" }, orgNumber: "312345676", clientId: "vendor-client",
  scopes: ["altinn:serviceowner/instances.read"], appA: null, appB: "ttd/sandbox-app-b",
  keyId: "vendor-key", vaultUrl: null, secretPrefix: null, sectionName: null, ...fields,
});
const keys = [{ kid: "vendor-key", bits: 2048, created: "2026-01-01T00:00:00Z", expires: "2027-06-01T00:00:00Z", thumbprint: "t", source: "generated" }];
const seed = (extra = {}) => ({ profiles: [profile("Vendor")], keys, activeProfile: "Vendor", ...extra });
const CUSTOMER = "310987654";
/** ui/src/lib/systemUserView.ts */
const POLL_MS = 3000;

/** Opens a checklist step unless it is open already (the next step opens by itself). */
async function openStep(page, id) {
  if ((await page.getAttribute(`#guide-toggle-${id}`, "aria-expanded")) !== "true") await page.click(`#guide-toggle-${id}`);
  await page.waitForSelector(`#guide-body-${id}`);
}

let h;
before(async () => (h = await startHarness()));
after(() => h?.stop());

test("a vendor walks scopes, system, request, approval by poll and proof, in order", async () => {
  const { page, calls, context, errors } = await h.open({ hash: "#/systemuser", seed: seed({ systemUser: { pollsBeforeDecision: 2 } }), clock: true });
  await page.waitForSelector("#su-scopes-missing");
  assert.match(await page.textContent("#su-scopes-missing"), /systemregister\.write.*instances\.write/s);
  await page.click("#su-scopes-add");
  await page.waitForSelector("#su-scopes-ok");

  await page.click("#su-system-read");
  await page.waitForSelector("#su-system-absent");
  assert.match(await page.textContent("#su-system-changes"), /create the system 312345676_maskinporten-assistant/);
  assert.equal((await calls("register_system")).length, 1);
  assert.equal((await calls("register_system"))[0].args.request.confirmed, false, "reading never writes");
  await page.click("#su-system-write");
  await page.waitForSelector("#su-system-written");
  assert.equal((await calls("register_system"))[1].args.request.confirmed, true);

  assert.equal(await page.isDisabled("#su-proof-token"), true, "no proof before an approved request");
  await page.fill("#su-customer", "310987655");
  await page.waitForSelector("#su-customer-error");
  assert.equal(await page.isDisabled("#su-send"), true, "a wrong organisation number is not sent");
  await page.fill("#su-customer", CUSTOMER);
  await page.fill("#su-external-ref", "ref-1");
  await page.click("#su-send");
  await page.waitForSelector("#su-request-view[data-status='new']");
  assert.match(await page.textContent("#su-confirm-url"), /^https:\/\/authn\.ui\.tt02\.altinn\.no\//);
  assert.ok(await page.$("#su-qr path[d^='M']"), "the QR code is drawn");
  assert.equal(await page.getAttribute("#su-qr", "role"), "img");
  await page.waitForSelector("#su-poll[data-polling='true']");
  assert.deepEqual((await calls("request_system_user"))[0].args.request, { profile: "Vendor", customer: CUSTOMER, externalRef: "ref-1" });

  // The fake approves on the third read: the window gets there by itself, a read per 3 s.
  await page.clock.runFor(2 * POLL_MS);
  assert.equal((await calls("get_system_user_request")).length, 2, "one read per interval");
  assert.equal(await page.getAttribute("#su-request-view", "data-status"), "new");
  await page.clock.runFor(POLL_MS);
  await page.waitForSelector("#su-request-view[data-status='accepted']");
  assert.equal(await page.$("#su-qr"), null, "no link to approve once decided");
  assert.equal(await page.$("#su-poll"), null);
  await page.clock.runFor(10 * POLL_MS);
  assert.equal((await calls("get_system_user_request")).length, 3, "no more status reads after the decision");

  await page.click("#su-proof-token");
  await page.waitForSelector("#su-proof-report[data-ok='true'] [data-testid='claim-altinn-system-user']");
  const [run] = await calls("run_token_test");
  assert.deepEqual(
    { org: run.args.request.options.systemUserOrg, ref: run.args.request.options.externalRef, exchange: run.args.request.options.exchange },
    { org: CUSTOMER, ref: "ref-1", exchange: true },
  );
  await page.click("#su-proof-instance");
  await page.waitForSelector("#su-proof-made");
  const [made] = await calls("create_instance");
  assert.deepEqual(made.args.request.acting, { systemUserOrg: CUSTOMER, externalRef: "ref-1" });
  assert.equal(made.args.request.owner, CUSTOMER);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the poll can be stopped and started again, and a rejection ends it with its next step", async () => {
  const { page, calls, context } = await h.open({ hash: "#/systemuser", seed: seed({ systemUser: { pollsBeforeDecision: 1, decision: "rejected", systems: {} } }), clock: true });
  await page.click("#su-system-read");
  await page.click("#su-system-write");
  await page.waitForSelector("#su-system-written");
  await page.fill("#su-customer", CUSTOMER);
  await page.click("#su-send");
  await page.waitForSelector("#su-poll[data-polling='true']");
  await page.click("#su-poll-toggle");
  await page.waitForSelector("#su-poll[data-polling='false']");
  await page.clock.runFor(10 * POLL_MS);
  assert.equal((await calls("get_system_user_request")).length, 0, "stopped means no reads");
  await page.click("#su-poll-toggle");
  await page.waitForSelector("#su-poll[data-polling='true']");
  await page.clock.runFor(POLL_MS);
  await page.waitForSelector("#su-request-view[data-status='rejected']");
  assert.match(await page.textContent("#su-next-step"), /did not approve/);
  assert.equal(await page.isDisabled("#su-proof-token"), true);
  await context.close();
});

test("coming back, the window shows the customer's pending request again", async () => {
  const pending = {
    id: "req-9", externalRef: "ref-9", systemId: "312345676_maskinporten-assistant", partyOrgNo: CUSTOMER, rights: [], status: "new",
    confirmUrl: "https://authn.ui.tt02.altinn.no/authfront/ui/auth/vendorrequest?id=req-9",
  };
  const reader = profile("Vendor", { scopes: ["altinn:authentication/systemuser.request.read"] });
  const { page, context } = await h.open({ hash: "#/systemuser", seed: { profiles: [reader], keys, activeProfile: "Vendor", systemUser: { requests: [pending], pollsBeforeDecision: 99 } } });
  await page.waitForSelector("#su-request-view[data-id='req-9'][data-status='new']");
  assert.equal(await page.inputValue("#su-customer"), CUSTOMER);
  assert.equal(await page.inputValue("#su-external-ref"), "ref-9");
  await context.close();
});

test("a profile whose client may not read requests is not asked for them, and opening the screen shows no error", async () => {
  const { page, calls, context } = await h.open({ hash: "#/systemuser", seed: seed() });
  await page.waitForSelector("#su-scopes-missing");
  assert.equal((await calls("list_system_user_requests")).length, 0);
  assert.doesNotMatch(await page.textContent("#status"), /Error|error/);
  await context.close();
});

test("Stop holds even when an answer is on its way, and a profile switch forgets the other profile's request", async () => {
  const other = profile("Other", { orgNumber: "310987654" });
  const { page, calls, context } = await h.open({ hash: "#/systemuser", seed: { profiles: [profile("Vendor"), other], keys, activeProfile: "Vendor", systemUser: { pollsBeforeDecision: 99 } }, clock: true });
  await page.click("#su-system-read");
  await page.click("#su-system-write");
  await page.waitForSelector("#su-system-written");
  await page.fill("#su-customer", CUSTOMER);
  await page.click("#su-send");
  await page.waitForSelector("#su-poll[data-polling='true']");
  // A read that takes a while: Stop is pressed while it is on its way.
  await page.evaluate(() => { window.__fake.suDelayMs = 500; });
  await page.clock.runFor(POLL_MS);
  await page.click("#su-poll-toggle");
  await page.clock.runFor(1000);
  await page.waitForSelector("#su-poll[data-polling='false']");
  const reads = (await calls("get_system_user_request")).length;
  await page.clock.runFor(10 * POLL_MS);
  assert.equal((await calls("get_system_user_request")).length, reads, "stopped stays stopped");

  await page.click("#nav-profiles");
  await page.click('#profiles-table tr[data-profile="Other"] [data-testid="use-profile"]');
  await page.click("#nav-systemuser");
  await page.waitForSelector("#su-request");
  assert.equal(await page.inputValue("#su-customer"), "", "a fresh form for the other profile");
  assert.equal(await page.$("#su-request-view"), null, "the other profile's request is not shown");
  await context.close();
});

test("a real client's scopes are named, not added; app B's findings come with file, line and fix", async () => {
  const { page, calls, context } = await h.open({ hash: "#/systemuser", seed: { profiles: [profile("Real", { environment: { kind: "test" } })], keys, activeProfile: "Real" } });
  await page.waitForSelector("#su-scopes-missing");
  assert.equal(await page.$("#su-scopes-add"), null, "no button for a real client");
  assert.match(await page.textContent("#su-scopes"), /Samarbeidsportalen/);
  assert.equal((await calls("system_user_scopes")).every((c) => c.args.add === false), true);

  await page.fill("#su-appb-folder", "/repos/old-app-b");
  await page.click("#su-appb-check");
  await page.waitForSelector("#su-appb-report[data-count='2']");
  const text = await page.textContent("#su-appb-report");
  assert.match(text, /App\/App\.csproj:3.*8\.6\.0 or later/s);
  assert.match(text, /urn:altinn:rolecode = dagl/);
  await page.fill("#su-appb-folder", "/repos/app-b");
  await page.click("#su-appb-check");
  await page.waitForSelector("#su-appb-ready");
  await context.close();
});

test("the checklist takes a vendor's profile down the system-user route, and the person can switch", async () => {
  const vendor = profile("Vendor", { scopes: ["altinn:authentication/systemregister.write", "altinn:authentication/systemuser.request.write", "altinn:authentication/systemuser.request.read", "altinn:instances.read", "altinn:instances.write"] });
  const { page, calls, context, errors } = await h.open({ hash: "#/guide", seed: { profiles: [vendor], keys, activeProfile: "Vendor", systemUser: { pollsBeforeDecision: 1 } }, clock: true });
  await page.waitForSelector("#guide-route[data-route='system_user']");
  assert.match(await page.textContent("#guide-route-reason"), /no app A/);
  const ids = await page.$$eval("#guide-steps > li", (items) => items.map((li) => li.id.replace("guide-step-", "")));
  assert.deepEqual(ids, ["client", "key", "system_register", "system_user_approval", "app_b_system_users", "token", "exchange", "instance"]);
  assert.ok(await page.$("#flow-vendor") && (await page.$("#flow-customer")), "the picture starts with the vendor's system");
  assert.equal(await page.$("#flow-keyvault"), null);
  // Before the customer approves, the proofs say what they wait for instead of running as the vendor.
  await openStep(page, "token");
  assert.match(await page.textContent("#guide-token-waits"), /customer's approval/);
  assert.equal(await page.$("#guide-token-run"), null);

  await openStep(page, "system_register");
  await page.click("#guide-body-system_register #su-system-read");
  await page.click("#guide-body-system_register #su-system-write");
  await page.waitForSelector("#guide-step-system_register[data-state='verified']");

  await openStep(page, "system_user_approval");
  await page.fill("#su-customer", CUSTOMER);
  await page.fill("#su-external-ref", "ref-7");
  await page.click("#su-send");
  await page.waitForSelector("#su-poll[data-polling='true']");
  await page.waitForSelector("#guide-step-system_user_approval[data-state='todo']");
  await page.clock.runFor(2 * POLL_MS);
  await page.waitForSelector("#guide-step-system_user_approval[data-state='verified']");
  await page.waitForSelector("#flow-customer[data-state='ok']");

  await openStep(page, "token");
  await page.click("#guide-token-run");
  await page.waitForSelector("#guide-step-token[data-state='verified']");
  const [run] = await calls("run_token_test");
  assert.deepEqual([run.args.request.options.systemUserOrg, run.args.request.options.externalRef], [CUSTOMER, "ref-7"]);

  await openStep(page, "instance");
  assert.match(await page.textContent("#guide-instance-acting"), /310987654/);
  assert.equal(await page.inputValue("#guide-instance-owner"), CUSTOMER);
  await page.click("#guide-instance-create");
  await page.waitForSelector("#guide-step-instance[data-state='verified']");
  const [made] = await calls("create_instance");
  assert.deepEqual(made.args.request.acting, { systemUserOrg: CUSTOMER, externalRef: "ref-7" });

  await page.click("#guide-route-multi_app");
  await page.waitForSelector("#guide-route[data-route='multi_app']");
  assert.equal(await page.$$eval("#guide-steps > li", (items) => items.length), 10);
  assert.match(await page.textContent("#guide-route-reason"), /Chosen by you/);
  assert.ok(await page.$("#flow-keyvault"));
  await page.click("#guide-route-system_user");
  await page.waitForSelector("#guide-step-instance[data-state='verified']");
  assert.deepEqual(errors, []);
  await context.close();
});
