//! `key …`: generate, list, public, import, delete, encoded-jwk.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use assistant_domain::inventory::{
    self, DeleteKeyRequest, ExportPublicKeyRequest, GenerateKeyRequest, ImportKeyRequest,
    ImportKeySource, KeySummary, KeygenProgress, PublicKeyFormat, SavePublicKeyRequest,
};
use assistant_domain::{AppError, ErrorKind};
use clap::{Subcommand, ValueEnum};
use zeroize::Zeroizing;

use super::output::{Output, confirm_on_terminal};
use crate::AppState;

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate an RSA key into the OS keychain.
    Generate {
        /// 2048, 3072 or 4096.
        #[arg(long, default_value_t = 2048)]
        bits: u32,
        /// Attach the key to this profile (the kid is named after its organisation).
        #[arg(long)]
        profile: Option<String>,
    },
    /// List keys: kid, bits, created, expiry, thumbprint, profiles.
    List {
        /// Only keys that expire within --days (or have expired); exits 1 when there are any,
        /// so a scheduled job can warn.
        #[arg(long)]
        expiring: bool,
        /// The warning window for --expiring.
        #[arg(long, default_value_t = 60, requires = "expiring")]
        days: u32,
    },
    /// Rotate a profile's key without downtime; run again to continue where it stopped.
    Rotate(super::rotate::RotateArgs),
    /// Add the profile's key to its client through Digdir's self-service API (the sandbox's on
    /// a sandbox profile): every key there is sent again with it, then read back.
    Upload {
        #[arg(long)]
        profile: String,
        /// Test and prod: the profile of the organisation's self-service admin client.
        #[arg(long, value_name = "PROFILE")]
        via: Option<String>,
    },
    /// Probe the client's keys, the key in Key Vault and the rotation: exits 1 on a problem.
    Check(super::rotate::CheckArgs),
    /// Print (or save) the public key as JWK, JWKS or SPKI PEM.
    Public {
        kid: String,
        #[arg(long, value_enum, default_value_t = Format::Jwk)]
        format: Format,
        /// Write to this file instead of printing.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Import a private key: JWK JSON, base64 JWK (EncodedJwk) or PEM (PKCS#1/PKCS#8).
    Import {
        /// The key file, or `-` to read standard input.
        file: String,
        /// Use this kid (PEM files have none; JWKs keep theirs unless given).
        #[arg(long)]
        kid: Option<String>,
        #[arg(long)]
        profile: Option<String>,
        /// For a password-protected key: read the password from the first line of standard
        /// input (without it, a terminal is asked). It is used in memory only.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Delete a key from the keychain (asks first; `--yes` in scripts).
    Delete {
        kid: String,
        #[arg(long)]
        yes: bool,
    },
    /// The EncodedJwk value for Key Vault. It is the private key: printed only with --print-secret.
    EncodedJwk {
        kid: String,
        /// Yes, print the private key (base64 JWK) to standard output.
        #[arg(long)]
        print_secret: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Jwk,
    Jwks,
    Pem,
}

impl From<Format> for PublicKeyFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Jwk => PublicKeyFormat::Jwk,
            Format::Jwks => PublicKeyFormat::Jwks,
            Format::Pem => PublicKeyFormat::Pem,
        }
    }
}

fn key_line(k: &KeySummary) -> String {
    let profiles = if k.profiles.is_empty() {
        "-".to_string()
    } else {
        k.profiles.join(",")
    };
    format!(
        "{:<44} {:>5} {:<21} {:<21} {:<44} {}",
        k.kid, k.bits, k.created, k.expires, k.thumbprint, profiles
    )
}

/// Keys Maskinporten refuses within `days` days (or already does): what a scheduled job checks.
fn expiring_within(keys: Vec<KeySummary>, now: time::OffsetDateTime, days: u32) -> Vec<KeySummary> {
    let limit = now + time::Duration::days(i64::from(days));
    keys.into_iter()
        .filter(|k| {
            time::OffsetDateTime::parse(&k.expires, &time::format_description::well_known::Rfc3339)
                .is_ok_and(|expires| expires <= limit)
        })
        .collect()
}

