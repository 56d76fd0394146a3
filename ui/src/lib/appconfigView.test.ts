import { describe, expect, it } from "vitest";
import type { AppConfigReport } from "../bindings/AppConfigReport";
import type { Finding } from "../bindings/Finding";
import { folderName, groupFindings, place, verdict } from "./appconfigView";

const finding = (id: string, severity: Finding["severity"], line: number | null = 3): Finding => ({
  id, severity, file: "App/appsettings.json", line, message: { en: id, nb: id }, fix: { en: "fix", nb: "fiks" },
});

const report = (findings: Finding[]): AppConfigReport => ({
  root: "/repo", files: [], path: { path: "own_identity", reasons: [], appVersion: "8.5.0" }, sections: [], findings,
  errors: findings.filter((f) => f.severity === "error").length,
  warnings: findings.filter((f) => f.severity === "warning").length,
  snippet: null,
});

describe("findings", () => {
  it("are grouped by severity, keeping the backend's order within each", () => {
    const groups = groupFindings([finding("a", "error"), finding("b", "info"), finding("c", "error"), finding("d", "warning")]);
    expect(groups.error.map((f) => f.id)).toEqual(["a", "c"]);
    expect(groups.warning.map((f) => f.id)).toEqual(["d"]);
    expect(groups.info.map((f) => f.id)).toEqual(["b"]);
  });

  it("say where they are as file:line, or the file alone when something is missing from it", () => {
    expect(place(finding("a", "error", 42))).toBe("App/appsettings.json:42");
    expect(place(finding("a", "error", null))).toBe("App/appsettings.json");
  });
});

describe("the verdict", () => {
  it("is clean only without any finding, and names the worst severity otherwise", () => {
    expect(verdict(report([]))).toBe("clean");
    expect(verdict(report([finding("a", "info")]))).toBe("notes");
    expect(verdict(report([finding("a", "info"), finding("b", "warning")]))).toBe("warnings");
    expect(verdict(report([finding("a", "warning"), finding("b", "error")]))).toBe("errors");
  });
});

describe("folder names", () => {
  it("take the last part of Unix and Windows paths", () => {
    expect(folderName("/home/me/repos/app-a/")).toBe("app-a");
    expect(folderName("C:\\Users\\me\\app-a")).toBe("app-a");
    expect(folderName("")).toBe("");
  });
});
