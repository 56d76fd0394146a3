// What the rotation card offers, from where Rust says the rotation stands.
import type { RotationView } from "../bindings/RotationView";

export type RotationAction = "start" | "continue" | "redeployed" | "none";

/** The one button that moves the rotation on: start a new one, continue, or confirm the redeploy. */
export function nextAction(view: RotationView | null): RotationAction {
  if (view === null || view.rotation.finished !== null) return "start";
  if (view.stoppedAt === "redeploy") return "redeployed";
  return view.stoppedAt === null ? "none" : "continue";
}
