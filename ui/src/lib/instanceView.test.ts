import { describe, expect, it } from "vitest";
import type { DataTypeInfo } from "../bindings/DataTypeInfo";
import {
  checkConcurrency,
  checkFiles,
  checkPrefill,
  createMode,
  emptyCreateDraft,
  extensionsFor,
  fileName,
  flowViews,
  formatBytes,
  formatRate,
  instanceGuid,
  isUpdatable,
  receiptFileName,
  sortedDataTypes,
  taskLabel,
} from "./instanceView";
import type { InstanceSummary } from "../bindings/InstanceSummary";

const instance = (fields: Partial<InstanceSummary> = {}): InstanceSummary => ({
  id: "50001001/6f1c2d3e-0000-4a5b-8c9d-000000000001", appId: "ttd/app-b", ownerPartyId: "50001001",
  currentTask: "Task_1", currentTaskName: "Utfylling", ended: null, data: [], appLink: null, created: null, lastChanged: null, ...fields,
});

const type = (id: string, fields: Partial<DataTypeInfo> = {}): DataTypeInfo => ({
  id, allowedContentTypes: ["application/pdf"], isForm: false, autoCreate: false, taskId: "Task_1", maxCount: 0, maxSize: null, ...fields,
});

describe("instance ids and files", () => {
  it("name the receipt after the instance's guid", () => {
    expect(instanceGuid("50001001/abc-def")).toBe("abc-def");
    expect(receiptFileName("50001001/abc-def")).toBe("kvittering-abc-def.pdf");
  });

  it("offer updates for JSON and XML elements only", () => {
    const element = (contentType: string) => ({ id: "e", dataType: "model", contentType, size: 1n, filename: null });
    expect(isUpdatable(element("application/xml"))).toBe(true);
    expect(isUpdatable(element("application/json; charset=utf-8"))).toBe(true);
    expect(isUpdatable(element("text/xml"))).toBe(true);
    expect(isUpdatable(element("application/vnd.x+json"))).toBe(true);
    expect(isUpdatable(element("application/pdf"))).toBe(false);
  });

  it("filter the open dialog by a data type's content types, or not at all when unsure", () => {
    expect(extensionsFor(["application/xml", "application/json"])).toEqual(["xml", "json"]);
    expect(extensionsFor(["image/jpeg"])).toEqual(["jpg", "jpeg"]);
    expect(extensionsFor([])).toEqual([]);
    expect(extensionsFor(["application/pdf", "application/x-unknown"])).toEqual([]);
  });

  it("put the form's data type first", () => {
    expect(sortedDataTypes([type("a"), type("model", { isForm: true }), type("b")]).map((t) => t.id)).toEqual(["model", "a", "b"]);
  });

  it("show the last part of a path on any system", () => {
    expect(fileName("/home/t/data.json")).toBe("data.json");
    expect(fileName("C:\\Users\\t\\data.xml")).toBe("data.xml");
  });
});

describe("the flow picture", () => {
  const state = { instance: null, creating: false, advancing: false, savingReceipt: false, receiptSaved: false };

  it("is all pending without an instance, and shows creation in flight", () => {
    expect(flowViews(state)).toEqual({ created: "pending", task: "pending", ended: "pending", receipt: "pending" });
    expect(flowViews({ ...state, creating: true }).created).toBe("running");
  });

  it("stands at the task until the process ends", () => {
    expect(flowViews({ ...state, instance: instance() })).toEqual({ created: "done", task: "current", ended: "pending", receipt: "pending" });
    expect(flowViews({ ...state, instance: instance(), advancing: true }).task).toBe("running");
  });

  it("offers the receipt once ended, and marks it done when saved", () => {
    const ended = instance({ currentTask: null, currentTaskName: null, ended: "2026-03-02T10:00:00Z" });
    expect(flowViews({ ...state, instance: ended })).toEqual({ created: "done", task: "done", ended: "done", receipt: "current" });
    expect(flowViews({ ...state, instance: ended, savingReceipt: true }).receipt).toBe("running");
    expect(flowViews({ ...state, instance: ended, receiptSaved: true }).receipt).toBe("done");
  });

  it("names the task, and keeps the last one seen after the end", () => {
    expect(taskLabel(instance(), null)).toBe("Task_1 (Utfylling)");
    expect(taskLabel(instance({ currentTaskName: null }), null)).toBe("Task_1");
    const ended = instance({ currentTask: null, currentTaskName: null, ended: "x" });
    expect(taskLabel(ended, { id: "Task_2", name: "Signering" })).toBe("Task_2 (Signering)");
    expect(taskLabel(ended, null)).toBe("Task_1");
    expect(taskLabel(null, null)).toBe("Task_1");
  });
});

