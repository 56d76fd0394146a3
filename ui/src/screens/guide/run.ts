// The checklist's token and exchange runs: the same command as the Token test step, with the
// profile's own scopes; the result is kept for that step too.
import type { AppError } from "../../lib/backend";
import * as backend from "../../lib/backend";
import { app } from "../../lib/appState.svelte";
import { guide } from "../../lib/guide.svelte";
import { chainOptions, defaultOptions } from "../../lib/tokenView";

export async function runChain(profile: string, exchange: boolean): Promise<AppError | null> {
  return guide.act(profile, async () => {
    const report = await backend.runTokenTest({ profile, options: { ...chainOptions(defaultOptions()), exchange } });
    app.lastTokenTest = { profile, report };
  });
}
