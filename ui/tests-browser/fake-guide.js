// Runs inside the page before fake-backend.js: the guided checklist of the fake Rust side. As in
// Rust, the checklist is folded from history lines that the actions write (`afterCall` below adds
// them after each command) and from the profile's facts; marks follow Rust's rules.
(() => {
  (window.__fakeExtensions ??= []).push(({ fake, seed, appError, findProfile }) => {
    const IDS = ["path", "vault_access", "client", "key", "vault_write", "config", "token", "exchange", "instance", "redeploy"];
    const SYSTEM_USER_IDS = ["client", "key", "system_register", "system_user_approval", "app_b_system_users", "token", "exchange", "instance"];
    const AS_SYSTEM_USER = ["token", "exchange", "instance"];
    const BY_KEY = ["client", "key", "vault_write", "token", "exchange", "instance"];
    const l = (en, nb) => ({ en, nb });
    const NOT_NEEDED_SETUP = l("Not needed: Altinn Studio creates this app's Maskinporten client and key when it is deployed.", "Ikke nødvendig: Altinn Studio lager Maskinporten-klienten og nøkkelen til denne appen når den deployes.");
    const NOT_NEEDED_RUN = l("Not needed: the provisioned key never leaves the app.", "Ikke nødvendig: den provisjonerte nøkkelen forlater aldri appen.");
    fake.reports = [];
    fake.opened = [];

    function line(profile, action, step, state, outcome, extra = {}) {
      const kid = BY_KEY.includes(step) ? findProfile(profile)?.keyId ?? null : null;
      fake.history.push({ at: new Date().toISOString(), profile, action, app: null, instanceId: null, owner: null, outcome, succeeded: state !== "failed", step, state, ...(kid ? { kid } : {}), ...extra });
    }

    function keyWatch(key) {
      const day = 864e5;
      const daysLeft = Math.floor((Date.parse(key.expires) - Date.now()) / day);
      const level = daysLeft < 0 ? "expired" : daysLeft < 60 ? "soon" : "ok";
      return { kid: key.kid, thumbprint: key.thumbprint, created: key.created, expires: key.expires, ageDays: Math.floor((Date.now() - Date.parse(key.created)) / day), daysLeft, level };
    }

    function build(name) {
      const profile = findProfile(name);
      if (!profile) throw appError("not_found", `There is no profile "${name}".`);
      const key = fake.keys.find((k) => k.kid === profile.keyId) ?? null;
      // The route as Rust chooses it: the person's last choice, else a vendor's profile (no app A,
      // the system register's scope) takes the system-user route.
      const chosen = [...fake.history].reverse().find((e) => e.profile === name && e.detail?.route)?.detail.route;
      const vendor = !profile.appA && profile.scopes.includes("altinn:authentication/systemregister.write");
      const route = chosen ?? (vendor ? "system_user" : "multi_app");
      const routeReason = chosen ? l("Chosen by you.", "Valgt av deg.") : vendor ? l("This profile has no app A and its client may write the system register: a vendor's system acting for customers.", "Denne profilen har ingen app A, og klienten kan skrive til systemregisteret.") : l("The profile names app A, or its client may not write the system register.", "Profilen oppgir app A, eller klienten kan ikke skrive til systemregisteret.");
      const asSystemUser = (e) => Boolean(e.detail?.maskinporten?.systemUser ?? e.detail?.systemUser);
      const mine = fake.history.filter((e) => e.profile === name && e.step && e.state);
      const latest = (id) => [...mine].reverse().find((e) => e.step === id && (!BY_KEY.includes(id) || !e.kid || e.kid === profile.keyId)
        && (route === "multi_app" || !AS_SYSTEM_USER.includes(id) || asSystemUser(e)));
      const pathLine = latest("path");
      const path = pathLine && pathLine.state !== "todo" ? pathLine.detail?.path ?? null : null;
      const provisioned = path === "studio_provisioned" || path === "v9_preview";
      const steps = (route === "system_user" ? SYSTEM_USER_IDS : IDS).map((id) => {
        const e = latest(id);
        let s = { id, state: e?.state ?? "todo", at: e?.at ?? null, outcome: e ? l(e.outcome, e.outcomeNb ?? e.outcome) : null, note: null, detail: e?.detail ?? null };
        if (id === "key" && !key) s = { id, state: "todo", at: null, outcome: null, note: l("The profile has no key yet.", "Profilen har ingen nøkkel ennå."), detail: null };
        else if (id === "key" && s.state === "todo") s.state = "done";
        if (id === "client" && !profile.clientId) s = { id, state: "todo", at: null, outcome: null, note: l("The profile has no client id yet.", "Profilen har ingen klient-ID ennå."), detail: null };
        else if (id === "client" && s.state === "todo") s.state = "done";
        if (provisioned && route === "multi_app" && s.state !== "verified") {
          if (["vault_access", "client", "key", "vault_write"].includes(id)) s = { ...s, state: "not_needed", note: NOT_NEEDED_SETUP };
          if (["token", "exchange", "instance"].includes(id)) s = { ...s, state: "not_needed", note: NOT_NEEDED_RUN };
        }
        return s;
      });
      const next = steps.find((s) => s.state === "todo" || s.state === "failed")?.id ?? null;
      return {
        profile: name, environment: profile.environment.kind, route, routeReason, path,
        appFolder: pathLine && pathLine.state !== "todo" ? pathLine.detail?.folder ?? null : null,
        steps, next, key: key ? keyWatch(key) : null,
        complete: steps.every((s) => ["done", "verified", "not_needed"].includes(s.state)),
        historyDamaged: seed.historyDamaged ?? 0,
        warnings: seed.warnings ?? [],
      };
    }

    /** What each action proves, as flows.rs and checklist.rs record it. */
    fake.afterCall = (cmd, args, result) => {
      const r = args?.request ?? {};
      if (!result) return;
      switch (cmd) {
        case "run_token_test":
          if (result.maskinporten) {
            line(r.profile, "token-test", "client", "verified", "Maskinporten accepted the client and key");
            line(r.profile, "token-test", "key", "verified", "Maskinporten accepted the client and key");
            line(r.profile, "token-test", "token", "verified", `Maskinporten token for ${result.maskinporten.consumerOrg}`, { detail: result });
            if (r.options?.exchange) line(r.profile, "exchange", "exchange", result.altinn ? "verified" : "failed", result.altinn ? "exchanged for an Altinn token" : "the exchange failed", { detail: result });
          } else line(r.profile, "token-test", "token", "failed", result.diagnosis?.title.en ?? "the chain stopped", { detail: result });
          break;
        case "check_app_config":
          if (!r.profile) break;
          if (result.path.path !== "unknown") line(r.profile, "config-check", "path", "verified", `path found in ${r.path}`, { detail: { path: result.path.path, folder: r.path } });
          line(r.profile, "config-check", "config", result.errors > 0 ? "failed" : "verified", `${result.errors} error(s), ${result.warnings} warning(s)`, { detail: { folder: r.path, errors: result.errors, warnings: result.warnings } });
          break;
        case "register_sandbox_key":
          line(r.profile, "sandbox-register", "client", "verified", `public key registered on sandbox client ${result.clientId}`);
          break;
        case "probe_vault":
          line(r.profile, "keyvault-probe", "vault_access", result.readyToWrite ? "verified" : "failed", result.readyToWrite ? "can list and read secrets" : "not ready to write");
          break;
        case "write_vault_secrets":
          if (result.verify) line(r.profile, "keyvault-verify", "vault_write", result.verify.ok ? "verified" : "failed", "read back");
          break;
        case "verify_vault_secrets":
          line(r.profile, "keyvault-verify", "vault_write", result.ok ? "verified" : "failed", "read back");
          break;
        case "create_instance":
          line(r.profile, "instantiate", "instance", "verified", "created", { instanceId: result.instance.id, app: "ttd/sandbox-app-b", ...(r.acting ? { detail: { systemUser: r.acting.systemUserOrg } } : {}) });
          break;
        case "register_system":
          line(r.profile, "system-register", "system_register", result.written || result.changes.length === 0 ? "verified" : "todo", result.written ? `${result.systemId} written and read back` : "read");
          break;
        case "request_system_user":
        case "get_system_user_request": {
          const profile = r.profile ?? args.profile;
          const state = { accepted: "verified", new: "todo" }[result.status] ?? "failed";
          const last = [...fake.history].reverse().find((e) => e.profile === profile && e.step === "system_user_approval");
          if (last?.state === state && last.detail?.requestId === result.request.id) break;
          line(profile, "system-user-request", "system_user_approval", state, `request ${result.status}`, { detail: { requestId: result.request.id, customer: result.request.partyOrgNo, externalRef: result.request.externalRef, status: result.status } });
          break;
        }
        case "check_app_b_for_system_users":
          if (args.profile) line(args.profile, "app-b-check", "app_b_system_users", result.findings.some((f) => f.severity === "error") ? "failed" : "verified", "app B checked");
          break;
        case "generate_key":
          if (r.profile) line(r.profile, "key", "key", "done", "key generated into the keychain");
          break;
      }
    };

    return {
      get_checklist: ({ request: { profile } }) => build(profile),
      choose_route: ({ profile, route }) => {
        if (!findProfile(profile)) throw appError("not_found", `There is no profile "${profile}".`);
        fake.history.push({ at: new Date().toISOString(), profile, action: "checklist", app: null, instanceId: null, owner: null, outcome: `route: ${route}`, succeeded: true, detail: { route } });
        return build(profile);
      },
      mark_step: ({ request: { profile, step, state, path } }) => {
        const found = findProfile(profile);
        if (!found) throw appError("not_found", `There is no profile "${profile}".`);
        const byHand = ["path", "vault_access", "client", "redeploy", "app_b_system_users"];
        if (state !== "todo" && (state !== "done" || !byHand.includes(step))) throw appError("invalid_input", `The step cannot be marked ${state} by hand: the tool proves it by running it.`, "Use the step's own button (check, test or create).");
        if (step === "client" && state === "done" && !found.clientId) throw appError("invalid_input", "Paste the client id from Samarbeidsportalen first; the step is done when the profile has it.");
        if (step === "path" && state === "done" && !path) throw appError("invalid_input", "Choose which path the app is on.");
        line(profile, "checklist", step, state, state === "todo" ? "marked to do" : "marked done", step === "path" && path ? { detail: { path, manual: true } } : {});
        return build(profile);
      },
      list_activity: ({ request: { profile } }) => fake.history.filter((e) => e.profile === profile).slice().reverse(),
      save_report: ({ request }) => {
        fake.reports.push(request);
        return { path: request.path ?? `/home/tester/.local/share/no.maskinporten-assistant/reports/report-${request.profile.toLowerCase()}.html` };
      },
      "plugin:opener|open_url": ({ url }) => {
        fake.opened.push(url);
        return null;
      },
    };
  });
})();
