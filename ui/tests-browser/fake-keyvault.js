// Runs inside the page before fake-backend.js: the Key Vault part of the fake Rust side. Like Rust,
// it keeps the Azure "session" to itself and answers with summaries; a test approves, declines or
// lets a device code wait through window.__fake.vault. Seed with `vault: { … }`:
//   secrets  name → VaultSecretInfo already in the vault (probe shows it, write plans a new version)
//   deleted  name → VaultSecretInfo of a soft-deleted name (write needs recover or purge)
//   denied   true: the account has no role (403 ForbiddenByRbac on every call)
//   verify   a VaultVerifyReport the next verify_vault_secrets returns instead of the real read-back
//   oldSecrets  migration candidates the read-back reports
(() => {
  (window.__fakeExtensions ??= []).push(({ fake, seed, sleep, appError, findProfile }) => {
    const s = seed.vault ?? {};
    const vault = (fake.vault = {
      secrets: s.secrets ?? {},
      deleted: s.deleted ?? {},
      denied: s.denied ?? false,
      nextVerify: s.verify ?? null,
      oldSecrets: s.oldSecrets ?? [],
      account: s.account ?? "admin@sandbox.example",
      /** The waiting device-code sign-in: { userCode, outcome: null | "approved" | "declined" | "cancelled" }. */
      pending: null,
      signedIn: false,
      approve() {
        if (vault.pending) vault.pending.outcome = "approved";
      },
      decline() {
        if (vault.pending) vault.pending.outcome = "declined";
      },
    });
    const l = (en, nb) => ({ en, nb });
    const TENANT = "11111111-2222-3333-4444-555555555555";
    const ENTRA = "http://127.0.0.1:41105";
    const VAULT = "http://127.0.0.1:41104";

    function target(name) {
      const profile = findProfile(name);
      const sandbox = profile.environment.kind === "sandbox";
      if (!sandbox && !profile.vaultUrl) {
        throw appError("invalid_input", `Profile "${name}" has no Key Vault URL.`, "Set it: profile edit NAME --vault-url https://<vault-name>.vault.azure.net");
      }
      return { profile, sandbox, url: sandbox ? VAULT : profile.vaultUrl.replace(/\/$/, "") };
    }

    /** The same rule as Rust's keyvault::names::derive (without the warnings). */
    function names(profile, keyField) {
      const prefix = profile.secretPrefix?.trim() || null;
      const section = profile.sectionName?.trim() || "MaskinportenSettingsExternal";
      const parts = [...(prefix ? [prefix] : []), ...section.split(":")];
      const base = parts.join("--");
      const field = keyField === "jwk_base64" ? "JwkBase64" : "EncodedJwk";
      return { prefix, section, keyField: keyField ?? "encoded_jwk", clientId: `${base}--ClientId`, key: `${base}--${field}`, configSection: parts.join(":") };
    }

    function warnings(n) {
      const out = [];
      if (!n.prefix && !n.section.includes(":")) {
        out.push({ code: "no_app_prefix", text: l("The organisation's vault is shared by all its apps (fake).", "Virksomhetens hvelv deles av alle appene (fake).") });
      }
      return out;
    }

    function needSession() {
      if (!vault.signedIn) {
        throw appError("invalid_input", `Not signed in to Azure for this vault's tenant (${TENANT}), or the sign-in has expired.`, "Sign in first (keyvault login, or the Sign in button).");
      }
    }

    function material(profile) {
      const key = fake.keys.find((k) => k.kid === profile.keyId);
      if (!profile.clientId) throw appError("invalid_input", `Profile "${profile.name}" has no Maskinporten client id.`);
      if (!key) throw appError("not_found", `Profile "${profile.name}" has no key in the keychain.`);
      return { clientId: profile.clientId, kid: key.kid, thumbprint: key.thumbprint, expires: key.expires };
    }

    const now = () => new Date().toISOString();
    let versions = 0;
    const version = () => `v${String(++versions).padStart(3, "0")}${"0".repeat(29)}`;

    function written(name, role, m) {
      const key = role === "key";
      return {
        name, version: version(), contentType: key ? "application/jwk+json; base64" : "text/plain",
        tags: key
          ? { "created-by": "maskinporten-assistant/0.1.0", kid: m.kid, thumbprint: m.thumbprint, "key-expires": m.expires }
          : { "created-by": "maskinporten-assistant/0.1.0" },
        enabled: true, created: now(), updated: now(), deleted: null, scheduledPurge: null,
        clientId: key ? null : m.clientId,
        storedKey: key ? { encoding: "standard_base64", kid: m.kid, thumbprint: m.thumbprint, alg: "RS256", use: "sig", missingFields: [], usable: true } : null,
      };
    }

    /** What is wrong with a stored secret, as Rust's verify::key_problems / client_id_problems say it. */
    function problems(info, role, m) {
      if (role === "clientId") {
        return info.clientId === m.clientId ? [] : [l(`The vault holds client id "${info.clientId}", the profile has ${m.clientId}.`, `Hvelvet har klient-id "${info.clientId}", profilen har ${m.clientId}.`)];
      }
      const out = [];
      const k = info.storedKey ?? {};
      if (k.kid !== m.kid) out.push(l(`The stored key has kid ${k.kid ?? "none"}, the keychain key has kid ${m.kid}.`, `Den lagrede nøkkelen har kid ${k.kid ?? "none"}, nøkkelen i nøkkelringen har kid ${m.kid}.`));
      if (k.thumbprint !== m.thumbprint) out.push(l(`The stored key is another key: thumbprint ${k.thumbprint ?? "none"}, the keychain key's is ${m.thumbprint}.`, `Den lagrede nøkkelen er en annen nøkkel: thumbprint ${k.thumbprint ?? "none"}, nøkkelringens er ${m.thumbprint}.`));
      return out;
    }

    function check(name, role, m) {
      const info = vault.secrets[name] ?? null;
      const found = info !== null;
      const list = found ? problems(info, role, m) : [l(`${name} is not in the vault.`, `${name} finnes ikke i hvelvet.`)];
      return { name, found, info, ok: list.length === 0, problems: list };
    }

    function verifyReport(t, n, m) {
      const clientId = check(n.clientId, "clientId", m);
      const key = check(n.key, "key", m);
      return {
        vault: t.url, names: n, kid: m.kid, thumbprint: m.thumbprint, clientId, key, ok: clientId.ok && key.ok,
        after: {
          redeploy: l("Redeploy the app (Altinn Studio → Deploy, in TT02 and then prod): it reads Key Vault when it starts.", "Publiser appen på nytt (Altinn Studio → Publiser, i TT02 og så i prod): den leser Key Vault når den starter."),
          alsoNeeded: [l("In appsettings.json under the section: \"Environment\" and \"Scope\".", "I appsettings.json under seksjonen: «Environment» og «Scope».")],
          oldSecrets: vault.oldSecrets,
          migrationAdvice: l("Remove older secrets only after the app, deployed with the new section, has got tokens in TT02 and in prod.", "Fjern eldre hemmeligheter først når appen, publisert med den nye seksjonen, har fått token i TT02 og i prod."),
        },
      };
    }

    const roleHint = (t) =>
      t.sandbox
        ? l("In the sandbox, sign in as admin@sandbox.example (Key Vault Secrets Officer). norole@sandbox.example has no role, like a person who has not been given Test Operations yet.", "I sandkassen, logg inn som admin@sandbox.example (Key Vault Secrets Officer). norole@sandbox.example har ingen rolle, som en person som ennå ikke har fått Test Operations.")
        : l("Access to Altinn's TT02 Key Vaults comes with the Altinn role Test Operations. Order it in Samarbeidsportalen.", "Tilgang til Altinns Key Vault i TT02 følger Altinn-rollen Test Operations. Bestill den i Samarbeidsportalen.");

    function denied(operation, name, t) {
      const what = name ?? "in this vault";
      return {
        operation, name, status: 403, result: "denied", reason: "forbidden_by_rbac",
        explanation: l(`You are signed in, but your account has no role on this vault that allows it to ${operation === "list" ? "list secrets" : "read"} ${what} (403 ForbiddenByRbac: the vault uses Azure RBAC).`, `Du er logget inn, men kontoen din har ingen rolle i dette hvelvet som lar den ${operation === "list" ? "liste hemmeligheter" : "lese"} ${what} (403 ForbiddenByRbac: hvelvet bruker Azure RBAC).`),
        fix: roleHint(t), existing: null,
        raw: "Caller is not authorized to perform action on resource. Action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'",
      };
    }

    function probeName(name) {
      if (vault.secrets[name]) {
        return {
          operation: "get", name, status: 200, result: "ok", reason: null,
          explanation: l(`${name} exists and you may read it. Writing will make a new version, after you confirm.`, `${name} finnes, og du kan lese den. Skriving lager en ny versjon, etter at du bekrefter.`),
          fix: null, existing: vault.secrets[name], raw: null,
        };
      }
      if (vault.deleted[name]) {
        return {
          operation: "get_deleted", name, status: 200, result: "soft_deleted", reason: "soft_deleted",
          explanation: l(`${name} is deleted but recoverable (soft-deleted): the name cannot be used again until it is recovered or purged.`, `${name} er slettet, men kan gjenopprettes (mykt slettet): navnet kan ikke brukes igjen før det er gjenopprettet eller tømt.`),
          fix: l("Recover it (its old versions come back) or purge it (gone for good); each needs your confirmation.", "Gjenopprett den (gamle versjoner kommer tilbake) eller tøm den (borte for godt); begge krever at du bekrefter."),
          existing: vault.deleted[name], raw: null,
        };
      }
      return {
        operation: "get", name, status: 404, result: "absent", reason: "not_found",
        explanation: l(`${name} does not exist yet. That is fine before the first write.`, `${name} finnes ikke ennå. Det er greit før første skriving.`),
        fix: null, existing: null, raw: null,
      };
    }

    return {
      start_vault_login: ({ request: { profile: name, method } }) => {
        const t = target(name);
        if (method === "azure_cli") {
          if (t.sandbox) throw appError("invalid_input", "The sandbox has its own sign-in; the Azure CLI signs in to the real Azure.", "Use the device code with the sandbox.");
          vault.signedIn = true;
          return { status: "signed_in", session: { tenant: TENANT, account: vault.account, method: "azure_cli", expiresAt: new Date(Date.now() + 3600e3).toISOString() } };
        }
        const userCode = s.userCode ?? "QF7KM2XPB";
        const verificationUri = t.sandbox ? `${ENTRA}/devicelogin` : "https://microsoft.com/devicelogin";
        vault.pending = { userCode, outcome: null };
        return {
          status: "device_code",
          prompt: {
            userCode, verificationUri, expiresAt: new Date(Date.now() + 900e3).toISOString(), intervalSeconds: 1,
            message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
          },
        };
      },
      poll_vault_login: async () => {
        const pending = vault.pending;
        if (!pending) throw appError("invalid_input", "Signing in to Azure failed: no sign-in is waiting; start one first.");
        while (pending.outcome === null) await sleep(20);
        if (vault.pending === pending) vault.pending = null;
        if (pending.outcome === "cancelled") throw appError("invalid_input", "Signing in to Azure failed: the sign-in was cancelled.");
        if (pending.outcome === "declined") throw appError("server", "Signing in to Azure failed: the sign-in was declined.", "Start again and approve the sign-in on the verification page.");
        vault.signedIn = true;
        return { tenant: TENANT, account: vault.account, method: "device_code", expiresAt: new Date(Date.now() + 3600e3).toISOString() };
      },
      cancel_vault_login: () => {
        if (vault.pending) vault.pending.outcome = "cancelled";
        vault.pending = null;
        return null;
      },
      probe_vault: ({ request: { profile: name, keyField } }) => {
        const t = target(name);
        needSession();
        const n = names(t.profile, keyField);
        const checks = vault.denied
          ? [denied("list", null, t), denied("get", n.clientId, t), denied("get", n.key, t)]
          : [
              { operation: "list", name: null, status: 200, result: "ok", reason: null, explanation: l("You may list the vault's secrets (the app needs list too: it loads every enabled secret).", "Du kan liste hemmelighetene i hvelvet (appen trenger også list: den laster alle aktive hemmeligheter)."), fix: null, existing: null, raw: null },
              probeName(n.clientId),
              probeName(n.key),
            ];
        const denials = checks.some((c) => c.result === "denied");
        return {
          vault: t.url, names: n, warnings: warnings(n), checks,
          readyToWrite: checks.every((c) => c.result === "ok" || c.result === "absent"),
          roleHint: denials ? roleHint(t) : null,
          note: l("Nothing was written. Whether you may write shows only at the first write, which asks before it changes anything that exists.", "Ingenting ble skrevet. Om du kan skrive, viser seg først ved første skriving, som spør før den endrer noe som finnes."),
        };
      },
      write_vault_secrets: ({ request: { profile: name, keyField, confirmed, deletedAction } }) => {
        const t = target(name);
        needSession();
        const m = material(t.profile);
        const n = names(t.profile, keyField);
        const roles = [[n.clientId, "clientId"], [n.key, "key"]];
        const secrets = roles.map(([secret, role]) => {
          const there = vault.secrets[secret];
          if (there) return { name: secret, plan: problems(there, role, m).length > 0 ? "new_version" : "unchanged", before: there, writtenVersion: null };
          const gone = vault.deleted[secret];
          if (gone) return { name: secret, plan: deletedAction ?? "decide", before: gone, writtenVersion: null };
          return { name: secret, plan: "create", before: null, writtenVersion: null };
        });
        const plans = secrets.map((x) => x.plan);
        let outcome;
        let message;
        if (plans.includes("decide")) {
          outcome = "deleted_needs_decision";
          message = l("Nothing was written. A name is soft-deleted. Choose to recover it or to purge it, and confirm.", "Ingenting ble skrevet. Et navn er mykt slettet. Velg å gjenopprette eller å tømme, og bekreft.");
        } else if (!confirmed && plans.some((p) => ["new_version", "recover", "purge"].includes(p))) {
          outcome = "confirmation_required";
          message = l("Nothing was written. The vault already has other values. Writing adds a new version (older versions stay in the vault's history). Confirm to write.", "Ingenting ble skrevet. Hvelvet har allerede andre verdier. Skriving legger til en ny versjon (eldre versjoner blir liggende i historikken). Bekreft for å skrive.");
        } else if (plans.every((p) => p === "unchanged")) {
          outcome = "unchanged";
          message = l("The vault already holds this client id and this key; nothing was written.", "Hvelvet har allerede denne klient-id-en og denne nøkkelen; ingenting ble skrevet.");
        } else {
          outcome = "written";
          message = l("The client id and the key were written to the vault and read back.", "Klient-id-en og nøkkelen ble skrevet til hvelvet og lest tilbake.");
          for (const [i, [secret, role]] of roles.entries()) {
            if (secrets[i].plan === "unchanged") continue;
            delete vault.deleted[secret];
            vault.secrets[secret] = written(secret, role, m);
            secrets[i].writtenVersion = vault.secrets[secret].version;
          }
        }
        const verify = outcome === "written" || outcome === "unchanged" ? verifyReport(t, n, m) : null;
        return { vault: t.url, names: n, warnings: warnings(n), kid: m.kid, thumbprint: m.thumbprint, outcome, secrets, message, verify };
      },
      verify_vault_secrets: ({ request: { profile: name, keyField } }) => {
        const t = target(name);
        needSession();
        const m = material(t.profile);
        const override = vault.nextVerify;
        vault.nextVerify = null;
        return override ?? verifyReport(t, names(t.profile, keyField), m);
      },
    };
  });
})();
