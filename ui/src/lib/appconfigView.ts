// How the app configuration check is shown: findings grouped by severity (errors first), where
// each one is (file:line), and a one-line summary. Pure, so it is unit-tested.
import type { AppConfigReport } from "../bindings/AppConfigReport";
import type { Finding } from "../bindings/Finding";
import type { Severity } from "../bindings/Severity";

/** Errors first, then warnings, then notes, as the backend sorts them. */
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

export const SEVERITY_ICONS: Record<Severity, string> = { error: "✗", warning: "⚠", info: "·" };

export function groupFindings(findings: readonly Finding[]): Record<Severity, Finding[]> {
  const groups: Record<Severity, Finding[]> = { error: [], warning: [], info: [] };
  for (const finding of findings) groups[finding.severity].push(finding);
  return groups;
}

/** `App/Program.cs:42`, or the file alone when the problem is something missing from it. */
export const place = (finding: Pick<Finding, "file" | "line">): string =>
  finding.line === null ? finding.file : `${finding.file}:${finding.line}`;

export type ConfigVerdict = "clean" | "notes" | "warnings" | "errors";

/** The headline: clean (no findings), only notes, warnings but no errors, or errors. */
export function verdict(report: AppConfigReport): ConfigVerdict {
  if (report.errors > 0) return "errors";
  if (report.warnings > 0) return "warnings";
  return report.findings.length > 0 ? "notes" : "clean";
}

/** The folder's last part, for a short label; the whole path is shown beside it. */
export function folderName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts.at(-1) ?? path;
}
