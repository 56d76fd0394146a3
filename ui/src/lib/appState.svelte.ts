// Shared state of the running app: what the backend last told us (profiles, keys, app info),
// which profile is active, and the last result shown in the #status region.
import * as backend from "./backend";
import { AppError } from "./backend";
import type { AppInfo } from "../bindings/AppInfo";
import type { ChainReport } from "../bindings/ChainReport";
import type { KeyView } from "../bindings/KeyView";
import type { InstanceSummary } from "../bindings/InstanceSummary";
import type { Profile } from "../bindings/Profile";
import type { MessageKey, Params } from "./i18n";
import { pickActive } from "./activeProfile";

const ACTIVE_PROFILE_KEY = "maskinporten-assistant.activeProfile";

/** Kept as a key, not text, so the status follows a language switch. */
export type Status =
  | { tone: "ok"; key: MessageKey; params?: Params }
  | { tone: "error"; error: AppError };

function readActive(): string | null {
  try {
    return localStorage.getItem(ACTIVE_PROFILE_KEY);
  } catch {
    return null;
  }
}

class AppState {
  profiles = $state<Profile[]>([]);
  keys = $state<KeyView[]>([]);
  info = $state<AppInfo | null>(null);
  status = $state<Status | null>(null);
  activeProfileName = $state<string | null>(readActive());
  /**
   * The session's last token test, shown again when the person leaves the step and comes back.
   * Only the last one: copy_token copies the backend's last tokens, which are this run's.
   */
  lastTokenTest = $state<{ profile: string; report: ChainReport } | null>(null);

  /**
   * The instance last shown in the Instances step, with what its creation reported, so it is
   * still there after visiting another step. Never shown for another profile.
   */
  lastInstance = $state<{ profile: string; instance: InstanceSummary; ignoredPrefillKeys: string[]; receiptPath: string | null } | null>(null);

  activeProfile = $derived(this.profiles.find((p) => p.name === this.activeProfileName) ?? null);

  setActive(name: string | null): void {
    this.activeProfileName = name;
    try {
      if (name === null) localStorage.removeItem(ACTIVE_PROFILE_KEY);
      else localStorage.setItem(ACTIVE_PROFILE_KEY, name);
    } catch {
      // the choice just isn't remembered across restarts
    }
  }

  ok(key: MessageKey, params?: Params): void {
    this.status = { tone: "ok", key, params };
  }

  fail(error: AppError): void {
    this.status = { tone: "error", error };
  }

  /** Runs a backend call; failures go to the status region and come back as the AppError. */
  async attempt<T>(run: () => Promise<T>): Promise<T | AppError> {
    try {
      return await run();
    } catch (reason) {
      const error = backend.toAppError(reason);
      this.fail(error);
      return error;
    }
  }

  async refreshProfiles(): Promise<void> {
    const result = await this.attempt(backend.listProfiles);
    if (result instanceof AppError) return;
    this.profiles = result;
    const active = pickActive(result, this.activeProfileName);
    if (active !== this.activeProfileName) this.setActive(active);
  }

  async refreshKeys(): Promise<void> {
    const result = await this.attempt(backend.listKeys);
    if (!(result instanceof AppError)) this.keys = result;
  }

  async load(): Promise<void> {
    const info = await this.attempt(backend.getAppInfo);
    if (!(info instanceof AppError)) this.info = info;
    await Promise.all([this.refreshProfiles(), this.refreshKeys()]);
  }
}

export const app = new AppState();
