// The one door to the Rust side: typed wrappers around every Tauri command and the two plugins.
// Nothing else in the UI imports @tauri-apps/*, so this is also the one place tests mock (mockIPC).
import { Channel, invoke } from "@tauri-apps/api/core";
import { writeText } from "@tauri-apps/plugin-clipboard-manager";
import { open, save } from "@tauri-apps/plugin-dialog";
import type { AppError as AppErrorShape } from "../bindings/AppError";
import type { AppInfo } from "../bindings/AppInfo";
import type { ChainReport } from "../bindings/ChainReport";
import type { CopyTokenOutcome } from "../bindings/CopyTokenOutcome";
import type { CopyTokenRequest } from "../bindings/CopyTokenRequest";
import type { DeleteKeyOutcome } from "../bindings/DeleteKeyOutcome";
import type { DeleteKeyRequest } from "../bindings/DeleteKeyRequest";
import type { DeleteProfileRequest } from "../bindings/DeleteProfileRequest";
import type { ErrorKind } from "../bindings/ErrorKind";
import type { ExportPublicKeyRequest } from "../bindings/ExportPublicKeyRequest";
import type { GenerateKeyRequest } from "../bindings/GenerateKeyRequest";
import type { ImportKeyRequest } from "../bindings/ImportKeyRequest";
import type { KeySummary } from "../bindings/KeySummary";
import type { KeygenProgress } from "../bindings/KeygenProgress";
import type { Profile } from "../bindings/Profile";
import type { PublicKeyExport } from "../bindings/PublicKeyExport";
import type { RegisterRequest } from "../bindings/RegisterRequest";
import type { RegistrationOutcome } from "../bindings/RegistrationOutcome";
import type { SandboxInfo } from "../bindings/SandboxInfo";
import type { SandboxInfoRequest } from "../bindings/SandboxInfoRequest";
import type { SaveProfileRequest } from "../bindings/SaveProfileRequest";
import type { SavePublicKeyRequest } from "../bindings/SavePublicKeyRequest";
import type { TokenTestRequest } from "../bindings/TokenTestRequest";
import type { WireLine } from "../bindings/WireLine";

// A record, not a list, so the compiler fails here when the generated ErrorKind gains or loses a kind.
const ERROR_KINDS: Record<ErrorKind, true> = {
  invalid_input: true,
  not_found: true,
  already_exists: true,
  confirmation_required: true,
  keychain: true,
  storage: true,
  network: true,
  server: true,
  internal: true,
};

/** Every failed backend call surfaces as this, whatever shape the rejection had. */
export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | null;

  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = "AppError";
    this.kind = shape.kind;
    this.hint = shape.hint;
  }
}

function isErrorShape(value: unknown): value is AppErrorShape {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.kind === "string" &&
    Object.hasOwn(ERROR_KINDS, v.kind) &&
    typeof v.message === "string" &&
    (v.hint === null || v.hint === undefined || typeof v.hint === "string")
  );
}

/**
 * Commands reject with `{ kind, message, hint }`, but Tauri itself rejects with bare strings
 * (unknown command, denied permission) and a missing runtime throws a TypeError; all become AppError.
 */
export function toAppError(reason: unknown): AppError {
  if (reason instanceof AppError) return reason;
  if (isErrorShape(reason)) {
    return new AppError({ kind: reason.kind, message: reason.message, hint: reason.hint ?? null });
  }
  if (typeof reason === "string") return new AppError({ kind: "internal", message: reason, hint: null });
  const message = reason instanceof Error ? reason.message : String(reason);
  return new AppError({ kind: "internal", message, hint: null });
}

function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Runs one IPC call, turning every way it can fail into an AppError. */
async function guarded<T>(run: () => Promise<T>): Promise<T> {
  if (!insideTauri()) {
    // Opened from a plain web server: say so instead of a cryptic TypeError.
    throw new AppError({
      kind: "internal",
      message: "The desktop backend is not available.",
      hint: "Start Maskinporten Assistant as a desktop app.",
    });
  }
  try {
    return await run();
  } catch (reason) {
    throw toAppError(reason);
  }
}

const call = <T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> =>
  guarded(() => invoke<T>(cmd, args));

export const getAppInfo = (): Promise<AppInfo> => call("get_app_info");

export const listProfiles = (): Promise<Profile[]> => call("list_profiles");

export const saveProfile = (request: SaveProfileRequest): Promise<Profile> =>
  call("save_profile", { request });

export const deleteProfile = (request: DeleteProfileRequest): Promise<null> =>
  call("delete_profile", { request });

export const listKeys = (): Promise<KeySummary[]> => call("list_keys");

/** Key generation takes seconds; progress arrives over a Channel before the command resolves. */
export function generateKey(
  request: GenerateKeyRequest,
  onProgress: (progress: KeygenProgress) => void,
): Promise<KeySummary> {
  return guarded(() => {
    const channel = new Channel<KeygenProgress>();
    channel.onmessage = onProgress;
    return invoke<KeySummary>("generate_key", { request, onProgress: channel });
  });
}

export const exportPublicKey = (request: ExportPublicKeyRequest): Promise<PublicKeyExport> =>
  call("export_public_key", { request });

/** Resolves to the path the backend wrote. */
export const savePublicKey = (request: SavePublicKeyRequest): Promise<string> =>
  call("save_public_key", { request });

export const importKey = (request: ImportKeyRequest): Promise<KeySummary> =>
  call("import_key", { request });

export const deleteKey = (request: DeleteKeyRequest): Promise<DeleteKeyOutcome> =>
  call("delete_key", { request });

/**
 * Runs the token chain for a profile. A chain that fails resolves too (ok: false, with a
 * diagnosis); only a request that cannot start (no client id, no key, keychain) rejects.
 */
export const runTokenTest = (request: TokenTestRequest): Promise<ChainReport> =>
  call("run_token_test", { request });

/** Rust puts the last token on the clipboard itself and clears it later; the UI never sees it. */
export const copyToken = (request: CopyTokenRequest): Promise<CopyTokenOutcome> =>
  call("copy_token", { request });

/** Starts the sandbox for a sandbox profile; null when no sandbox is running. */
export const getSandboxInfo = (request: SandboxInfoRequest): Promise<SandboxInfo | null> =>
  call("get_sandbox_info", { request });

/** The rehearsed Samarbeidsportalen step: the profile's public key and scopes onto the sandbox client. */
export const registerSandboxKey = (request: RegisterRequest): Promise<RegistrationOutcome> =>
  call("register_sandbox_key", { request });

/** Every request the sandbox served, oldest first. Nothing secret is logged. */
export const getWireLog = (): Promise<WireLine[]> => call("get_wire_log");

/** Only public material (public keys, thumbprints, sandbox URLs) is ever copied by the UI itself. */
export const copyText = (text: string): Promise<void> => guarded(() => writeText(text));

/** Native "Save as" dialog; null when the person cancels. */
export const chooseSavePath = (defaultPath: string, extension: string): Promise<string | null> =>
  guarded(() =>
    save({ defaultPath, filters: [{ name: extension.toUpperCase(), extensions: [extension] }] }),
  );

/** Native "Open" dialog for a key file; null when the person cancels. */
export const chooseKeyFile = (): Promise<string | null> =>
  guarded(async () => {
    const picked = await open({
      multiple: false,
      directory: false,
      filters: [{ name: "Key", extensions: ["json", "jwk", "pem", "txt", "key"] }],
    });
    return typeof picked === "string" ? picked : null;
  });
