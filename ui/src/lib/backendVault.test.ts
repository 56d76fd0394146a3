// The Key Vault and app-configuration wrappers against Tauri's IPC mock: the exact command names
// and `{ request }` shapes the Rust commands declare, and the folder dialog's request.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as backend from "./backend";
import { AppError } from "./backend";

beforeAll(() => {
  (globalThis as unknown as { window: typeof globalThis }).window = globalThis;
});

afterEach(() => clearMocks());

describe("Key Vault commands", () => {
  it("go under their Rust names, with a `request` where Rust takes one", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      return cmd === "start_vault_login" ? { status: "device_code", prompt: {} } : null;
    });
    await backend.startVaultLogin({ profile: "p", method: null, clientId: null });
    await backend.pollVaultLogin();
    await backend.cancelVaultLogin();
    await backend.probeVault({ profile: "p", keyField: "encoded_jwk" });
    await backend.writeVaultSecrets({ profile: "p", keyField: null, confirmed: true, deletedAction: "purge" });
    await backend.verifyVaultSecrets({ profile: "p", keyField: null });
    expect(calls).toEqual([
      { cmd: "start_vault_login", args: { request: { profile: "p", method: null, clientId: null } } },
      { cmd: "poll_vault_login", args: {} },
      { cmd: "cancel_vault_login", args: {} },
      { cmd: "probe_vault", args: { request: { profile: "p", keyField: "encoded_jwk" } } },
      { cmd: "write_vault_secrets", args: { request: { profile: "p", keyField: null, confirmed: true, deletedAction: "purge" } } },
      { cmd: "verify_vault_secrets", args: { request: { profile: "p", keyField: null } } },
    ]);
  });

  it("turn a cancelled sign-in into an AppError", async () => {
    mockIPC(() => {
      throw { kind: "invalid_input", message: "Signing in to Azure failed: the sign-in was cancelled.", hint: null };
    });
    const error = await backend.pollVaultLogin().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/cancelled/);
  });
});

describe("the app configuration check", () => {
  it("sends check_app_config with the folders and the profile", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      return {};
    });
    await backend.checkAppConfig({ path: "/repo/app-a", profile: "p", appB: "/repo/app-b" });
    await backend.checkAppConfig({ path: "/repo/app-a", profile: null });
    expect(calls).toEqual([
      { cmd: "check_app_config", args: { request: { path: "/repo/app-a", profile: "p", appB: "/repo/app-b" } } },
      { cmd: "check_app_config", args: { request: { path: "/repo/app-a", profile: null } } },
    ]);
  });

  it("asks the dialog for one folder, and gives null when the person cancels", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    let answer: string | null = "/repo/app-a";
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      return answer;
    });
    expect(await backend.chooseFolder()).toBe("/repo/app-a");
    answer = null;
    expect(await backend.chooseFolder()).toBeNull();
    expect(calls[0]).toEqual({ cmd: "choose_path", args: { request: { kind: "folder" } } });
  });
});