fn list(
    dir: &assistant_domain::datadir::DataDir,
    clock: &dyn assistant_domain::Clock,
    expiring: bool,
    days: u32,
) -> Result<Output, AppError> {
    let mut keys = inventory::list_keys(dir)?;
    if expiring {
        keys = expiring_within(keys, clock.now(), days);
    }
    let mut text = format!(
        "{:<44} {:>5} {:<21} {:<21} {:<44} {}",
        "KID", "BITS", "CREATED", "EXPIRES", "THUMBPRINT", "PROFILES"
    );
    for key in &keys {
        text.push('\n');
        text.push_str(&key_line(key));
    }
    if !expiring {
        if keys.is_empty() {
            text = "No keys yet. Generate one with: maskinporten-assistant key generate".into();
        }
        return Output::new(&keys, text);
    }
    if keys.is_empty() {
        return Output::new(&keys, format!("No key expires within {days} days."));
    }
    let profiles: Vec<&str> = keys
        .iter()
        .flat_map(|k| k.profiles.iter().map(String::as_str))
        .collect();
    let hint = match profiles.first() {
        Some(p) => format!("Rotate each in time: maskinporten-assistant key rotate --profile {p}"),
        None => {
            "These keys are on no profile: delete the ones no client uses (key delete KID).".into()
        }
    };
    let error = AppError::new(
        ErrorKind::InvalidInput,
        format!("{} key(s) expire within {days} days.", keys.len()),
    )
    .with_hint(hint);
    let json = serde_json::to_value(&keys).unwrap_or_default();
    Ok(Output::failed(json, text, error))
}

pub fn run(command: KeyCommand, json: bool, state: &AppState) -> Result<Output, AppError> {
    match command {
        KeyCommand::Generate { bits, profile } => generate(state, bits, profile, json),
        KeyCommand::List { expiring, days } => list(&state.dir, &*state.clock, expiring, days),
        KeyCommand::Rotate(args) => super::rotate::run(args, state),
        KeyCommand::Check(args) => super::rotate::check(args, state),
        KeyCommand::Upload { profile, via } => upload(state, &profile, via.as_deref()),
        KeyCommand::Public {
            kid,
            format,
            out,
            force,
        } => public(state, kid, format, out, force),
        KeyCommand::Import {
            file,
            kid,
            profile,
            password_stdin,
        } => import(state, file, kid, profile, password_stdin),
        KeyCommand::Delete { kid, yes } => delete(state, kid, yes),
        KeyCommand::EncodedJwk { kid, print_secret } => encoded_jwk(state, &kid, print_secret),
    }
}

fn generate(
    state: &AppState,
    bits: u32,
    profile: Option<String>,
    json: bool,
) -> Result<Output, AppError> {
    let request = GenerateKeyRequest { bits, profile };
    let mut report = |p: KeygenProgress| {
        if !json {
            match p {
                KeygenProgress::Generating { bits } => {
                    super::output::to_stderr(&format!("Generating a {bits}-bit RSA key…"))
                }
                KeygenProgress::Storing => {
                    super::output::to_stderr("Storing the private key in the OS keychain…")
                }
                KeygenProgress::Done { .. } => {}
            }
        }
    };
    let key = inventory::generate_key(
        &state.dir,
        &*state.store,
        &*state.clock,
        &request,
        &mut report,
    )?;
    let text = format!(
        "Generated {} ({} bits), thumbprint {}, expires {}.",
        key.kid, key.bits, key.thumbprint, key.expires
    );
    Output::new(&key, text)
}

fn upload(state: &AppState, profile: &str, via: Option<&str>) -> Result<Output, AppError> {
    let keys = super::block(state, crate::rotation::upload(state, profile, via))?;
    let kids: Vec<&str> = keys.iter().map(|k| k.kid.as_str()).collect();
    Output::new(
        &keys,
        format!(
            "The client now has {} key(s): {}.",
            keys.len(),
            kids.join(", ")
        ),
    )
}

fn public(
    state: &AppState,
    kid: String,
    format: Format,
    out: Option<PathBuf>,
    force: bool,
) -> Result<Output, AppError> {
    if let Some(path) = out {
        let request = SavePublicKeyRequest {
            kid,
            format: format.into(),
            path: path.display().to_string(),
        };
        let written = inventory::save_public_key(&state.dir, &request, force)?;
        return Output::new(
            &serde_json::json!({ "path": written }),
            format!("Wrote {}", written.display()),
        );
    }
    let export = inventory::export_public_key(
        &state.dir,
        &ExportPublicKeyRequest {
            kid,
            format: format.into(),
        },
    )?;
    let text = export.content.trim_end().to_string();
    Output::new(&export, text)
}

