// The checklist's token and exchange runs: the same command as the Token test step, with the
// profile's own scopes (or as the customer's system user); the result is kept for that step too.
import type { AppError } from "../../lib/backend";
import * as backend from "../../lib/backend";
import { app } from "../../lib/appState.svelte";
import { guide } from "../../lib/guide.svelte";
import { chainOptions, defaultOptions } from "../../lib/tokenView";
import { systemUserOptions } from "../../lib/systemUserView";
import type { ActingAs } from "../../bindings/ActingAs";

/** With `acting`, as that customer's system user (the system-user route). */
export async function runChain(profile: string, exchange: boolean, acting: ActingAs | null = null): Promise<AppError | null> {
  return guide.act(profile, async () => {
    const options = acting ? { ...systemUserOptions(acting), exchange } : { ...chainOptions(defaultOptions()), exchange };
    const report = await backend.runTokenTest({ profile, options });
    app.lastTokenTest = { profile, report };
  });
}
