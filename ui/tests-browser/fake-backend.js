// Runs inside the page, before the app: a small fake of the Rust side behind Tauri's mockIPC.
// Tests seed it through window.__seed and read window.__fake (calls, clipboard) afterwards.
// The token test answers with a success built from the profile unless `nextReport` is set; a
// sandbox profile's runs are appended to the wire log as the real sandbox would record them.
// App B is the sandbox's ttd/sandbox-app-b; instances live in `instances`, actions go to
// `history` as Rust records them, and a bulk run walks `bulkRows` one row per `bulkStepMs`.
(() => {
  const seed = window.__seed ?? {};
  const fake = (window.__fake = {
    calls: [],
    profiles: seed.profiles ?? [],
    keys: seed.keys ?? [],
    clipboard: null,
    /** cmd → AppError object: the next call of that command rejects with it. */
    failNext: {},
    keygenStepMs: seed.keygenStepMs ?? 250,
    savePath: "/home/tester/Documents/public-key.pem",
    openPath: null,
    counter: 0,
    /** A ChainReport the next run_token_test returns instead of the default success. */
    nextReport: seed.nextReport ?? null,
    runMs: seed.runMs ?? 300,
    wireLog: seed.wireLog ?? [],
    /** Which token is "in the session" after a run; the UI must never see the token itself. */
    tokens: null,
    copiedToken: null,
    overview: seed.overview ?? null,
    /** id → InstanceSummary. */
    instances: {},
    history: seed.history ?? [],
    /** Rows of the next bulk run: { owner, status: created|failed|unknown, error? }. */
    bulkRows: seed.bulkRows ?? null,
    bulkStepMs: seed.bulkStepMs ?? 120,
    /** The running bulk job's state: running | paused | cancelled; null when none runs. */
    bulkState: null,
    /** profile name → RotationView, as rotations.json would hold it. */
    rotations: {},
  });

  const ROTATION_STEPS = ["generate", "add_to_client", "prove_new_key", "write_vault", "redeploy", "remove_old"];
  const rotationTitle = (step) => ({ en: `Step ${step}`, nb: `Steg ${step}` });

  // The app reads the active profile from localStorage at start; a test can choose it.
  if (seed.activeProfile) localStorage.setItem("maskinporten-assistant.activeProfile", seed.activeProfile);

  const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
  const appError = (kind, message, hint = null) => ({ kind, message, hint });
  // Rust's verdict on the key's year (KeyView.expiry): expired once passed, soon under 60 days.
  const expiry = (expires) => {
    const ms = Date.parse(expires) - Date.now();
    return !(ms > 0) ? "expired" : ms < 60 * 864e5 ? "soon" : "ok";
  };
  const summary = (key) => ({ ...key, profiles: fake.profiles.filter((p) => p.keyId === key.kid).map((p) => p.name), expiry: expiry(key.expires) });
  const clone = (value) => JSON.parse(JSON.stringify(value));

  // Tauri's Channel protocol: numbered messages to the channel's callback id.
  function emitter(channel) {
    let index = 0;
    return (message) => window.__TAURI_INTERNALS__.runCallback(channel.id, { index: index++, message });
  }

  function newKey(kid, bits, source) {
    const now = new Date();
    const key = {
      kid,
      bits,
      created: now.toISOString(),
      expires: new Date(now.getTime() + 365 * 864e5).toISOString(),
      thumbprint: `tp${String(++fake.counter).padStart(3, "0")}-fakeThumbprintValueForTests-0123456789`,
      source,
    };
    fake.keys.push(key);
    return key;
  }

  function exportKey({ kid, format }) {
    if (!fake.keys.some((k) => k.kid === kid)) throw appError("not_found", `No key ${kid}.`);
    const jwk = { kty: "RSA", kid, use: "sig", alg: "RS256", n: "sXch-fake-modulus", e: "AQAB" };
    const content = {
      jwk: JSON.stringify(jwk, null, 2),
      jwks: JSON.stringify({ keys: [jwk] }, null, 2),
      pem: "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAfake\n-----END PUBLIC KEY-----\n",
    }[format];
    const suffix = { jwk: "jwk.json", jwks: "jwks.json", pem: "pem" }[format];
    return { kid, format, content, suggestedFileName: `${kid}.public.${suffix}` };
  }

  const SANDBOX = {
    maskinporten: "http://127.0.0.1:41101",
    altinn: "http://127.0.0.1:41102",
    apps: "http://127.0.0.1:41103",
    keyVault: "http://127.0.0.1:41104",
    entra: "http://127.0.0.1:41105",
  };

  function findProfile(name) {
    const profile = fake.profiles.find((p) => p.name === name);
    if (!profile) throw appError("not_found", `No profile named “${name}”.`);
    return profile;
  }

  // The same rule as chain::scope_check in Rust: the org pair, or the service-owner pair.
  function scopeCheck(granted) {
    const owner = granted.some((s) => s.startsWith("altinn:serviceowner/instances."));
    const needed = owner
      ? ["altinn:serviceowner/instances.read", "altinn:serviceowner/instances.write"]
      : ["altinn:instances.read", "altinn:instances.write"];
    const missing = needed.filter((n) => !granted.includes(n));
    return { granted, needed, missing, coversInstances: missing.length === 0 };
  }

  function successReport(profile, options) {
    const now = Math.floor(Date.now() / 1000);
    const scopes = options.scopes.length > 0 ? options.scopes : profile.scopes;
    const consumer = { authority: "iso6523-actorid-upis", ID: `0192:${profile.orgNumber}` };
    const mpClaims = {
      iss: `${SANDBOX.maskinporten}/`, client_id: profile.clientId, client_amr: "private_key_jwt", consumer,
      scope: scopes.join(" "), token_type: "Bearer", iat: now, exp: now + 120, jti: "mp-jti-1",
    };
    const altinnClaims = {
      ...mpClaims, iss: `${SANDBOX.altinn}/authentication/api/v1/openid/`, "urn:altinn:orgNumber": profile.orgNumber,
      "urn:altinn:authenticatemethod": "maskinporten", "urn:altinn:authlevel": 3, exp: now + 1800,
    };
    delete altinnClaims.client_amr;
    // The exchange keeps authorization_details, so both tokens name the same system user.
    const systemUser = options.systemUserOrg
      ? { org: options.systemUserOrg, systemUserId: "4f0c9a2e-58d1-4f53-a7e7-5b0c1d2e3f40", systemId: `${profile.orgNumber}_maskinporten-assistant` }
      : null;
    return {
      environment: profile.environment.kind, clientId: profile.clientId, kid: profile.keyId,
      stages: ["metadata", "grant", "token", "verify", "exchange"].map((stage) => ({
        stage, status: stage === "exchange" && !options.exchange ? "skipped" : "ok",
      })),
      grant: { aud: `${SANDBOX.maskinporten}/`, iss: profile.clientId, scope: scopes.join(" "), iat: now, exp: now + 120, jti: "0b6c2f0e-4a53-4c4e-9d1a-8f2c1e7b5a90" },
      maskinporten: {
        issuer: mpClaims.iss, clientId: profile.clientId, clientAmr: "private_key_jwt", consumerOrg: profile.orgNumber, supplierOrg: null,
        scopes, issuedAt: now, expiresAt: now + 120, systemUser, claims: mpClaims,
      },
      expiresIn: 120,
      altinn: options.exchange
        ? { issuer: altinnClaims.iss, clientId: profile.clientId, clientAmr: null, consumerOrg: profile.orgNumber, supplierOrg: null, scopes, issuedAt: now, expiresAt: now + 1800, systemUser, claims: altinnClaims }
        : null,
      scopeCheck: scopeCheck(scopes),
      clock: { skewSeconds: 0, warning: null },
      diagnosis: null,
      ok: true,
    };
  }

  const APP_B = {
    metadata: {
      id: "ttd/sandbox-app-b", org: "ttd",
      dataTypes: [
        { id: "model", allowedContentTypes: ["application/xml", "application/json"], isForm: true, autoCreate: true, taskId: "Task_1", maxCount: 1, maxSize: 25 },
        { id: "attachment", allowedContentTypes: ["application/pdf"], isForm: false, autoCreate: false, taskId: "Task_1", maxCount: 3, maxSize: 25 },
        { id: "ref-data-as-pdf", allowedContentTypes: ["application/pdf"], isForm: false, autoCreate: false, taskId: null, maxCount: 0, maxSize: 25 },
      ],
      partyTypesAllowed: { bankruptcyEstate: false, organisation: true, person: false, subUnit: false },
      disallowUserInstantiation: false,
    },
    prefillKeys: ["organisasjonsnummer", "navn", "beskrivelse", "antall", "bekreftet", "kontakt.epost", "kontakt.telefon"],
  };
  const overview = () => fake.overview ?? APP_B;

  const DEFAULT_BULK = [
    { owner: "313725138", status: "created" },
    { owner: "310987654", status: "created" },
    { owner: "312345676", status: "failed", error: "403 Forbidden: the policy does not let 312345676 instantiate ttd/sandbox-app-b." },
    { owner: "311111116", status: "created" },
    { owner: "310000019", status: "unknown", error: "502 Bad Gateway after sending, and no partyId to check the owner's instances." },
    { owner: "313725138", status: "created" },
  ];

  /** The same words as Rust's InstanceOwner::label: never a whole national identity number. */
  function ownerLabel(owner) {
    if (owner.startsWith("party:")) return `party ${owner.slice(6)}`;
    return owner.length === 11 ? `person ${owner.slice(0, 5)}******` : `organisation ${owner}`;
  }

  function remember(profile, action, instanceId, owner, outcome, succeeded = true) {
    fake.history.push({ at: new Date().toISOString(), profile, action, app: "ttd/sandbox-app-b", instanceId, owner, outcome, succeeded });
  }

  function contentTypeOf(path) {
    const ext = path.split(".").pop().toLowerCase();
    return { json: "application/json", pdf: "application/pdf", png: "image/png" }[ext] ?? "application/xml";
  }

  function newInstance(owner, files) {
    const n = ++fake.counter;
    const party = owner.startsWith("party:") ? owner.slice(6) : String(50001000 + n);
    const guid = `6f1c2d3e-0000-4a5b-8c9d-${String(n).padStart(12, "0")}`;
    const now = new Date().toISOString();
    const element = (dataType, contentType, size, filename) => ({ id: `e${n}-${dataType}-${Math.random().toString(16).slice(2, 6)}`, dataType, contentType, size, filename });
    const data = files.length > 0
      ? files.map((f) => element(f.dataType, f.contentType ?? contentTypeOf(f.path), 2048, f.path.split("/").pop()))
      : [element("model", "application/xml", 412, null)];
    const instance = {
      id: `${party}/${guid}`, appId: "ttd/sandbox-app-b", ownerPartyId: party, currentTask: "Task_1", currentTaskName: "Utfylling",
      ended: null, data, appLink: `${SANDBOX.apps}/ttd/sandbox-app-b/instances/${party}/${guid}`, created: now, lastChanged: now,
    };
    fake.instances[instance.id] = instance;
    return instance;
  }

  function findInstance(id) {
    const instance = fake.instances[id];
    if (!instance) throw appError("not_found", `Instance ${id} was not found in ttd/sandbox-app-b.`, "It may have been deleted.");
    return instance;
  }

  /** Rust's made_here (assistant_domain::made_here), in brief: the rows and what may be deleted. */
  function madeHere(profile) {
    const mine = (e) => e.profile.toLowerCase() === profile.toLowerCase();
    const of = (actions) => fake.history.filter((e) => mine(e) && actions.includes(e.action) && e.succeeded && e.instanceId).map((e) => e.instanceId);
    const deleted = of(["delete"]);
    const rows = fake.history
      .filter((e) => mine(e) && ["instantiate", "bulk"].includes(e.action))
      .map((e) => ({ ...e, deleted: e.instanceId !== null && deleted.includes(e.instanceId) }))
      .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
    return { rows, deletable: [...new Set(of(["instantiate", "bulk"]).filter((id) => !deleted.includes(id)))] };
  }

  async function runBulk(profile, channel) {
    const emit = emitter(channel);
    const rows = fake.bulkRows ?? DEFAULT_BULK;
    const started = Date.now();
    const tally = { done: 0, created: 0, failed: 0 };
    const progress = () => {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const perSecond = tally.done / seconds;
      const left = rows.length - tally.done;
      return { total: rows.length, ...tally, perSecond, etaSeconds: tally.done > 0 ? Math.ceil(left / perSecond) : null, paused: fake.bulkState === "paused" };
    };
    const results = [];
    emit(progress());
    for (const [i, row] of rows.entries()) {
      if (fake.bulkState === "paused") {
        emit(progress());
        while (fake.bulkState === "paused") await sleep(20);
      }
      if (fake.bulkState === "cancelled") {
        results.push({ line: i + 2, owner: row.owner, instanceId: null, status: "skipped", error: null, attempts: 0 });
        continue;
      }
      await sleep(fake.bulkStepMs);
      const instance = row.status === "created" ? newInstance(row.owner, []) : null;
      if (instance) remember(profile, "bulk", instance.id, ownerLabel(row.owner), "created");
      results.push({ line: i + 2, owner: row.owner, instanceId: instance?.id ?? null, status: row.status, error: row.error ?? null, attempts: row.status === "unknown" ? 2 : 1 });
      tally.done += 1;
      if (row.status === "created") tally.created += 1;
      if (row.status === "failed") tally.failed += 1;
      emit(progress());
    }
    return results;
  }

  function logWire(service, method, path, status, outcome) {
    fake.wireLog.push({ at: new Date().toISOString(), service, method, path, status, durationMs: 3, outcome });
  }

  const handlers = {
    get_app_info: () => ({ version: "0.1.0-test", dataDir: "/tmp/fake", keychainService: "fake", buildProfile: "debug", defaultSection: "MaskinportenSettingsExternal" }),
    list_profiles: () => fake.profiles,
    list_keys: () => fake.keys.map(summary),
    save_profile: ({ request: { profile, originalName } }) => {
      const taken = fake.profiles.some((p) => p.name === profile.name && p.name !== originalName);
      if (taken) throw appError("already_exists", `A profile named “${profile.name}” already exists.`, "Choose another name.");
      fake.profiles = fake.profiles.filter((p) => p.name !== (originalName ?? profile.name)).concat(profile);
      return profile;
    },
    delete_profile: ({ request: { name, confirmed } }) => {
      if (!confirmed) throw appError("confirmation_required", "Deleting needs confirmation.");
      fake.profiles = fake.profiles.filter((p) => p.name !== name);
      return null;
    },
    generate_key: async ({ request: { bits, profile }, onProgress }) => {
      const emit = emitter(onProgress);
      emit({ stage: "generating", bits });
      await sleep(fake.keygenStepMs);
      emit({ stage: "storing" });
      await sleep(fake.keygenStepMs);
      const key = newKey(`${profile ?? "key"}-${fake.counter + 1}`, bits, "generated");
      if (profile) fake.profiles.find((p) => p.name === profile).keyId = key.kid;
      emit({ stage: "done", key: summary(key) });
      return summary(key);
    },
    export_public_key: ({ request }) => exportKey(request),
    save_public_key: ({ request }) => request.path,
    import_key: ({ request: { source, kid, profile, password } }) => {
      const text = source.kind === "text" ? source.text : "";
      // Like Rust: an encrypted PKCS#8 key needs its password (fake: "right horse").
      if (text.includes("ENCRYPTED PRIVATE KEY") || source.path?.endsWith(".enc.pem")) {
        if (password === undefined) throw appError("password_required", "the key is password-protected (ENCRYPTED PRIVATE KEY): its password is needed", "Enter the key's password.");
        if (password !== "right horse") throw appError("password_required", "the password does not open this key", "Check the password and try again.");
      }
      if (source.kind === "text" && !/BEGIN|"kty"|^[A-Za-z0-9+/=]{40,}$/.test(text.trim())) {
        throw appError("invalid_input", "This is not a private key.", "Paste a private JWK, a base64 EncodedJwk or a PEM private key.");
      }
      const key = newKey(kid ?? `imported-${fake.counter + 1}`, 2048, "imported");
      if (profile) fake.profiles.find((p) => p.name === profile).keyId = key.kid;
      return summary(key);
    },
    get_rotation: ({ profile }) => fake.rotations[profile] ?? null,
    upload_key: ({ profile, via }) => {
      const p = findProfile(profile);
      if (!via) throw appError("invalid_input", "No self-service admin client given (--via PROFILE).");
      return [{ kid: "existing-key", thumbprint: null, expires: null }, { kid: p.keyId, thumbprint: null, expires: null }];
    },
    check_keys: ({ profile }) => {
      const waiting = fake.rotations[profile]?.stoppedAt === "redeploy";
      const finding = { code: "not_redeployed", title: { en: "The client has the new key, but app A still signs with the old one", nb: "Klienten har den nye nøkkelen" }, explanation: { en: "Key Vault holds the new key.", nb: "Key Vault har den nye nøkkelen." }, fix: { en: "Redeploy app A.", nb: "Deploy app A på nytt." }, raw: null };
      return { findings: waiting ? [finding] : [], lookedAt: ["client", "vault"], clientKeys: [], vaultKid: null };
    },
    // Like Rust: every step up to the redeploy at once, then waiting; the old key goes only
    // with `redeployed`.
    rotate_key: ({ request }) => {
      const profile = findProfile(request.profile);
      let view = fake.rotations[profile.name];
      if (!view || view.rotation.finished) {
        const newKid = `${profile.name.toLowerCase().replace(/\W/g, "")}-next`;
        view = {
          rotation: {
            profile: profile.name, oldKid: profile.keyId, oldThumbprint: "tp-old", newKid, newThumbprint: "tp-new",
            route: "self_service", vaultVersion: null, clientKeys: [], started: new Date().toISOString(), finished: null,
            steps: ROTATION_STEPS.map((step) => ({ step, state: "todo", at: null, detail: null })),
          },
          titles: ROTATION_STEPS.map(rotationTitle), stoppedAt: null,
        };
      }
      const set = (step, state, en) => Object.assign(view.rotation.steps.find((s) => s.step === step), { state, detail: en ? { en, nb: en } : null });
      for (const step of ["generate", "add_to_client", "prove_new_key", "write_vault"]) set(step, "done", `${step} ok`);
      if (!fake.keys.some((k) => k.kid === view.rotation.newKid)) newKey(view.rotation.newKid, 2048, "generated");
      profile.keyId = view.rotation.newKid;
      view.rotation.vaultVersion = "v2";
      view.rotation.clientKeys = [{ kid: view.rotation.oldKid, thumbprint: null, expires: null }, { kid: view.rotation.newKid, thumbprint: null, expires: null }];
      if (request.redeployed) {
        set("redeploy", "done", "redeployed");
        set("remove_old", "done", "old key removed");
        view.rotation.clientKeys = view.rotation.clientKeys.slice(1);
        view.rotation.finished = new Date().toISOString();
        view.stoppedAt = null;
      } else {
        set("redeploy", "waiting", "Redeploy app A now.");
        view.stoppedAt = "redeploy";
      }
      fake.rotations[profile.name] = view;
      return view;
    },
    delete_key: ({ request: { kid, confirmed } }) => {
      if (!confirmed) throw appError("confirmation_required", "Deleting needs confirmation.");
      const detachedFrom = fake.profiles.filter((p) => p.keyId === kid).map((p) => p.name);
      for (const p of fake.profiles) if (p.keyId === kid) p.keyId = null;
      fake.keys = fake.keys.filter((k) => k.kid !== kid);
      return { kid, detachedFrom };
    },
    run_token_test: async ({ request: { profile: name, options } }) => {
      const profile = findProfile(name);
      if (!profile.clientId) throw appError("invalid_input", `Profile "${name}" has no Maskinporten client id.`, "Do the sandbox's portal step first.");
      if (!profile.keyId) throw appError("invalid_input", `Profile "${name}" has no key.`, "Generate or import a key and choose it in the profile.");
      await sleep(fake.runMs);
      const report = fake.nextReport ?? successReport(profile, options);
      fake.nextReport = null;
      if (profile.environment.kind === "sandbox") {
        const at = (stage) => report.stages.find((s) => s.stage === stage)?.status;
        logWire("maskinporten", "GET", "/.well-known/oauth-authorization-server", 200, "ok");
        logWire("maskinporten", "GET", "/jwk", 200, "ok");
        if (at("token") === "ok") logWire("maskinporten", "POST", "/token", 200, "ok");
        if (at("token") === "failed") logWire("maskinporten", "POST", "/token", 400, "invalid_grant");
        if (at("exchange") === "ok") logWire("altinn", "GET", "/authentication/api/v1/exchange/maskinporten", 200, "ok");
      }
      fake.tokens = report.ok ? { altinn: report.altinn !== null } : null;
      return report;
    },
    copy_token: ({ request: { which } }) => {
      if (!fake.tokens) throw appError("not_found", "No token yet: run the token test first.");
      if (which === "altinn" && !fake.tokens.altinn) throw appError("not_found", "The last test did not exchange the token; run it with the exchange.");
      fake.copiedToken = which;
      return { clearsInSeconds: 30 };
    },
    get_sandbox_info: ({ request: { profile: name } }) => {
      const profile = name ? findProfile(name) : null;
      if (!profile || profile.environment.kind !== "sandbox") return null;
      return { ...SANDBOX, clientId: profile.clientId ?? "sandbox-client", appB: "ttd/app-b" };
    },
    register_sandbox_key: ({ request: { profile: name } }) => {
      const profile = findProfile(name);
      if (!profile.keyId) throw appError("invalid_input", `Profile "${name}" has no key to register.`);
      profile.clientId ??= "sandbox-client";
      profile.orgNumber ??= "313725138";
      if (profile.scopes.length === 0) profile.scopes = ["altinn:instances.read", "altinn:instances.write"];
      profile.appB ??= "ttd/app-b";
      return { profile, clientId: profile.clientId, kids: [profile.keyId], scopes: profile.scopes };
    },
    /** Rust's rehearsal::start in brief: profile, key, registration; an existing name is never reused. */
    start_rehearsal: () => {
      const taken = (name) => fake.profiles.some((p) => p.name.toLowerCase() === name.toLowerCase());
      let name = "Rehearsal";
      for (let n = 2; taken(name); n += 1) name = `Rehearsal ${n}`;
      const profile = {
        name, environment: { kind: "sandbox" }, orgNumber: null, clientId: null, scopes: [], appA: null, appB: null,
        keyId: null, vaultUrl: null, secretPrefix: null, sectionName: null,
      };
      fake.profiles = fake.profiles.concat(profile);
      profile.keyId = newKey(`${name}-${fake.counter + 1}`, 2048, "generated").kid;
      const registered = handlers.register_sandbox_key({ request: { profile: name } });
      return { profile: registered.profile, kid: profile.keyId, clientId: registered.clientId };
    },
    get_wire_log: () => fake.wireLog,
    get_app_overview: ({ request: { profile: name } }) => {
      const profile = findProfile(name);
      if (!profile.appB) throw appError("invalid_input", `Profile "${name}" names no app B (org/app).`, "Set app B in the profile.");
      return overview();
    },
    create_instance: ({ request: { profile, owner, mode } }) => {
      findProfile(profile);
      if (owner.length === 11 && !overview().metadata.partyTypesAllowed.person) {
        throw appError("invalid_input", `ttd/sandbox-app-b does not accept ${ownerLabel(owner)} as instance owner; nothing was sent.`, "See partyTypesAllowed in the app's metadata (App B at a glance).");
      }
      const instance = newInstance(owner, mode.kind === "multipart" ? mode.files : []);
      remember(profile, "instantiate", instance.id, ownerLabel(owner), "created");
      const keys = mode.kind === "prefill" ? Object.keys(mode.pairs) : [];
      return { instance, ignoredPrefillKeys: keys.filter((k) => !overview().prefillKeys?.includes(k)) };
    },
    show_instance: ({ request: { id } }) => findInstance(id),
    update_instance_data: ({ request: { profile, id, element, path, contentType } }) => {
      const instance = findInstance(id);
      const target = instance.data.find((d) => d.id === element);
      if (!target) throw appError("not_found", `Instance ${id} has no data element ${element}.`);
      target.contentType = contentType ?? contentTypeOf(path);
      target.size = 777;
      instance.lastChanged = new Date().toISOString();
      remember(profile, "update", id, null, "updated");
      return instance;
    },
    advance_instance: ({ request: { profile, id } }) => {
      const instance = findInstance(id);
      if (instance.ended) throw appError("invalid_input", `Instance ${id} has ended already.`);
      instance.currentTask = null;
      instance.currentTaskName = null;
      instance.ended = new Date().toISOString();
      instance.data.push({ id: `receipt-${fake.counter}`, dataType: "ref-data-as-pdf", contentType: "application/pdf", size: 1530, filename: "receipt.pdf" });
      remember(profile, "process-next", id, null, "moved on");
      return instance;
    },
    save_receipt: ({ request: { id, path } }) => {
      const instance = findInstance(id);
      if (!instance.ended) throw appError("not_found", `Instance ${id} has no receipt: its process has not ended yet: move it on with process next.`);
      return path;
    },
    delete_instances: ({ request: { profile, ids, allMadeHere, confirmed } }) => {
      const targets = [...new Set([...ids, ...(allMadeHere ? madeHere(profile).deletable : [])])].sort();
      if (targets.length === 0) throw appError("invalid_input", "No instances to delete.");
      if (!confirmed) throw appError("confirmation_required", `Deleting ${targets.length} instance(s) cannot be undone.`, "Confirm to delete.");
      return targets.map((id) => {
        const known = id in fake.instances;
        delete fake.instances[id];
        remember(profile, "delete", id, null, known ? "deleted" : `Instance ${id} was not found.`, known);
        return { id, deleted: known, error: known ? null : `Instance ${id} was not found.` };
      });
    },
    start_bulk: async ({ request: { profile, csvPath, concurrency, resultsPath }, onProgress }) => {
      findProfile(profile);
      if (!csvPath.endsWith(".csv")) throw appError("invalid_input", "The CSV has no \"owner\" column.", "The first line names the columns: owner (required), partyId (optional), then prefill keys.");
      if (concurrency < 1 || concurrency > 32) throw appError("invalid_input", "Concurrency must be 1 to 32.");
      fake.bulkState = "running";
      try {
        const results = await runBulk(profile, onProgress);
        const count = (status) => results.filter((r) => r.status === status).length;
        return {
          total: results.length, created: count("created"), failed: count("failed"), unknown: count("unknown"),
          resultsFile: resultsPath ?? csvPath.replace(/\.csv$/, ".results.csv"), problems: results.filter((r) => r.status !== "created"),
        };
      } finally {
        fake.bulkState = null;
      }
    },
    steer_bulk: ({ request: { action } }) => {
      if (!fake.bulkState) throw appError("not_found", "No bulk job is running.");
      fake.bulkState = { pause: "paused", resume: "running", cancel: "cancelled" }[action];
      return null;
    },
    list_made_here: ({ request: { profile } }) => madeHere(profile),
    "plugin:clipboard-manager|write_text": ({ text }) => {
      fake.clipboard = text;
      return null;
    },
    choose_path: ({ request }) => (request.kind === "save" ? fake.savePath : fake.openPath),
  };

  // fake-keyvault.js and fake-appconfig.js run first and leave a function each here; every one
  // gets the shared state and helpers and returns its commands' handlers.
  for (const extend of window.__fakeExtensions ?? []) {
    Object.assign(handlers, extend({ fake, seed, sleep, appError, clone, findProfile }));
  }

  window.__tauriMocks.mockIPC(async (cmd, args) => {
    // JSON keeps what crosses the IPC boundary: a Channel becomes "__CHANNEL__:<id>".
    fake.calls.push({ cmd, args: clone(args ?? {}) });
    const failure = fake.failNext[cmd];
    if (failure) {
      delete fake.failNext[cmd];
      throw failure;
    }
    const handler = handlers[cmd];
    if (!handler) throw `command ${cmd} not found`;
    const result = await handler(args ?? {});
    // What the action proved goes to the history, as Rust records it (fake-guide.js).
    fake.afterCall?.(cmd, args ?? {}, result);
    return clone(result);
  });
})();
