// How app B's instances are shown and asked for: the instance's flow picture, data elements,
// the create form turned into a CreateMode, the history of what this tool made, and bulk
// progress. Pure, so it is unit-tested.
import type { CreateMode } from "../bindings/CreateMode";
import type { DataFile } from "../bindings/DataFile";
import type { DataTypeInfo } from "../bindings/DataTypeInfo";
import type { MessageKey } from "./i18n";
import type { DataElementSummary } from "../bindings/DataElementSummary";
import type { InstanceSummary } from "../bindings/InstanceSummary";

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 32;

/** `partyId/guid` → `guid`. */
export function instanceGuid(id: string): string {
  return id.slice(id.indexOf("/") + 1);
}

/** The save dialog's suggestion for the receipt. */
export const receiptFileName = (id: string): string => `kvittering-${instanceGuid(id)}.pdf`;

const bareType = (contentType: string) => contentType.split(";")[0].trim().toLowerCase();

/** Apps take new form data as JSON or XML; PDFs and images are not updated from here. */
export function isUpdatable(element: DataElementSummary): boolean {
  const type = bareType(element.contentType);
  return /^(application|text)\/(json|xml)$/.test(type) || /\+(json|xml)$/.test(type);
}

const EXTENSIONS: Record<string, readonly string[]> = {
  "application/json": ["json"],
  "application/xml": ["xml"],
  "text/xml": ["xml"],
  "application/pdf": ["pdf"],
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg"],
  "text/plain": ["txt"],
  "text/csv": ["csv"],
};

/**
 * File extensions for the open dialog. A data type that takes anything, or a content type we
 * cannot name an extension for, means no filter: better any file than a dialog that hides the right one.
 */
export function extensionsFor(contentTypes: readonly string[]): string[] {
  const lists = contentTypes.map((c) => EXTENSIONS[bareType(c)]);
  if (lists.length === 0 || lists.some((l) => l === undefined)) return [];
  return [...new Set(lists.flat())];
}

/** The form's data type first, then the others in the app's order. */
export function sortedDataTypes(types: readonly DataTypeInfo[]): DataTypeInfo[] {
  return [...types].sort((a, b) => Number(b.isForm) - Number(a.isForm));
}

// ---- The flow picture: Created → task → Ended → Receipt ----

export type FlowStep = "created" | "task" | "ended" | "receipt";
export const FLOW_STEPS: readonly FlowStep[] = ["created", "task", "ended", "receipt"];

/** done: passed; current: where the instance is (or, for the receipt, ready to save); running: in flight. */
export type FlowView = "pending" | "current" | "running" | "done";

export interface FlowState {
  instance: InstanceSummary | null;
  creating: boolean;
  advancing: boolean;
  savingReceipt: boolean;
  receiptSaved: boolean;
}

export function flowViews(s: FlowState): Record<FlowStep, FlowView> {
  const i = s.instance;
  if (!i) {
    return { created: s.creating ? "running" : "pending", task: "pending", ended: "pending", receipt: "pending" };
  }
  if (!i.ended) {
    return { created: "done", task: s.advancing ? "running" : "current", ended: "pending", receipt: "pending" };
  }
  const receipt: FlowView = s.receiptSaved ? "done" : s.savingReceipt ? "running" : "current";
  return { created: "done", task: "done", ended: "done", receipt };
}

/** The task's label: the current one, else the last one seen, else the usual Task_1. */
export function taskLabel(instance: InstanceSummary | null, lastSeen: { id: string; name: string | null } | null): string {
  const id = instance?.currentTask ?? lastSeen?.id ?? "Task_1";
  const name = instance?.currentTask ? instance.currentTaskName : instance ? lastSeen?.name : null;
  return name && name !== id ? `${id} (${name})` : id;
}

// ---- Create ----

export type CreateKind = CreateMode["kind"];
export const CREATE_KINDS: readonly CreateKind[] = ["template", "prefill", "multipart"];

