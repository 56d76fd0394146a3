// The Azure sign-in of this session and the Key Vault step's last results, kept outside the step
// so a waiting device-code sign-in goes on (and a result stays) while the person visits another
// step. Rust keeps the token itself and one pending sign-in at a time; the UI sees only the code
// to show and, afterwards, who signed in.
import * as backend from "./backend";
import { AppError } from "./backend";
import { app } from "./appState.svelte";
import type { DeviceCodePrompt } from "../bindings/DeviceCodePrompt";
import type { SignInMethod } from "../bindings/SignInMethod";
import type { SignInSummary } from "../bindings/SignInSummary";
import type { VaultProbeReport } from "../bindings/VaultProbeReport";
import type { VaultVerifyReport } from "../bindings/VaultVerifyReport";
import type { VaultWriteReport } from "../bindings/VaultWriteReport";

/** idle → starting → waiting (a code is shown) → signed in; or cancelled / failed. */
export type SignInPhase = "idle" | "starting" | "waiting" | "signedIn" | "cancelled" | "failed";

/** What the step showed last for one profile. */
export interface VaultResults {
  probe: VaultProbeReport | null;
  write: VaultWriteReport | null;
  verify: VaultVerifyReport | null;
}

class VaultSession {
  /** The profile the current (or last) sign-in was started for. */
  profile = $state<string | null>(null);
  phase = $state<SignInPhase>("idle");
  prompt = $state<DeviceCodePrompt | null>(null);
  error = $state<AppError | null>(null);
  /** Who is signed in, per profile (a session is for the vault's tenant; Rust checks that). */
  signedIn = $state<Record<string, SignInSummary>>({});
  results = $state<Record<string, VaultResults>>({});
  /** Each start counts up, so the answer to an older, cancelled poll is never taken for a newer one. */
  #attempt = 0;

  phaseFor(profile: string): SignInPhase {
    return this.profile === profile ? this.phase : "idle";
  }

  resultsFor(profile: string): VaultResults {
    return this.results[profile] ?? { probe: null, write: null, verify: null };
  }

  remember(profile: string, update: Partial<VaultResults>): void {
    this.results[profile] = { ...this.resultsFor(profile), ...update };
  }

  async signIn(profile: string, method: SignInMethod, clientId: string | null): Promise<void> {
    const attempt = ++this.#attempt;
    this.profile = profile;
    this.phase = "starting";
    this.prompt = null;
    this.error = null;
    const started = await app.attempt(() => backend.startVaultLogin({ profile, method, clientId }));
    if (attempt !== this.#attempt) return;
    if (started instanceof AppError) {
      this.fail(started);
      return;
    }
    if (started.status === "signed_in") {
      this.succeed(profile, started.session);
      return;
    }
    this.prompt = started.prompt;
    this.phase = "waiting";
    app.ok("vault.status.codeShown", { code: started.prompt.userCode });
    try {
      const summary = await backend.pollVaultLogin();
      if (attempt === this.#attempt) this.succeed(profile, summary);
    } catch (reason) {
      // A cancel (which counts #attempt up) ends the poll with "cancelled": the person's own
      // choice, not an error to show.
      if (attempt !== this.#attempt) return;
      const error = backend.toAppError(reason);
      app.fail(error);
      this.fail(error);
    }
  }

  async cancel(): Promise<void> {
    this.#attempt += 1;
    this.phase = "cancelled";
    this.prompt = null;
    const result = await app.attempt(backend.cancelVaultLogin);
    if (!(result instanceof AppError)) app.ok("vault.status.cancelled");
  }

  private succeed(profile: string, summary: SignInSummary): void {
    this.signedIn[profile] = summary;
    this.phase = "signedIn";
    this.prompt = null;
    app.ok("vault.status.signedIn", { account: summary.account ?? summary.tenant });
  }

  private fail(error: AppError): void {
    this.phase = "failed";
    this.prompt = null;
    this.error = error;
  }
}

export const vault = new VaultSession();
