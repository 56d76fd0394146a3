// Runs inside the page before fake-backend.js: the system-user path of the fake Rust side. The
// vendor's system lives in `fake.systems`, requests in `fake.suRequests`; a request stays "new"
// for `seed.systemUser.pollsBeforeDecision` status reads (then takes `decision`, default
// accepted), so the window's visible poll can be watched. The scopes, the changes and the next
// steps are worded as Rust words them.
(() => {
  (window.__fakeExtensions ??= []).push(({ fake, seed, appError, findProfile }) => {
    const l = (en, nb) => ({ en, nb });
    const SCOPES = [
      "altinn:authentication/systemregister.write",
      "altinn:authentication/systemuser.request.write",
      "altinn:authentication/systemuser.request.read",
      "altinn:instances.read",
      "altinn:instances.write",
    ];
    const options = seed.systemUser ?? {};
    fake.systems = options.systems ?? {};
    fake.suRequests = options.requests ?? [];
    fake.suReads = 0;
    const NEXT = {
      new: l("Send the confirm link to someone at the customer who may approve it, and wait for the status to change.", "Send godkjenningslenken til noen hos kunden som kan godkjenne den, og vent på at statusen endres."),
      accepted: l("Approved: get the system-user token, exchange it and create an instance as the system user.", "Godkjent: hent systembrukertokenet, veksle det og lag en instans som systembrukeren."),
      rejected: l("The customer did not approve. Ask why, then send a new request.", "Kunden godkjente ikke. Spør hvorfor, og send en ny forespørsel."),
    };
    // A small valid-looking picture: the three finder squares of a 21-module code.
    const finder = (x, y) => `M${x} ${y}h7v7h-7zM${x + 1} ${y + 1}v5h5v-5z`;
    const QR = { size: 29, path: finder(4, 4) + finder(18, 4) + finder(4, 18) };
    const view = (request) => ({
      request: { ...request, status: request.status[0].toUpperCase() + request.status.slice(1) },
      status: request.status,
      nextStep: NEXT[request.status] ?? NEXT.rejected,
      confirmQr: request.status === "new" ? QR : null,
    });
    const systemId = (profile) => `${profile.orgNumber}_maskinporten-assistant`;
    const right = (profile) => ({ resource: [{ id: "urn:altinn:resource", value: `app_${profile.appB.replace("/", "_")}` }] });

    return {
      system_user_scopes: ({ profile: name, add }) => {
        const profile = findProfile(name);
        const missing = SCOPES.filter((s) => !profile.scopes.includes(s));
        if (add && missing.length > 0) {
          if (profile.environment.kind !== "sandbox") throw appError("invalid_input", `The scopes of a real client are granted in Samarbeidsportalen, not here: ${missing.join(", ")}.`);
          profile.scopes = profile.scopes.concat(missing);
          return { needed: SCOPES, missing: [], added: true };
        }
        return { needed: SCOPES, missing, added: false };
      },
      register_system: ({ request: { profile: name, confirmed } }) => {
        const profile = findProfile(name);
        const id = systemId(profile);
        const registered = fake.systems[id] ?? null;
        const changes = [];
        if (!registered) changes.push(l(`create the system ${id}`, `opprette systemet ${id}`));
        else if (!registered.clientId.includes(profile.clientId)) changes.push(l(`add client id ${profile.clientId}`, `legge til klient-id ${profile.clientId}`));
        const wanted = { id, vendor: profile.orgNumber, name: l("", ""), description: l("", ""), clientId: [profile.clientId], rights: [right(profile)], isVisible: false, allowedRedirectUrls: [] };
        if (!confirmed || changes.length === 0) return { systemId: id, registered, wanted, changes, written: false };
        fake.systems[id] = wanted;
        return { systemId: id, registered: wanted, wanted, changes, written: true };
      },
      request_system_user: ({ request: { profile: name, customer, externalRef } }) => {
        const profile = findProfile(name);
        const org = customer.replace(/\s+/g, "");
        if (!fake.systems[systemId(profile)]) throw appError("server", "AUTH.VLD-00011: the system is not in the system register.", "Register the system first.");
        const pending = fake.suRequests.find((r) => r.partyOrgNo === org && r.status === "new");
        if (pending) return view(pending);
        const request = {
          id: `req-${fake.suRequests.length + 1}`, externalRef, systemId: systemId(profile), partyOrgNo: org, rights: [right(profile)], status: "new",
          confirmUrl: `https://authn.ui.tt02.altinn.no/authfront/ui/auth/vendorrequest?id=req-${fake.suRequests.length + 1}`,
        };
        fake.suRequests.push(request);
        return view(request);
      },
      get_system_user_request: async ({ id }) => {
        if (fake.suDelayMs) await new Promise((ok) => setTimeout(ok, fake.suDelayMs));
        const request = fake.suRequests.find((r) => r.id === id);
        if (!request) throw appError("not_found", `No system-user request ${id}.`);
        fake.suReads += 1;
        if (request.status === "new" && fake.suReads > (options.pollsBeforeDecision ?? 2)) request.status = options.decision ?? "accepted";
        return view(request);
      },
      list_system_user_requests: () => fake.suRequests.map(view),
      check_app_b_for_system_users: ({ path }) => {
        if (path.includes("old")) {
          return {
            version: "8.5.4", roles: [],
            findings: [
              { id: "appb_version_system_users", severity: "error", file: "App/App.csproj", line: 3, message: l("App B runs Altinn.App 8.5.4; system users need 8.6.0 or later, so app B does not accept the system user's token.", "App B kjører Altinn.App 8.5.4; systembrukere krever 8.6.0 eller nyere, så app B godtar ikke systembrukerens token."), fix: l("Update Altinn.App.Api and Altinn.App.Core to 8.6.0 or later in this file, then deploy app B again.", "Oppdater Altinn.App.Api og Altinn.App.Core til 8.6.0 eller nyere i denne filen, og deploy app B på nytt.") },
              { id: "appb_system_user_rights", severity: "error", file: "App/config/authorization/policy.xml", line: null, message: l("App B's policy gives no role instantiate and read.", "Policyen til app B gir ingen rolle instantiate og read."), fix: l("Add a Permit rule with subject urn:altinn:rolecode = dagl.", "Legg til en Permit-regel med subject urn:altinn:rolecode = dagl.") },
            ],
          };
        }
        return { version: "8.12.9", roles: ["priv", "dagl"], findings: [] };
      },
    };
  });
})();
