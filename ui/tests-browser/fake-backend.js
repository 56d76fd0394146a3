// Runs inside the page, before the app: a small fake of the Rust side behind Tauri's mockIPC.
// Tests seed it through window.__seed and read window.__fake (calls, clipboard) afterwards.
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
  });

  const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
  const appError = (kind, message, hint = null) => ({ kind, message, hint });
  const summary = (key) => ({ ...key, profiles: fake.profiles.filter((p) => p.keyId === key.kid).map((p) => p.name) });
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

  const handlers = {
    get_app_info: () => ({ version: "0.1.0-test", dataDir: "/tmp/fake", keychainService: "fake", buildProfile: "debug" }),
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
    import_key: ({ request: { source, kid, profile } }) => {
      const text = source.kind === "text" ? source.text : "";
      if (source.kind === "text" && !/BEGIN|"kty"|^[A-Za-z0-9+/=]{40,}$/.test(text.trim())) {
        throw appError("invalid_input", "This is not a private key.", "Paste a private JWK, a base64 EncodedJwk or a PEM private key.");
      }
      const key = newKey(kid ?? `imported-${fake.counter + 1}`, 2048, "imported");
      if (profile) fake.profiles.find((p) => p.name === profile).keyId = key.kid;
      return summary(key);
    },
    delete_key: ({ request: { kid, confirmed } }) => {
      if (!confirmed) throw appError("confirmation_required", "Deleting needs confirmation.");
      const detachedFrom = fake.profiles.filter((p) => p.keyId === kid).map((p) => p.name);
      for (const p of fake.profiles) if (p.keyId === kid) p.keyId = null;
      fake.keys = fake.keys.filter((k) => k.kid !== kid);
      return { kid, detachedFrom };
    },
    "plugin:clipboard-manager|write_text": ({ text }) => {
      fake.clipboard = text;
      return null;
    },
    "plugin:dialog|save": () => fake.savePath,
    "plugin:dialog|open": () => fake.openPath,
  };

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
    return clone(await handler(args ?? {}));
  });
})();
