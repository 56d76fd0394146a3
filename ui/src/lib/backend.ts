// The one door to the Rust side: typed wrappers around every Tauri command and the two plugins.
// Nothing else in the UI imports @tauri-apps/*, so this is also the one place tests mock (mockIPC).
import { Channel, invoke as tauriInvoke, type InvokeArgs } from "@tauri-apps/api/core";
import { writeText } from "@tauri-apps/plugin-clipboard-manager";
import { openUrl } from "@tauri-apps/plugin-opener";
import type { AppError as AppErrorShape } from "../bindings/AppError";
import type { AppInfo } from "../bindings/AppInfo";
import type { AppOverview } from "../bindings/AppOverview";
import type { BulkProgress } from "../bindings/BulkProgress";
import type { BulkSummary } from "../bindings/BulkSummary";
import type { ChainReport } from "../bindings/ChainReport";
import type { ChoosePathRequest } from "../bindings/ChoosePathRequest";
import type { CopyTokenOutcome } from "../bindings/CopyTokenOutcome";
import type { CopyTokenRequest } from "../bindings/CopyTokenRequest";
import type { CreateInstanceRequest } from "../bindings/CreateInstanceRequest";
import type { DeleteInstancesRequest } from "../bindings/DeleteInstancesRequest";
import type { DeleteKeyOutcome } from "../bindings/DeleteKeyOutcome";
import type { DeleteKeyRequest } from "../bindings/DeleteKeyRequest";
import type { DeleteOutcome } from "../bindings/DeleteOutcome";
import type { DeleteProfileRequest } from "../bindings/DeleteProfileRequest";
import type { ErrorKind } from "../bindings/ErrorKind";
import type { ExportPublicKeyRequest } from "../bindings/ExportPublicKeyRequest";
import type { GenerateKeyRequest } from "../bindings/GenerateKeyRequest";
import type { HistoryEntry } from "../bindings/HistoryEntry";
import type { MadeHere } from "../bindings/MadeHere";
import type { MadeHereRequest } from "../bindings/MadeHereRequest";
import type { ImportKeyRequest } from "../bindings/ImportKeyRequest";
import type { InstanceRequest } from "../bindings/InstanceRequest";
import type { InstanceSummary } from "../bindings/InstanceSummary";
import type { Instantiated } from "../bindings/Instantiated";
import type { ClientKey } from "../bindings/ClientKey";
import type { KeyCheck } from "../bindings/KeyCheck";
import type { RotateRequest } from "../bindings/RotateRequest";
import type { RotationView } from "../bindings/RotationView";
import type { KeyView } from "../bindings/KeyView";
import type { KeygenProgress } from "../bindings/KeygenProgress";
import type { Profile } from "../bindings/Profile";
import type { ProfileRequest } from "../bindings/ProfileRequest";
import type { PublicKeyExport } from "../bindings/PublicKeyExport";
import type { RegisterRequest } from "../bindings/RegisterRequest";
import type { Rehearsal } from "../bindings/Rehearsal";
import type { RegistrationOutcome } from "../bindings/RegistrationOutcome";
import type { SandboxInfo } from "../bindings/SandboxInfo";
import type { SandboxInfoRequest } from "../bindings/SandboxInfoRequest";
import type { SaveProfileRequest } from "../bindings/SaveProfileRequest";
import type { SavePublicKeyRequest } from "../bindings/SavePublicKeyRequest";
import type { SaveReceiptRequest } from "../bindings/SaveReceiptRequest";
import type { StartBulkRequest } from "../bindings/StartBulkRequest";
import type { SteerBulkRequest } from "../bindings/SteerBulkRequest";
import type { TokenTestRequest } from "../bindings/TokenTestRequest";
import type { UpdateDataRequest } from "../bindings/UpdateDataRequest";
import type { WireLine } from "../bindings/WireLine";
import type { Checklist } from "../bindings/Checklist";
import type { MarkStepRequest } from "../bindings/MarkStepRequest";
import type { Route } from "../bindings/Route";
import type { ReportRequest } from "../bindings/ReportRequest";
import type { SavedReport } from "../bindings/SavedReport";
// Key Vault and the app configuration check.
import type { AppConfigReport } from "../bindings/AppConfigReport";
import type { CheckAppConfigRequest } from "../bindings/CheckAppConfigRequest";
import type { SignInSummary } from "../bindings/SignInSummary";
// The system-user path.
import type { AppBSystemUserReport } from "../bindings/AppBSystemUserReport";
import type { ClientScopes } from "../bindings/ClientScopes";
import type { NewSystemUserRequestRequest } from "../bindings/NewSystemUserRequestRequest";
import type { RequestView } from "../bindings/RequestView";
import type { SystemPlan } from "../bindings/SystemPlan";
import type { SystemRegisterRequest } from "../bindings/SystemRegisterRequest";
import type { StartVaultLoginRequest } from "../bindings/StartVaultLoginRequest";
import type { VaultLoginStart } from "../bindings/VaultLoginStart";
import type { VaultProbeReport } from "../bindings/VaultProbeReport";
import type { VaultRequest } from "../bindings/VaultRequest";
import type { VaultVerifyReport } from "../bindings/VaultVerifyReport";
import type { VaultWriteReport } from "../bindings/VaultWriteReport";
import type { WriteVaultRequest } from "../bindings/WriteVaultRequest";

