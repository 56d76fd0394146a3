// The bulk run of this session, kept outside the step so it goes on (and keeps its progress)
// while the person visits another step. The backend runs one bulk job at a time, so there is one.
import * as backend from "./backend";
import { AppError } from "./backend";
import { app } from "./appState.svelte";
import type { BulkAction } from "../bindings/BulkAction";
import type { BulkSummary } from "../bindings/BulkSummary";
import type { BulkProgress } from "../bindings/BulkProgress";

class BulkRun {
  /** The profile the last run was started with; its results are shown only for that profile. */
  profile = $state<string | null>(null);
  csvPath = $state<string | null>(null);
  running = $state(false);
  progress = $state<BulkProgress | null>(null);
  /** From the last progress event, or at once when a Pause or Resume was accepted. */
  paused = $state(false);
  cancelling = $state(false);
  summary = $state<BulkSummary | null>(null);
  error = $state<AppError | null>(null);
  steerError = $state<AppError | null>(null);

  async start(profile: string, csvPath: string, concurrency: number): Promise<BulkSummary | AppError> {
    this.profile = profile;
    this.csvPath = csvPath;
    this.running = true;
    this.progress = null;
    this.paused = false;
    this.cancelling = false;
    this.summary = null;
    this.error = null;
    this.steerError = null;
    const request = { profile, csvPath, concurrency, resultsPath: null };
    const result = await app.attempt(() =>
      backend.startBulk(request, (progress) => {
        this.progress = progress;
        this.paused = progress.paused;
      }),
    );
    this.running = false;
    this.paused = false;
    this.cancelling = false;
    if (result instanceof AppError) {
      this.error = result;
      return result;
    }
    this.summary = result;
    app.ok("status.bulkDone", { created: result.created, failed: result.failed, unknown: result.unknown });
    return result;
  }

  async steer(action: BulkAction): Promise<void> {
    this.steerError = null;
    if (action === "cancel") this.cancelling = true;
    const result = await app.attempt(() => backend.steerBulk({ action }));
    if (result instanceof AppError) {
      this.steerError = result;
      if (action === "cancel") this.cancelling = false;
      return;
    }
    if (action !== "cancel") this.paused = action === "pause";
  }
}

export const bulk = new BulkRun();
