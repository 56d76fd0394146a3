// The guided checklist of the active profile, as Rust folds it, and the activity log beside it.
// Kept outside the screen so it survives visits to other steps; refreshed after every action.
import * as backend from "./backend";
import { AppError } from "./backend";
import type { Checklist } from "../bindings/Checklist";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { StepId } from "../bindings/StepId";

class Guide {
  list = $state<Checklist | null>(null);
  activity = $state<HistoryEntry[]>([]);
  error = $state<AppError | null>(null);
  /** The step shown open; null follows the checklist's next step. */
  open = $state<StepId | "none" | null>(null);
  /** App A's folder as typed or chosen in the path step, before it is checked. */
  folder = $state("");

  /** The profile the last refresh asked about: a late answer for an earlier one is dropped. */
  private asked: string | null = null;

  async refresh(profile: string): Promise<void> {
    if (this.list && this.list.profile !== profile) {
      // Another profile: its own next step and folder, not the last one's.
      this.open = null;
      this.folder = "";
    }
    this.asked = profile;
    try {
      const [list, activity] = await Promise.all([backend.getChecklist(profile), backend.listActivity(profile)]);
      if (this.asked !== profile) return;
      this.list = list;
      this.activity = activity;
      this.error = null;
      if (!this.folder && list.appFolder) this.folder = list.appFolder;
    } catch (reason) {
      if (this.asked === profile) this.error = backend.toAppError(reason);
    }
  }

  /**
   * Runs one of the checklist's actions: the backend records what it proved, so the list is
   * fetched again afterwards, failed or not. A failure comes back to show beside the button.
   */
  async act(profile: string, work: () => Promise<unknown>): Promise<AppError | null> {
    let failure: AppError | null = null;
    try {
      await work();
    } catch (reason) {
      failure = backend.toAppError(reason);
    }
    await this.refresh(profile);
    return failure;
  }

  forget(): void {
    this.list = null;
    this.activity = [];
    this.open = null;
    this.folder = "";
  }
}

export const guide = new Guide();