// A record, not a list, so the compiler fails here when the generated ErrorKind gains or loses a kind.
const ERROR_KINDS: Record<ErrorKind, true> = {
  invalid_input: true,
  not_found: true,
  already_exists: true,
  confirmation_required: true,
  password_required: true,
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

/**
 * Every command the app registers, exactly src-tauri/build.rs's COMMANDS (commands.test.ts
 * keeps the two equal), so a misspelt or unregistered name fails the type check.
 */
export type Command =
  | "get_app_info"
  | "choose_path"
  | "check_app_config"
  | "list_profiles"
  | "save_profile"
  | "delete_profile"
  | "list_keys"
  | "generate_key"
  | "export_public_key"
  | "save_public_key"
  | "import_key"
  | "delete_key"
  | "get_rotation"
  | "rotate_key"
  | "check_keys"
  | "upload_key"
  | "run_token_test"
  | "copy_token"
  | "start_vault_login"
  | "poll_vault_login"
  | "cancel_vault_login"
  | "probe_vault"
  | "write_vault_secrets"
  | "verify_vault_secrets"
  | "get_sandbox_info"
  | "register_sandbox_key"
  | "get_wire_log"
  | "start_rehearsal"
  | "get_app_overview"
  | "create_instance"
  | "show_instance"
  | "update_instance_data"
  | "advance_instance"
  | "save_receipt"
  | "delete_instances"
  | "start_bulk"
  | "steer_bulk"
  | "list_made_here"
  | "get_checklist"
  | "mark_step"
  | "choose_route"
  | "list_activity"
  | "save_report"
  | "system_user_scopes"
  | "register_system"
  | "request_system_user"
  | "get_system_user_request"
  | "list_system_user_requests"
  | "check_app_b_for_system_users";

/** Tauri's `invoke`, taking only a registered command's name. */
const invoke = <T>(cmd: Command, args?: InvokeArgs): Promise<T> => tauriInvoke<T>(cmd, args);

const call = <T>(cmd: Command, args: Record<string, unknown> = {}): Promise<T> =>
  guarded(() => invoke<T>(cmd, args));

export const getAppInfo = (): Promise<AppInfo> => call("get_app_info");

export const listProfiles = (): Promise<Profile[]> => call("list_profiles");

export const saveProfile = (request: SaveProfileRequest): Promise<Profile> =>
  call("save_profile", { request });

export const deleteProfile = (request: DeleteProfileRequest): Promise<null> =>
  call("delete_profile", { request });

export const listKeys = (): Promise<KeyView[]> => call("list_keys");

/** Key generation takes seconds; progress arrives over a Channel before the command resolves. */
export function generateKey(
  request: GenerateKeyRequest,
  onProgress: (progress: KeygenProgress) => void,
): Promise<KeyView> {
  return guarded(() => {
    const channel = new Channel<KeygenProgress>();
    channel.onmessage = onProgress;
    return invoke<KeyView>("generate_key", { request, onProgress: channel });
  });
}

export const exportPublicKey = (request: ExportPublicKeyRequest): Promise<PublicKeyExport> =>
  call("export_public_key", { request });

/** Resolves to the path the backend wrote. */
export const savePublicKey = (request: SavePublicKeyRequest): Promise<string> =>
  call("save_public_key", { request });

export const importKey = (request: ImportKeyRequest): Promise<KeyView> =>
  call("import_key", { request });

export const deleteKey = (request: DeleteKeyRequest): Promise<DeleteKeyOutcome> =>
  call("delete_key", { request });

export const getRotation = (profile: string): Promise<RotationView | null> => call("get_rotation", { profile });

/** Starts or continues a profile's key rotation; resolves where it stopped (or finished). */
export const rotateKey = (request: RotateRequest): Promise<RotationView> => call("rotate_key", { request });

/** The profile's key onto its client through Digdir's self-service API (`via`: the admin client's profile). */
export const uploadKey = (profile: string, via: string | null): Promise<ClientKey[]> => call("upload_key", { profile, via });

/** The key probes: client keys vs. the key in Key Vault vs. the rotation on record. */
export const checkKeys = (profile: string, via: string | null = null): Promise<KeyCheck> => call("check_keys", { profile, via });

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

/** "Rehearse on the sandbox": a sandbox profile with a new key, registered on the sandbox's client. */
export const startRehearsal = (): Promise<Rehearsal> => call("start_rehearsal");

/** Every request the sandbox served, oldest first. Nothing secret is logged. */
export const getWireLog = (): Promise<WireLine[]> => call("get_wire_log");

/** App B at a glance: its metadata, and the form's prefill keys when the app serves its schema. */
export const getAppOverview = (request: ProfileRequest): Promise<AppOverview> =>
  call("get_app_overview", { request });

/** Rust checks the owner (and that app B accepts its kind) again before anything is sent. */
export const createInstance = (request: CreateInstanceRequest): Promise<Instantiated> =>
  call("create_instance", { request });

export const showInstance = (request: InstanceRequest): Promise<InstanceSummary> =>
  call("show_instance", { request });

/** Replaces one data element with a JSON or XML file the person picked. */
export const updateInstanceData = (request: UpdateDataRequest): Promise<InstanceSummary> =>
  call("update_instance_data", { request });

/** process/next: moves the instance to its next task, or to the end. */
export const advanceInstance = (request: InstanceRequest): Promise<InstanceSummary> =>
  call("advance_instance", { request });

/** Resolves to the path the backend wrote the receipt PDF to. */
export const saveReceipt = (request: SaveReceiptRequest): Promise<string> =>
  call("save_receipt", { request });

/** Rejects with confirmation_required unless `confirmed` is true: ask the person first. */
export const deleteInstances = (request: DeleteInstancesRequest): Promise<DeleteOutcome[]> =>
  call("delete_instances", { request });

/** A bulk run takes minutes; progress arrives over a Channel until the summary resolves. */
export function startBulk(request: StartBulkRequest, onProgress: (progress: BulkProgress) => void): Promise<BulkSummary> {
  return guarded(() => {
    const channel = new Channel<BulkProgress>();
    channel.onmessage = onProgress;
    return invoke<BulkSummary>("start_bulk", { request, onProgress: channel });
  });
}

/** Pause, resume or cancel the running bulk job. */
export const steerBulk = (request: SteerBulkRequest): Promise<null> => call("steer_bulk", { request });

/** What this tool made with the profile (from its secret-free history), newest first, and what
 *  "delete all made here" would delete: the rule is Rust's (assistant_domain::made_here). */
export const listMadeHere = (request: MadeHereRequest): Promise<MadeHere> => call("list_made_here", { request });

/** Only public material (public keys, thumbprints, sandbox URLs) is ever copied by the UI itself. */
export const copyText = (text: string): Promise<void> => guarded(() => writeText(text));

/**
 * Native dialogs are opened by Rust, which remembers the picked path: the commands that read or
 * write a file accept only such a path (src-tauri/src/grants.rs). Null when the person cancels.
 */
const choosePath = (request: ChoosePathRequest): Promise<string | null> => call("choose_path", { request });

/** Native "Save as" dialog, which asks before replacing a file. */
export const chooseSavePath = (defaultName: string, extension: string): Promise<string | null> =>
  choosePath({ kind: "save", defaultName, extension });

/** Native "Open" dialog for a key file. */
export const chooseKeyFile = (): Promise<string | null> =>
  choosePath({ kind: "open", name: "Key", extensions: ["json", "jwk", "pem", "txt", "key"] });

/** A data file for an instance (JSON, XML, PDF…), filtered to the extensions the data type takes. */
export const chooseDataFile = (extensions: readonly string[]): Promise<string | null> =>
  choosePath({ kind: "open", name: "Data", extensions: [...extensions] });

/** The CSV of instance owners for a bulk run. */
export const chooseCsvFile = (): Promise<string | null> => choosePath({ kind: "open", name: "CSV", extensions: ["csv"] });

// ── Key Vault. The Azure token stays in Rust; the window only ever gets summaries. ──

/** Starts a sign-in for the profile's vault: a device code to show, or (Azure CLI) signed in already. */
export const startVaultLogin = (request: StartVaultLoginRequest): Promise<VaultLoginStart> =>
  call("start_vault_login", { request });

/** Resolves once the person approved the device code; rejects when declined, expired or cancelled. */
export const pollVaultLogin = (): Promise<SignInSummary> => call("poll_vault_login");

/** Ends a waiting sign-in: the pending poll_vault_login then rejects with "cancelled". */
export const cancelVaultLogin = (): Promise<null> => call("cancel_vault_login");

/** Lists one secret and reads the target names; never writes. */
export const probeVault = (request: VaultRequest): Promise<VaultProbeReport> => call("probe_vault", { request });

/** Without `confirmed`, nothing that exists is changed: the report then says what is there. */
export const writeVaultSecrets = (request: WriteVaultRequest): Promise<VaultWriteReport> =>
  call("write_vault_secrets", { request });

/** Reads both secrets back and compares them with the profile and the keychain key. */
export const verifyVaultSecrets = (request: VaultRequest): Promise<VaultVerifyReport> =>
  call("verify_vault_secrets", { request });

// ── The app configuration check. ──

/** Reads app A's repository (and app B's, when given): its path, findings with file and line, snippets. */
export const checkAppConfig = (request: CheckAppConfigRequest): Promise<AppConfigReport> =>
  call("check_app_config", { request });

/** Native "Open folder" dialog; null when the person cancels. */
export const chooseFolder = (): Promise<string | null> => choosePath({ kind: "folder" });

// ── The guided checklist. ──

/** Each step's state for a profile, folded in Rust from what the actions proved. */
export const getChecklist = (profile: string): Promise<Checklist> => call("get_checklist", { request: { profile } });

/** A person's own mark: done (steps outside the tool only) or to do again. */
export const markStep = (request: MarkStepRequest): Promise<Checklist> => call("mark_step", { request });

/** The person's choice of route: app A for its own organisation, or a vendor's system as a system user. */
export const chooseRoute = (profile: string, route: Route): Promise<Checklist> => call("choose_route", { profile, route });

/** The profile's secret-free activity log, newest first. */
export const listActivity = (profile: string): Promise<HistoryEntry[]> => call("list_activity", { request: { profile } });

/** Writes the HTML report: to `path` (from the save dialog) or a new file in the data folder. */
export const saveReport = (request: ReportRequest): Promise<SavedReport> => call("save_report", { request });

/** Opens an official page or portal in the person's browser (https only, see the capability). */
export const openLink = (url: string): Promise<void> => guarded(() => openUrl(url));

// ── The system-user path (a vendor's system, the customer's approval). ──

/** The vendor client's scopes for this path; `add` adds the missing ones to a sandbox profile and its client. */
export const systemUserScopes = (profile: string, add: boolean): Promise<ClientScopes> => call("system_user_scopes", { profile, add });

/** Reads the vendor's system and compares it with the profile; with `confirmed`, writes it and reads it back. */
export const registerSystem = (request: SystemRegisterRequest): Promise<SystemPlan> => call("register_system", { request });

/** Asks a customer for a system user; sending it again while one is pending gives that one back. */
export const requestSystemUser = (request: NewSystemUserRequestRequest): Promise<RequestView> =>
  call("request_system_user", { request });

/** The request's status now. */
export const getSystemUserRequest = (profile: string, id: string): Promise<RequestView> =>
  call("get_system_user_request", { profile, id });

/** Every request for the vendor's system, newest last as the register lists them. */
export const listSystemUserRequests = (profile: string): Promise<RequestView[]> =>
  call("list_system_user_requests", { profile });

/** App B's repository read for system users: Altinn.App version and the rights its policy lets an approver hand on. */
export const checkAppBForSystemUsers = (path: string, profile: string | null = null): Promise<AppBSystemUserReport> =>
  call("check_app_b_for_system_users", { path, profile });
