// The backend module against Tauri's own IPC mock: the exact command names and argument
// shapes the Rust side expects, and every rejection turned into an AppError.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as backend from "./backend";
import { AppError, toAppError } from "./backend";

beforeAll(() => {
  // mockIPC writes to window.__TAURI_INTERNALS__; in Node the global object stands in for window.
  (globalThis as unknown as { window: typeof globalThis }).window = globalThis;
});

afterEach(() => clearMocks());

function record() {
  const calls: { cmd: string; args: unknown }[] = [];
  return { calls, push: (cmd: string, args: unknown) => calls.push({ cmd, args }) };
}

describe("commands", () => {
  it("wrap the request in a `request` argument, as the Rust commands declare it", async () => {
    const log = record();
    mockIPC((cmd, args) => {
      log.push(cmd, args);
      return { kid: "k1", detachedFrom: [] };
    });
    await backend.deleteKey({ kid: "k1", confirmed: true });
    expect(log.calls).toEqual([{ cmd: "delete_key", args: { request: { kid: "k1", confirmed: true } } }]);
  });

  it("send commands without a request with no arguments", async () => {
    const log = record();
    mockIPC((cmd, args) => {
      log.push(cmd, args);
      return [];
    });
    await backend.listKeys();
    expect(log.calls).toEqual([{ cmd: "list_keys", args: {} }]);
  });

  it("deliver generate_key progress from the channel before the result", async () => {
    const internals = () => (globalThis as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, m: unknown) => void } }).__TAURI_INTERNALS__;
    const key = { kid: "k2", bits: 2048, created: "", expires: "", thumbprint: "t", profiles: [], source: "generated" };
    mockIPC((cmd, args) => {
      expect(cmd).toBe("generate_key");
      const { request, onProgress } = args as { request: unknown; onProgress: { id: number } };
      expect(request).toEqual({ bits: 2048, profile: null });
      internals().runCallback(onProgress.id, { index: 0, message: { stage: "generating", bits: 2048 } });
      internals().runCallback(onProgress.id, { index: 1, message: { stage: "storing" } });
      internals().runCallback(onProgress.id, { index: 2, message: { stage: "done", key } });
      return key;
    });
    const stages: string[] = [];
    const result = await backend.generateKey({ bits: 2048, profile: null }, (p) => stages.push(p.stage));
    expect(stages).toEqual(["generating", "storing", "done"]);
    expect(result.kid).toBe("k2");
  });

  it("send the token-test and sandbox commands under their Rust names, with a `request` where Rust takes one", async () => {
    const log = record();
    mockIPC((cmd, args) => {
      log.push(cmd, args);
      return cmd === "get_wire_log" ? [] : cmd === "copy_token" ? { clearsInSeconds: 30 } : null;
    });
    const options = { scopes: [], exchange: true, testOrg: false, systemUserOrg: null, externalRef: null, consumerOrg: null, resource: [] };
    await backend.runTokenTest({ profile: "p", options });
    await backend.copyToken({ which: "altinn" });
    await backend.getSandboxInfo({ profile: "p" });
    await backend.registerSandboxKey({ profile: "p" });
    await backend.getWireLog();
    expect(log.calls).toEqual([
      { cmd: "run_token_test", args: { request: { profile: "p", options } } },
      { cmd: "copy_token", args: { request: { which: "altinn" } } },
      { cmd: "get_sandbox_info", args: { request: { profile: "p" } } },
      { cmd: "register_sandbox_key", args: { request: { profile: "p" } } },
      { cmd: "get_wire_log", args: {} },
    ]);
  });

  it("send app B's instance commands under their Rust names, each with a `request`", async () => {
    const log = record();
    mockIPC((cmd, args) => {
      log.push(cmd, args);
      return cmd === "list_made_here" ? { rows: [], deletable: [] } : cmd === "delete_instances" ? [] : null;
    });
    const p = "p";
    const id = "50001001/guid";
    await backend.getAppOverview({ profile: p });
    await backend.createInstance({ profile: p, owner: "313725138", mode: { kind: "prefill", pairs: { navn: "A" } } });
    await backend.showInstance({ profile: p, id });
    await backend.updateInstanceData({ profile: p, id, element: "e1", path: "/tmp/a.json", contentType: null });
    await backend.advanceInstance({ profile: p, id });
    await backend.saveReceipt({ profile: p, id, path: "/tmp/kvittering.pdf" });
    await backend.deleteInstances({ profile: p, ids: [id], allMadeHere: false, confirmed: true });
    await backend.steerBulk({ action: "pause" });
    await backend.listMadeHere({ profile: p });
    expect(log.calls).toEqual([
      { cmd: "get_app_overview", args: { request: { profile: p } } },
      { cmd: "create_instance", args: { request: { profile: p, owner: "313725138", mode: { kind: "prefill", pairs: { navn: "A" } } } } },
      { cmd: "show_instance", args: { request: { profile: p, id } } },
      { cmd: "update_instance_data", args: { request: { profile: p, id, element: "e1", path: "/tmp/a.json", contentType: null } } },
      { cmd: "advance_instance", args: { request: { profile: p, id } } },
      { cmd: "save_receipt", args: { request: { profile: p, id, path: "/tmp/kvittering.pdf" } } },
      { cmd: "delete_instances", args: { request: { profile: p, ids: [id], allMadeHere: false, confirmed: true } } },
      { cmd: "steer_bulk", args: { request: { action: "pause" } } },
      { cmd: "list_made_here", args: { request: { profile: p } } },
    ]);
  });

  it("deliver start_bulk progress from the channel before the summary", async () => {
    const internals = () => (globalThis as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, m: unknown) => void } }).__TAURI_INTERNALS__;
    const summary = { total: 2, created: 2, failed: 0, unknown: 0, resultsFile: "/tmp/o.results.csv", problems: [] };
    mockIPC((cmd, args) => {
      expect(cmd).toBe("start_bulk");
      const { request, onProgress } = args as { request: unknown; onProgress: { id: number } };
      expect(request).toEqual({ profile: "p", csvPath: "/tmp/o.csv", concurrency: 4, resultsPath: null });
      for (const [index, done] of [0, 1, 2].entries()) {
        const message = { total: 2, done, created: done, failed: 0, perSecond: done, etaSeconds: done === 2 ? 0 : null, paused: false };
        internals().runCallback(onProgress.id, { index, message });
      }
      return summary;
    });
    const seen: number[] = [];
    const result = await backend.startBulk({ profile: "p", csvPath: "/tmp/o.csv", concurrency: 4, resultsPath: null }, (p) => seen.push(p.done));
    expect(seen).toEqual([0, 1, 2]);
    expect(result).toEqual(summary);
  });

  it("filter the open dialog to CSV for a bulk run, and to the data type's extensions for a data file", async () => {
    const log = record();
    mockIPC((cmd, args) => {
      log.push(cmd, args);
      return "/tmp/picked";
    });
    expect(await backend.chooseCsvFile()).toBe("/tmp/picked");
    await backend.chooseDataFile(["xml", "json"]);
    await backend.chooseDataFile([]);
    // Rust opens the dialog and remembers the pick; the page has no dialog permission.
    expect(log.calls.map((c) => c.cmd)).toEqual(["choose_path", "choose_path", "choose_path"]);
    expect(log.calls[0].args).toEqual({ request: { kind: "open", name: "CSV", extensions: ["csv"] } });
    expect(log.calls[1].args).toEqual({ request: { kind: "open", name: "Data", extensions: ["xml", "json"] } });
    expect(log.calls[2].args).toEqual({ request: { kind: "open", name: "Data", extensions: [] } });
  });

  it("reject with an AppError that keeps kind, message and hint", async () => {
    mockIPC(() => {
      throw { kind: "already_exists", message: "A profile named x exists.", hint: "Pick another name." };
    });
    const error = await backend.saveProfile({ profile: {} as never, originalName: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ kind: "already_exists", message: "A profile named x exists.", hint: "Pick another name." });
  });

  it("use the clipboard plugin's own command name, and ask Rust for the save dialog", async () => {
    const log = record();
    mockIPC((cmd, args) => {
      log.push(cmd, args);
      return cmd === "choose_path" ? "/tmp/k.json" : null;
    });
    await backend.copyText("public");
    const path = await backend.chooseSavePath("k.json", "json");
    expect(path).toBe("/tmp/k.json");
    expect(log.calls.map((c) => c.cmd)).toEqual(["plugin:clipboard-manager|write_text", "choose_path"]);
    expect(log.calls[0].args).toMatchObject({ text: "public" });
    expect(log.calls[1].args).toEqual({ request: { kind: "save", defaultName: "k.json", extension: "json" } });
  });
});

describe("toAppError", () => {
  it("turns Tauri's bare string rejections into internal errors", () => {
    expect(toAppError("command not found")).toMatchObject({ kind: "internal", message: "command not found", hint: null });
  });

  it("does not trust an object with an unknown kind", () => {
    expect(toAppError({ kind: "weird", message: "m", hint: null }).kind).toBe("internal");
  });

  it("fills a missing hint with null", () => {
    expect(toAppError({ kind: "network", message: "offline" }).hint).toBeNull();
  });
});

it("explains that the backend is missing when the page runs outside Tauri", async () => {
  clearMocks();
  delete (globalThis as Record<string, unknown>).__TAURI_INTERNALS__;
  const error = await backend.listProfiles().catch((e: unknown) => e);
  expect(error).toMatchObject({ kind: "internal", message: "The desktop backend is not available." });
});
