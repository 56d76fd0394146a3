// The app configuration check of this session: the folders chosen and the last report, kept
// outside the step so they are still there after a visit to another step.
import type { AppConfigReport } from "../bindings/AppConfigReport";

class ConfigCheck {
  appA = $state<string | null>(null);
  appB = $state<string | null>(null);
  /** The last report, with the profile it was cross-checked against (null: none). */
  last = $state<{ report: AppConfigReport; profile: string | null } | null>(null);
}

export const configCheck = new ConfigCheck();