export type PrefillRow = { key: string; value: string };
export type FileRow = { dataType: string; path: string | null };

export interface CreateDraft {
  owner: string;
  kind: CreateKind;
  pairs: PrefillRow[];
  files: FileRow[];
}

export const emptyCreateDraft = (): CreateDraft => ({ owner: "", kind: "template", pairs: [{ key: "", value: "" }], files: [] });

export interface PrefillCheck {
  /** Row index → what is wrong with its key. */
  rows: Record<number, MessageKey>;
  /** Keys the form's schema does not know (only when the schema is known): the app ignores them. */
  unknown: string[];
  pairs: Record<string, string>;
  empty: boolean;
}

/** Rows with neither key nor value are ignored; a value needs a key, and a key may come once. */
export function checkPrefill(rows: readonly PrefillRow[], known: readonly string[] | null): PrefillCheck {
  const result: PrefillCheck = { rows: {}, unknown: [], pairs: {}, empty: true };
  const seen = new Set<string>();
  rows.forEach((row, i) => {
    const key = row.key.trim();
    if (key === "" && row.value === "") return;
    result.empty = false;
    if (key === "") {
      result.rows[i] = "instances.prefill.error.noKey";
      return;
    }
    if (seen.has(key)) {
      result.rows[i] = "instances.prefill.error.duplicate";
      return;
    }
    seen.add(key);
    result.pairs[key] = row.value;
    if (known && !known.includes(key)) result.unknown.push(key);
  });
  return result;
}

/** Row index → problem: a file must be chosen, and a data type may not get more files than it takes. */
export function checkFiles(rows: readonly FileRow[], types: readonly DataTypeInfo[]): Record<number, MessageKey> {
  const problems: Record<number, MessageKey> = {};
  const counts = new Map<string, number>();
  rows.forEach((row, i) => {
    const type = types.find((t) => t.id === row.dataType);
    if (!type) {
      problems[i] = "instances.files.error.type";
      return;
    }
    const count = (counts.get(type.id) ?? 0) + 1;
    counts.set(type.id, count);
    if (row.path === null) problems[i] = "instances.files.error.noFile";
    else if (type.maxCount > 0 && count > type.maxCount) problems[i] = "instances.files.error.tooMany";
  });
  return problems;
}

export function createMode(draft: CreateDraft, known: readonly string[] | null): CreateMode {
  switch (draft.kind) {
    case "template":
      return { kind: "template" };
    case "prefill":
      return { kind: "prefill", pairs: checkPrefill(draft.pairs, known).pairs };
    case "multipart":
      return {
        kind: "multipart",
        files: draft.files.filter((f) => f.path !== null).map((f): DataFile => ({ dataType: f.dataType, path: f.path ?? "", contentType: null })),
      };
  }
}

/** The last part of a path, whichever separator the system uses. */
export const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

// ---- Bulk ----

export type ConcurrencyProblem = Extract<MessageKey, "instances.bulk.error.concurrency">;

export function checkConcurrency(text: string): ConcurrencyProblem | null {
  const n = Number(text);
  return /^\s*\d+\s*$/.test(text) && n >= 1 && n <= MAX_CONCURRENCY ? null : "instances.bulk.error.concurrency";
}

/** Rows per second with one decimal, in the language's own number format. */
export function formatRate(perSecond: number, locale: string): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(Number.isFinite(perSecond) ? perSecond : 0);
}

/**
 * 512 B, 3.4 kB, 1.2 MB (decimal units, as file managers show them). ts-rs types u64 as bigint;
 * over IPC it arrives as a JSON number. Number() takes both.
 */
export function formatBytes(size: number | bigint, locale: string): string {
  const n = Number(size);
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB"];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}

/** An RFC 3339 time as a local date and time, 24-hour in both languages. */
export function formatIsoTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : locale, {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(date);
}