fn import(
    state: &AppState,
    file: String,
    kid: Option<String>,
    profile: Option<String>,
    password_stdin: bool,
) -> Result<Output, AppError> {
    let (dir, store, clock) = (&state.dir, &*state.store, &*state.clock);
    let stdin_error = |e: std::io::Error| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Could not read standard input: {e}"),
        )
    };
    if password_stdin && file == "-" {
        return Err(AppError::new(
            ErrorKind::InvalidInput,
            "Standard input can carry the key or its password, not both.",
        )
        .with_hint(
            "Give the key as a file, or leave out --password-stdin to be asked on the terminal.",
        ));
    }
    let source = if file == "-" {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(stdin_error)?;
        ImportKeySource::Text { text }
    } else {
        ImportKeySource::File { path: file }
    };
    let password = if password_stdin {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin().read_line(&mut line).map_err(stdin_error)?;
        Some(Zeroizing::new(
            line.trim_end_matches(['\n', '\r']).to_string(),
        ))
    } else {
        None
    };
    let mut request = ImportKeyRequest {
        source,
        kid,
        profile,
        password,
    };
    let key = match inventory::import_key(dir, store, clock, &request) {
        // Asked once on the terminal (without echo), never read from an argument,
        // where it would sit in the shell history and the process list.
        Err(e) if e.kind == ErrorKind::PasswordRequired && request.password.is_none() => {
            request.password = Some(ask_password(&e)?);
            inventory::import_key(dir, store, clock, &request)?
        }
        other => other?,
    };
    let text = format!(
        "Imported {} ({} bits), thumbprint {}.",
        key.kid, key.bits, key.thumbprint
    );
    Output::new(&key, text)
}

fn delete(state: &AppState, kid: String, yes: bool) -> Result<Output, AppError> {
    let (dir, store) = (&state.dir, &*state.store);
    let confirmed = yes || {
        // Ask the domain what deleting means (it names the profiles), then ask the person.
        match inventory::delete_key(
            dir,
            store,
            &DeleteKeyRequest {
                kid: kid.clone(),
                confirmed: false,
            },
        ) {
            Err(e) if e.kind == ErrorKind::ConfirmationRequired => {
                confirm_on_terminal(&format!("{} Delete?", e.message))
            }
            Err(e) => return Err(e),
            Ok(_) => true,
        }
    };
    let outcome =
        inventory::delete_key(dir, store, &DeleteKeyRequest { kid, confirmed }).map_err(|e| {
            if e.kind == ErrorKind::ConfirmationRequired {
                e.with_hint("Repeat with --yes to delete without asking.")
            } else {
                e
            }
        })?;
    let text = format!("Deleted {}.", outcome.kid);
    Output::new(&outcome, text)
}

fn encoded_jwk(state: &AppState, kid: &str, print_secret: bool) -> Result<Output, AppError> {
    if !print_secret {
        return Err(AppError::new(ErrorKind::ConfirmationRequired, "The EncodedJwk value is the private key itself.")
            .with_hint("Prefer the Key Vault step, which writes it without showing it. To print it anyway, add --print-secret."));
    }
    let encoded = inventory::encoded_jwk(&state.dir, &*state.store, kid)?;
    let value = encoded.expose_secret().to_string();
    Output::new(
        &serde_json::json!({ "kid": kid, "encodedJwk": value }),
        value,
    )
}

/// The key's password from the terminal, without echo; without a terminal, the error that says
/// how to give it in a script.
fn ask_password(needed: &AppError) -> Result<Zeroizing<String>, AppError> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(needed.clone().with_hint(
            "Give the password on standard input with --password-stdin (for example from your password manager's command line tool).",
        ));
    }
    rpassword::prompt_password("The key is password-protected. Password: ")
        .map(Zeroizing::new)
        .map_err(|e| {
            AppError::new(
                ErrorKind::InvalidInput,
                format!("Could not read the password from the terminal: {e}"),
            )
        })
}
