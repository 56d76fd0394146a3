//! A `sandbox serve` in another process: announced in the data folder with its run's secret,
//! found again by the tool's other commands, and given the portal step's registrations.

use assistant_domain::datadir::DataDir;
use assistant_domain::endpoints::Endpoints;
use assistant_domain::error::{AppError, ErrorKind};
use assistant_sandbox::Sandbox;
use serde::{Deserialize, Serialize};

use super::{Registration, endpoints_from};

/// Written by `sandbox serve` while it runs, so other commands (and the window) use that
/// sandbox and its state instead of starting their own.
pub const RUNNING_FILE: &str = "sandbox-running.json";

/// The base URLs of a `sandbox serve` that is running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningSandbox {
    pub pid: u32,
    /// The run's secret (the file is the owner's only): other commands present it to the
    /// sandbox's own routes, and to check that what answers on these ports is that run.
    #[serde(default)]
    pub secret: String,
    pub maskinporten: String,
    pub altinn_platform: String,
    pub apps: String,
    pub key_vault: String,
    pub entra: String,
}

pub fn announce_running(dir: &DataDir, sandbox: &Sandbox) -> Result<(), AppError> {
    let u = sandbox.urls();
    let running = RunningSandbox {
        pid: std::process::id(),
        secret: sandbox.secret().to_owned(),
        maskinporten: u.maskinporten.clone(),
        altinn_platform: u.altinn_platform.clone(),
        apps: u.apps.clone(),
        key_vault: u.key_vault.clone(),
        entra: u.entra.clone(),
    };
    Ok(dir.write_json(RUNNING_FILE, &running)?)
}

pub fn withdraw_running(dir: &DataDir) {
    let _ = std::fs::remove_file(dir.file(RUNNING_FILE));
}

/// A `sandbox serve` announced in the data folder that is still that run: something answering
/// on its port is not enough (after a crash another program may have the port), it must accept
/// the run's secret on `/_sandbox/ping`.
fn running(dir: &DataDir) -> Option<RunningSandbox> {
    let found: RunningSandbox = dir.read_json(RUNNING_FILE).ok().flatten()?;
    if found.secret.is_empty() {
        return None;
    }
    let url = url::Url::parse(&found.maskinporten).ok()?;
    let address = url.socket_addrs(|| None).ok()?.into_iter().next()?;
    is_that_run(address, &found.secret).then_some(found)
}

/// `running`, off the async runtime: it waits on a socket for up to a second.
pub async fn running_now(dir: &DataDir) -> Option<RunningSandbox> {
    let dir = dir.clone();
    tokio::task::spawn_blocking(move || running(&dir))
        .await
        .ok()
        .flatten()
}

/// A plain HTTP/1.1 GET of `/_sandbox/ping` with the secret (no runtime needed): 200 or not.
fn is_that_run(address: std::net::SocketAddr, secret: &str) -> bool {
    use std::io::{Read, Write};
    let wait = std::time::Duration::from_millis(500);
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&address, wait) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(wait));
    let _ = stream.set_write_timeout(Some(wait));
    let request = format!(
        "GET /_sandbox/ping HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{}: {secret}\r\nConnection: close\r\n\r\n",
        address.port(),
        assistant_sandbox::SECRET_HEADER
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut status = [0u8; 12];
    stream.read_exact(&mut status).is_ok() && status.ends_with(b" 200")
}

pub(super) fn endpoints_of(running: &RunningSandbox) -> Result<Endpoints, AppError> {
    endpoints_from(
        &running.maskinporten,
        &running.altinn_platform,
        &running.apps,
    )
}

/// Sends a registration to a running `sandbox serve` through its self-service API, as the
/// portal would: the client's scopes (PUT) and its key set (POST …/jwks replaces the set).
pub async fn push_to_running(
    dir: &DataDir,
    registration: &Registration,
    transport: &dyn assistant_domain::http::Transport,
) -> Result<(), AppError> {
    use assistant_domain::http::HttpRequest;
    let Some(running) = running_now(dir).await else {
        return Ok(());
    };
    let base = url::Url::parse(&running.maskinporten)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    let client = base
        .join(&format!("api/v1/clients/{}", registration.client_id))
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    let mut put = HttpRequest::post(
        client.clone(),
        "application/json",
        serde_json::json!({ "scopes": registration.scopes })
            .to_string()
            .into_bytes(),
    )
    .header(assistant_sandbox::SECRET_HEADER, running.secret.clone());
    put.method = "PUT";
    let jwks = HttpRequest::post(
        client
            .join(&format!("{}/jwks", registration.client_id))
            .unwrap_or(client),
        "application/json",
        serde_json::json!({ "keys": registration.keys })
            .to_string()
            .into_bytes(),
    )
    .header(assistant_sandbox::SECRET_HEADER, running.secret.clone());
    for request in [put, jwks] {
        let response = transport.send(request).await?;
        if !(200..300).contains(&response.status) {
            return Err(AppError::new(
                ErrorKind::Server,
                format!(
                    "The running sandbox refused the registration (HTTP {}): {}",
                    response.status,
                    response.text().chars().take(300).collect::<String>()
                ),
            ));
        }
    }
    Ok(())
}