describe("the create form", () => {
  it("ignores empty prefill rows, needs a key for a value, refuses a key twice, and lists unknown keys", () => {
    const rows = [
      { key: " navn ", value: "Test AS" },
      { key: "", value: "" },
      { key: "", value: "lost" },
      { key: "navn", value: "again" },
      { key: "nvan", value: "typo" },
    ];
    const check = checkPrefill(rows, ["navn", "antall"]);
    expect(check.rows).toEqual({ 2: "instances.prefill.error.noKey", 3: "instances.prefill.error.duplicate" });
    expect(check.pairs).toEqual({ navn: "Test AS", nvan: "typo" });
    expect(check.unknown).toEqual(["nvan"]);
    expect(check.empty).toBe(false);
    expect(checkPrefill([{ key: "", value: "" }], null).empty).toBe(true);
    expect(checkPrefill([{ key: "x", value: "1" }], null).unknown, "no schema, nothing to compare with").toEqual([]);
  });

  it("needs a file per row and no more files than a data type takes", () => {
    const types = [type("model", { maxCount: 1 }), type("attachment", { maxCount: 0 })];
    const problems = checkFiles(
      [
        { dataType: "model", path: "/a.xml" },
        { dataType: "model", path: "/b.xml" },
        { dataType: "attachment", path: null },
        { dataType: "gone", path: "/c.pdf" },
      ],
      types,
    );
    expect(problems).toEqual({ 1: "instances.files.error.tooMany", 2: "instances.files.error.noFile", 3: "instances.files.error.type" });
  });

  it("becomes the CreateMode the backend takes", () => {
    const draft = emptyCreateDraft();
    expect(createMode(draft, null)).toEqual({ kind: "template" });
    expect(createMode({ ...draft, kind: "prefill", pairs: [{ key: "navn", value: "A" }, { key: "", value: "" }] }, null)).toEqual({ kind: "prefill", pairs: { navn: "A" } });
    expect(createMode({ ...draft, kind: "multipart", files: [{ dataType: "model", path: "/a.json" }] }, null)).toEqual({
      kind: "multipart",
      files: [{ dataType: "model", path: "/a.json", contentType: null }],
    });
  });
});

describe("bulk", () => {
  it("takes a whole number of requests from 1 to 32", () => {
    for (const ok of ["1", "4", " 32 "]) expect(checkConcurrency(ok), ok).toBeNull();
    for (const bad of ["0", "33", "2.5", "", "four", "-1"]) expect(checkConcurrency(bad), bad).toBe("instances.bulk.error.concurrency");
  });

  it("shows rates and sizes in the language's own numbers", () => {
    expect(formatRate(12.345, "en")).toBe("12.3");
    expect(formatRate(12.345, "nb")).toBe("12,3");
    expect(formatRate(Number.NaN, "en")).toBe("0.0");
    expect(formatBytes(412, "en")).toBe("412 B");
    expect(formatBytes(412n, "en"), "ts-rs's bigint too").toBe("412 B");
    expect(formatBytes(1530, "nb")).toBe("1,5 kB");
    expect(formatBytes(2_500_000, "en")).toBe("2.5 MB");
  });
});
