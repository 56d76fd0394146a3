//! App B's API, sent: the pure builders and parsers of `instance` and `app` through the
//! transport, with the checks that must happen before anything is sent (owner type, part names
//! and content types) and the warnings the app would not give (unknown prefill keys).

use serde::Serialize;
use ts_rs::TS;
use url::Url;

use super::app::{self, AppMetadata};
use super::bulk::TokenSource;
use super::instance::{self, Create, DataElementSummary, InstanceRef, InstanceSummary};
use super::owner::InstanceOwner;
use super::{AppCallError, delete};
use crate::error::{AppError, ErrorKind};
use crate::http::{HttpRequest, HttpResponse, Transport};

/// A single instantiation waits out at most this many 429s…
const MAX_THROTTLED_WAITS: u32 = 3;
/// …each at most this long; a longer Retry-After is reported, not waited for.
const MAX_RETRY_AFTER_SECONDS: u64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Instantiated {
    pub instance: InstanceSummary,
    /// Prefill keys the form's schema does not know (the app ignores them silently).
    pub ignored_prefill_keys: Vec<String>,
}

pub struct AppClient<'a> {
    pub transport: &'a dyn Transport,
    pub tokens: &'a dyn TokenSource,
    /// The app's base, `…/{org}/{app}/`.
    pub app: Url,
}

impl std::fmt::Debug for AppClient<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppClient")
            .field("app", &self.app.as_str())
            .finish_non_exhaustive()
    }
}

impl AppClient<'_> {
    /// `org/app`, from the app's base URL (its last two path segments).
    pub fn app_id(&self) -> String {
        let segments: Vec<&str> = self
            .app
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        match segments.as_slice() {
            [.., org, app] => format!("{org}/{app}"),
            _ => self.app.to_string(),
        }
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, AppError> {
        self.transport
            .send(request)
            .await
            .map_err(|e| AppError::from(AppCallError::Transport(e)))
    }

    pub async fn metadata(&self) -> Result<AppMetadata, AppError> {
        let response = self.send(app::metadata_request(&self.app)).await?;
        Ok(app::parse_metadata(&response)?)
    }

    pub async fn schema(&self, data_type: &str) -> Result<Option<serde_json::Value>, AppError> {
        let response = self.send(app::schema_request(&self.app, data_type)).await?;
        Ok(app::parse_schema(&response)?)
    }

    pub async fn instantiate(
        &self,
        metadata: &AppMetadata,
        owner: &InstanceOwner,
        create: &Create,
    ) -> Result<Instantiated, AppError> {
        instance::check_owner(metadata, owner)?;
        let mut ignored_prefill_keys = Vec::new();
        match create {
            Create::Multipart(parts) => instance::check_parts(metadata, parts)?,
            Create::Prefill(prefill) => {
                // Prefill reaches only auto-created form data of the first task (APPLIB PrefillSI).
                let forms = metadata.prefill_targets();
                if forms.is_empty() {
                    ignored_prefill_keys = prefill.keys().cloned().collect();
                } else {
                    let mut paths = Vec::new();
                    for form in forms {
                        match self.schema(&form.id).await? {
                            Some(schema) => paths.extend(app::property_paths(&schema)),
                            // A form without a served schema: its keys cannot be checked.
                            None => {
                                paths.clear();
                                break;
                            }
                        }
                    }
                    if !paths.is_empty() {
                        ignored_prefill_keys = instance::unknown_prefill_keys(&paths, prefill);
                    }
                }
            }
            Create::Template => {}
        }
        // A 429 means the request was not processed (RFC 6585 §4), so sending it again cannot
        // make a second instance: wait as told, a few times, when the wait is short.
        let mut waits = 0;
        loop {
            let token = self.tokens.altinn_token().await?;
            let response = self
                .send(instance::create_request(&self.app, &token, owner, create))
                .await?;
            match instance::parse_instance(&response) {
                Err(AppCallError::Throttled {
                    retry_after_seconds,
                }) if waits < MAX_THROTTLED_WAITS
                    && retry_after_seconds.unwrap_or(1) <= MAX_RETRY_AFTER_SECONDS =>
                {
                    waits += 1;
                    let wait = std::time::Duration::from_secs(retry_after_seconds.unwrap_or(1));
                    tokio::time::sleep(wait).await;
                }
                parsed => {
                    return Ok(Instantiated {
                        instance: parsed?,
                        ignored_prefill_keys,
                    });
                }
            }
        }
    }

    pub async fn show(&self, reference: &InstanceRef) -> Result<InstanceSummary, AppError> {
        let token = self.tokens.altinn_token().await?;
        let response = self
            .send(instance::get_request(&self.app, &token, reference))
            .await?;
        Ok(instance::parse_instance(&response)?)
    }

    /// Replaces a data element (JSON or XML form data), then reads the instance again.
    pub async fn update(
        &self,
        reference: &InstanceRef,
        data_id: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<InstanceSummary, AppError> {
        instance::check_data_id(data_id)?;
        let token = self.tokens.altinn_token().await?;
        let response = self
            .send(instance::update_data_request(
                &self.app,
                &token,
                reference,
                data_id,
                content_type,
                body,
            ))
            .await?;
        instance::parse_ok(&response)?;
        self.show(reference).await
    }

    pub async fn next(&self, reference: &InstanceRef) -> Result<InstanceSummary, AppError> {
        let token = self.tokens.altinn_token().await?;
        let response = self
            .send(instance::next_request(&self.app, &token, reference))
            .await?;
        instance::parse_ok(&response)?;
        self.show(reference).await
    }

    /// The receipt PDF, once the process has ended.
    pub async fn receipt(
        &self,
        reference: &InstanceRef,
    ) -> Result<(DataElementSummary, Vec<u8>), AppError> {
        let instance = self.show(reference).await?;
        let Some(element) = instance.receipt().cloned() else {
            let why = if instance.ended.is_none() {
                "its process has not ended yet: move it on with process next"
            } else {
                "the app made no PDF"
            };
            return Err(AppError::new(
                ErrorKind::NotFound,
                format!("Instance {} has no receipt: {why}.", instance.id),
            ));
        };
        let token = self.tokens.altinn_token().await?;
        let response = self
            .send(instance::data_request(
                &self.app,
                &token,
                reference,
                &element.id,
                "application/pdf",
            ))
            .await?;
        let bytes = instance::parse_bytes(&response)?;
        if !bytes.starts_with(b"%PDF") {
            return Err(AppError::new(
                ErrorKind::Server,
                "The receipt is not a PDF.",
            ));
        }
        Ok((element, bytes))
    }

    /// A hard delete (see `altinn::delete`); a refusal explained with the policy rule to add.
    pub async fn delete(&self, reference: &InstanceRef) -> Result<delete::Deleted, AppError> {
        let token = self.tokens.altinn_token().await?;
        let response = self
            .send(delete::request(&self.app, &token, reference))
            .await?;
        delete::parse(&response).map_err(|e| delete::explain(e, &self.app_id()))
    }
}
