// Which profile a window opens on. Pure, so it is unit-tested.
import type { Profile } from "../bindings/Profile";

/**
 * The profile to open: the one last used in this window when it still exists, else the only one
 * there is (say, made on the command line); with several and none remembered, the person chooses.
 */
export function pickActive(profiles: readonly Pick<Profile, "name">[], remembered: string | null): string | null {
  if (remembered !== null && profiles.some((p) => p.name === remembered)) return remembered;
  return profiles.length === 1 ? profiles[0].name : null;
}
