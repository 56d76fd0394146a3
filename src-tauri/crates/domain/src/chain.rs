//! The token chain, run: metadata → grant → token → verification → exchange, each stage
//! reported, the first failure diagnosed, the clock checked against every server's `Date`, and
//! the tokens kept (as secrets) in the session so bulk work fetches one per lifetime.

use std::collections::HashMap;
use std::sync::Mutex;

use rsa::RsaPrivateKey;
use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::altinn::exchange;
use crate::clock::Clock;
use crate::diagnosis::{self, Context, Diagnosis, Localized};
use crate::endpoints::Endpoints;
use crate::http::{HttpRequest, HttpResponse, Transport, TransportError};
use crate::maskinporten::access_token::{self, AccessTokenInfo, SigningKey};
use crate::maskinporten::grant::{self, GrantClaims, GrantOptions};
use crate::maskinporten::metadata::{self, Metadata};
use crate::maskinporten::{MaskinportenError, token};
use crate::secret::{AccessToken, AltinnToken};

/// Warn before Maskinporten's ±10 s window is reached (protocols.md §5).
pub const CLOCK_WARNING_SECONDS: i64 = 5;
/// Refresh a Maskinporten token this long before `expires_in` runs out (protocols.md §5).
pub const MASKINPORTEN_MARGIN_SECONDS: i64 = 30;
/// Apps validate the Altinn token with zero clock skew (APPLIB), so refresh it earlier.
pub const ALTINN_MARGIN_SECONDS: i64 = 60;
/// Metadata and signing keys: DD-token suggests caching Maskinporten's keys about 24 h; an hour
/// keeps a long session honest.
pub const METADATA_CACHE_SECONDS: i64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Stage {
    Metadata,
    Grant,
    Token,
    Verify,
    Exchange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StageStatus {
    Ok,
    Failed,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StageOutcome {
    pub stage: Stage,
    pub status: StageStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScopeCheck {
    pub granted: Vec<String>,
    /// The pair app B needs, as granted (org/system user or service-owner form).
    pub needed: Vec<String>,
    pub missing: Vec<String>,
    pub covers_instances: bool,
    /// Said before the instance step when the scopes are right but the token will meet app B's
    /// policy without a rule: a plain organisation token (the instance pair, no system user).
    pub policy_warning: Option<Localized>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ClockCheck {
    /// Server time minus this computer's time, in seconds (from the `Date` header).
    pub skew_seconds: i64,
    pub warning: Option<Localized>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChainReport {
    pub environment: String,
    pub client_id: String,
    pub kid: String,
    pub stages: Vec<StageOutcome>,
    pub grant: Option<GrantClaims>,
    pub maskinporten: Option<AccessTokenInfo>,
    pub expires_in: Option<u64>,
    pub altinn: Option<AccessTokenInfo>,
    pub scope_check: Option<ScopeCheck>,
    pub clock: Option<ClockCheck>,
    pub diagnosis: Option<Diagnosis>,
    pub ok: bool,
}

/// What the chain asks for.
#[derive(Debug, Clone)]
pub struct ChainRequest {
    pub client_id: String,
    pub kid: String,
    pub scopes: Vec<String>,
    pub options: GrantOptions,
    pub exchange: bool,
    pub test_org: bool,
}

/// The tokens a successful run yields. Secrets: not serializable, redacted in Debug.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access_token: AccessToken,
    pub access_expires_at: i64,
    pub altinn: Option<(AltinnToken, i64)>,
}

/// What makes two token requests the same: the Maskinporten, the client, the scopes in order,
/// and every option that changes the grant or the exchange.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct TokenCacheKey {
    maskinporten: String,
    client_id: String,
    /// A token proves the key it was signed with: a rotation's proof of a new key must never be
    /// answered by a token the old key got.
    kid: String,
    scopes: Vec<String>,
    options: GrantOptions,
    test_org: bool,
}

/// Metadata and signing keys of one Maskinporten, with the unix time they were fetched.
#[derive(Debug, Clone)]
struct MetadataEntry {
    metadata: Metadata,
    keys: Vec<SigningKey>,
    fetched_at: i64,
}

/// Per-session caches: metadata and signing keys per Maskinporten, tokens per request.
#[derive(Debug, Default)]
pub struct Session {
    metadata: Mutex<HashMap<String, MetadataEntry>>,
    tokens: Mutex<HashMap<TokenCacheKey, Tokens>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn cache_key(endpoints: &Endpoints, request: &ChainRequest) -> TokenCacheKey {
    TokenCacheKey {
        maskinporten: endpoints.maskinporten.to_string(),
        client_id: request.client_id.clone(),
        kid: request.kid.clone(),
        scopes: request.scopes.clone(),
        options: request.options.clone(),
        test_org: request.test_org,
    }
}

impl Session {
    /// Drops cached tokens for this request (the app refused them).
    pub fn forget_tokens(&self, endpoints: &Endpoints, request: &ChainRequest) {
        lock(&self.tokens).remove(&cache_key(endpoints, request));
    }

    /// Drops the cached metadata and signing keys of a Maskinporten (its keys rotated).
    pub fn forget_metadata(&self, endpoints: &Endpoints) {
        lock(&self.metadata).remove(endpoints.maskinporten.as_str());
    }

    /// Tokens still valid for at least the margins, if this session has them.
    pub fn cached_tokens(
        &self,
        endpoints: &Endpoints,
        request: &ChainRequest,
        now: OffsetDateTime,
    ) -> Option<Tokens> {
        let tokens = lock(&self.tokens)
            .get(&cache_key(endpoints, request))
            .cloned()?;
        let now = now.unix_timestamp();
        let access_ok = tokens.access_expires_at - MASKINPORTEN_MARGIN_SECONDS > now;
        let altinn_ok = !request.exchange
            || tokens
                .altinn
                .as_ref()
                .is_some_and(|(_, exp)| exp - ALTINN_MARGIN_SECONDS > now);
        (access_ok && altinn_ok).then_some(tokens)
    }
}

/// Parses an HTTP `Date` (IMF-fixdate, RFC 9110 §5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(value.trim(), &format)
        .ok()
        .map(time::PrimitiveDateTime::assume_utc)
}

struct Run<'a> {
    transport: &'a dyn Transport,
    clock: &'a dyn Clock,
    report: ChainReport,
    context: Context,
}

impl Run<'_> {
    async fn send(&mut self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let response = self.transport.send(request).await?;
        if let Some(server) = response.header("date").and_then(parse_http_date) {
            let skew = (server - self.clock.now()).whole_seconds();
            self.context.clock_skew_seconds = Some(skew);
            let warning = (skew.abs() > CLOCK_WARNING_SECONDS).then(|| Localized {
                en: format!("This computer's clock is {} s {} the server's. Maskinporten refuses grants more than 10 s off: synchronise the clock (NTP).", skew.abs(), if skew > 0 { "behind" } else { "ahead of" }),
                nb: format!("Klokka på denne maskinen går {} s {} tjenerens. Maskinporten avviser grants som er mer enn 10 s feil: synkroniser klokka (NTP).", skew.abs(), if skew > 0 { "etter" } else { "foran" }),
            });
            // Keep the worst reading of the run.
            if self
                .report
                .clock
                .as_ref()
                .is_none_or(|c| c.skew_seconds.abs() <= skew.abs())
            {
                self.report.clock = Some(ClockCheck {
                    skew_seconds: skew,
                    warning,
                });
            }
        }
        Ok(response)
    }

    fn stage(&mut self, stage: Stage, status: StageStatus) {
        self.report.stages.push(StageOutcome { stage, status });
    }

    fn fail(&mut self, stage: Stage, diagnosis: Diagnosis) {
        self.stage(stage, StageStatus::Failed);
        self.report.diagnosis = Some(diagnosis);
        for later in [
            Stage::Metadata,
            Stage::Grant,
            Stage::Token,
            Stage::Verify,
            Stage::Exchange,
        ] {
            if !self.report.stages.iter().any(|s| s.stage == later) {
                self.stage(later, StageStatus::Skipped);
            }
        }
    }

    fn fail_mp(&mut self, stage: Stage, error: &MaskinportenError) {
        let d = diagnosis::for_maskinporten(error, &self.context);
        self.fail(stage, d);
    }
}

/// Runs the chain. `jti` is made here (a fresh UUID v4 per attempt: a grant is never re-sent).
pub async fn run(
    session: &Session,
    transport: &dyn Transport,
    clock: &dyn Clock,
    key: &RsaPrivateKey,
    endpoints: &Endpoints,
    request: &ChainRequest,
    context: Context,
) -> (ChainReport, Option<Tokens>) {
    let report = ChainReport {
        environment: context.environment.name().to_string(),
        client_id: request.client_id.clone(),
        kid: request.kid.clone(),
        stages: Vec::new(),
        grant: None,
        maskinporten: None,
        expires_in: None,
        altinn: None,
        scope_check: None,
        clock: None,
        diagnosis: None,
        ok: false,
    };
    let mut run = Run {
        transport,
        clock,
        report,
        context,
    };
    let tokens = run_stages(&mut run, session, key, endpoints, request).await;
    run.report.ok = tokens.is_some();
    if let Some(tokens) = &tokens {
        lock(&session.tokens).insert(cache_key(endpoints, request), tokens.clone());
    }
    (run.report, tokens)
}

async fn metadata_and_keys(
    run: &mut Run<'_>,
    session: &Session,
    endpoints: &Endpoints,
) -> Result<(Metadata, Vec<SigningKey>), MaskinportenError> {
    let now = run.clock.now().unix_timestamp();
    if let Some(entry) = lock(&session.metadata)
        .get(endpoints.maskinporten.as_str())
        .cloned()
        && now - entry.fetched_at < METADATA_CACHE_SECONDS
    {
        return Ok((entry.metadata, entry.keys));
    }
    let response = run
        .send(metadata::request(endpoints))
        .await
        .map_err(MaskinportenError::MetadataTransport)?;
    let metadata = metadata::parse(endpoints, &response)?;
    let response = run
        .send(access_token::jwks_request(&metadata))
        .await
        .map_err(MaskinportenError::JwksTransport)?;
    let keys = access_token::parse_jwks(&response)?;
    lock(&session.metadata).insert(
        endpoints.maskinporten.to_string(),
        MetadataEntry {
            metadata: metadata.clone(),
            keys: keys.clone(),
            fetched_at: now,
        },
    );
    Ok((metadata, keys))
}

async fn run_stages(
    run: &mut Run<'_>,
    session: &Session,
    key: &RsaPrivateKey,
    endpoints: &Endpoints,
    request: &ChainRequest,
) -> Option<Tokens> {
    let (metadata, keys) = match metadata_and_keys(run, session, endpoints).await {
        Ok(found) => found,
        Err(e) => {
            run.fail_mp(Stage::Metadata, &e);
            return None;
        }
    };
    run.stage(Stage::Metadata, StageStatus::Ok);

    let jti = uuid::Uuid::new_v4().to_string();
    let claims = grant::claims(
        &metadata.issuer,
        &request.client_id,
        &request.scopes,
        &request.options,
        run.clock.now(),
        &jti,
    );
    let assertion = match grant::sign(key, &request.kid, &claims) {
        Ok(a) => a,
        Err(e) => {
            run.fail_mp(Stage::Grant, &e);
            return None;
        }
    };
    run.report.grant = Some(claims);
    run.stage(Stage::Grant, StageStatus::Ok);

    let response = match run.send(token::request(&metadata, &assertion)).await {
        Ok(r) => r,
        Err(e) => {
            run.fail_mp(Stage::Token, &MaskinportenError::TokenTransport(e));
            return None;
        }
    };
    drop(assertion);
    let issued = match token::parse(&response) {
        Ok(t) => t,
        Err(e) => {
            run.fail_mp(Stage::Token, &e);
            return None;
        }
    };
    run.report.expires_in = Some(issued.expires_in);
    run.stage(Stage::Token, StageStatus::Ok);

    let mut verified = access_token::verify(
        &issued.access_token,
        &keys,
        &metadata.issuer,
        run.clock.now(),
    );
    // Maskinporten rotates its signing keys (DD-wk): a kid we do not know means our cached set
    // is old, so fetch it again once.
    if matches!(&verified, Err(MaskinportenError::SigningKeyUnknown { .. })) {
        session.forget_metadata(endpoints);
        if let Ok((_, fresh)) = metadata_and_keys(run, session, endpoints).await {
            verified = access_token::verify(
                &issued.access_token,
                &fresh,
                &metadata.issuer,
                run.clock.now(),
            );
        }
    }
    let info = match verified {
        Ok(info) => info,
        Err(e) => {
            run.fail_mp(Stage::Verify, &e);
            return None;
        }
    };
    run.report.scope_check = Some(scope_check(&info.scopes, info.system_user.is_some()));
    let access_expires_at = info.expires_at;
    let token_issuer = info.issuer.clone();
    run.report.maskinporten = Some(info);
    run.stage(Stage::Verify, StageStatus::Ok);

    let mut tokens = Tokens {
        access_token: issued.access_token,
        access_expires_at,
        altinn: None,
    };
    if !request.exchange {
        run.stage(Stage::Exchange, StageStatus::Skipped);
        return Some(tokens);
    }
    let outcome = match run
        .send(exchange::request(
            endpoints,
            &tokens.access_token,
            request.test_org,
        ))
        .await
    {
        Ok(response) => exchange::parse(&response),
        Err(e) => Err(exchange::ExchangeError::Transport(e)),
    };
    match outcome {
        Ok((altinn, info)) => {
            tokens.altinn = Some((altinn, info.expires_at));
            run.report.altinn = Some(info);
            run.stage(Stage::Exchange, StageStatus::Ok);
            Some(tokens)
        }
        Err(e) => {
            let d =
                diagnosis::for_exchange(&e, &run.context, Some(&token_issuer), &metadata.issuer);
            run.fail(Stage::Exchange, d);
            None
        }
    }
}

/// Does the token carry what app B needs to create and read instances (protocols.md §4
/// "Scopes")? Either the org/system-user pair or the service-owner pair.
///
/// The scopes only get a token past app-lib's scope check; the app's policy decides next. The
/// app template's policy.xml (Altinn/app-template-dotnet `src/App/config/authorization/policy.xml`,
/// tests/conformance/altinn-app) has a rule for the app's owner as service owner (`[org]`) and one
/// for the roles DAGL and REGNA, which system users inherit from their approver; a plain
/// organisation token (the instance pair without a system user) matches neither, so a real app
/// answers 403 unless its policy was changed. That is said before the instance step.
pub fn scope_check(granted: &[String], system_user: bool) -> ScopeCheck {
    let has = |s: &str| granted.iter().any(|g| g == s);
    let service_owner =
        has("altinn:serviceowner/instances.read") || has("altinn:serviceowner/instances.write");
    let needed: Vec<String> = if service_owner {
        vec![
            "altinn:serviceowner/instances.read".into(),
            "altinn:serviceowner/instances.write".into(),
        ]
    } else {
        vec![
            "altinn:instances.read".into(),
            "altinn:instances.write".into(),
        ]
    };
    let missing: Vec<String> = needed.iter().filter(|n| !has(n)).cloned().collect();
    let plain_org = !service_owner && !system_user && missing.len() < needed.len();
    ScopeCheck {
        granted: granted.to_vec(),
        covers_instances: missing.is_empty(),
        needed,
        missing,
        policy_warning: plain_org.then(|| Localized {
            en: "This is a plain organisation token (altinn:instances.* without a system user). The app template's policy.xml has no rule for it, so a real app B answers 403 unless its policy was changed. For app B's own organisation use altinn:serviceowner/instances.read and .write (the [org] rule); for another organisation, a system user.".into(),
            nb: "Dette er et vanlig virksomhetstoken (altinn:instances.* uten systembruker). Malens policy.xml har ingen regel for det, så en ekte app B svarer 403 hvis ikke policyen er endret. For app Bs egen virksomhet: bruk altinn:serviceowner/instances.read og .write ([org]-regelen); for en annen virksomhet: en systembruker.".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_parse_as_utc() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").expect("imf-fixdate");
        assert_eq!(t.unix_timestamp(), 784_111_777);
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn scope_check_accepts_either_pair_and_names_what_is_missing() {
        let instances = [
            "altinn:instances.read".to_string(),
            "altinn:instances.write".into(),
        ];
        let ok = scope_check(&instances, true);
        assert!(ok.covers_instances);
        assert!(
            ok.policy_warning.is_none(),
            "a system user has its approver's rights"
        );
        let so = scope_check(&["altinn:serviceowner/instances.read".into()], false);
        assert_eq!(so.missing, ["altinn:serviceowner/instances.write"]);
        assert!(so.policy_warning.is_none());
        assert!(!scope_check(&["other:scope".into()], false).covers_instances);
    }

    #[test]
    fn a_plain_organisation_token_is_warned_about_before_the_instance_step() {
        let instances = [
            "altinn:instances.read".to_string(),
            "altinn:instances.write".into(),
        ];
        let plain = scope_check(&instances, false);
        assert!(
            plain.covers_instances,
            "the scopes pass app-lib's scope check"
        );
        let warning = plain.policy_warning.expect("warned");
        assert!(warning.en.contains("403") && warning.en.contains("serviceowner"));
        assert!(warning.nb.contains("403"));
    }
}

/// Options a person adds to a profile's token test (CLI flags, GUI fields).
#[derive(Debug, Clone, Default, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChainOptions {
    /// Replaces the profile's scopes when not empty.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Exchange the Maskinporten token for an Altinn token too.
    #[serde(default)]
    pub exchange: bool,
    /// `?test=true` on the exchange (digdir's service-owner scopes only).
    #[serde(default)]
    pub test_org: bool,
    pub system_user_org: Option<String>,
    pub external_ref: Option<String>,
    pub consumer_org: Option<String>,
    /// Audiences for an audience-restricted token; sent as the grant's `resource` array.
    #[serde(default)]
    pub resource: Vec<String>,
}

/// Builds the chain request from a profile and options, refusing what cannot work before any
/// network traffic: no client id, no key, no scope, a malformed org number.
pub fn request_for_profile(
    profile: &crate::profile::Profile,
    options: &ChainOptions,
) -> Result<(ChainRequest, Context), crate::AppError> {
    use crate::error::{AppError, ErrorKind};
    use crate::org::OrgNumber;
    let missing = |what: &str, hint: &str| {
        AppError::new(
            ErrorKind::InvalidInput,
            format!("Profile \"{}\" has no {what}.", profile.name),
        )
        .with_hint(hint.to_string())
    };
    let client_hint = match profile.environment {
        crate::profile::Environment::Sandbox => {
            "Do the sandbox's portal step first (the Maskinporten client step in the window, or: maskinporten-assistant sandbox register --profile NAME)."
        }
        _ => "Add the client id from Samarbeidsportalen to the profile.",
    };
    let client_id = profile
        .client_id
        .as_deref()
        .map(str::to_string)
        .ok_or_else(|| missing("Maskinporten client id", client_hint))?;
    let kid = profile
        .key_id
        .as_deref()
        .map(str::to_string)
        .ok_or_else(|| {
            missing(
                "key",
                "Generate or import a key and choose it in the profile.",
            )
        })?;
    let scopes: Vec<String> = if options.scopes.is_empty() {
        profile.scopes.iter().map(|s| s.to_string()).collect()
    } else {
        options
            .scopes
            .iter()
            .flat_map(|s| s.split_whitespace())
            .map(str::to_string)
            .collect()
    };
    if scopes.is_empty() {
        return Err(missing(
            "scopes",
            "Add scopes, e.g. altinn:instances.read altinn:instances.write (a system-user grant needs at least one too).",
        ));
    }
    let org = |field: &str, value: &Option<String>| -> Result<Option<OrgNumber>, AppError> {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                OrgNumber::parse(v)
                    .map_err(|e| AppError::new(ErrorKind::InvalidInput, format!("{field}: {e}")))
            })
            .transpose()
    };
    let system_user =
        org("System user organisation", &options.system_user_org)?.map(|org| grant::SystemUser {
            org,
            external_ref: options
                .external_ref
                .clone()
                .filter(|r| !r.trim().is_empty()),
        });
    let grant_options = GrantOptions {
        resource: options
            .resource
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        consumer_org: org("consumer_org", &options.consumer_org)?,
        system_user,
    };
    let context = Context {
        environment: profile.environment.clone(),
        client_id: client_id.clone(),
        kid: kid.clone(),
        scopes: scopes.clone(),
        clock_skew_seconds: None,
    };
    Ok((
        ChainRequest {
            client_id,
            kid,
            scopes,
            options: grant_options,
            exchange: options.exchange,
            test_org: options.test_org,
        },
        context,
    ))
}

/// The window's token-test request: a profile and what to add to it.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenTestRequest {
    pub profile: String,
    #[serde(default)]
    pub options: ChainOptions,
}

/// Altinn tokens for app calls: from the session while they last, else a new chain run. One
/// Maskinporten grant and one exchange per token lifetime, however many calls use it.
pub struct ChainTokenSource<'a> {
    pub session: &'a Session,
    pub transport: &'a dyn Transport,
    pub clock: &'a dyn Clock,
    pub key: &'a RsaPrivateKey,
    pub endpoints: Endpoints,
    pub request: ChainRequest,
    pub context: Context,
    /// Serialises refreshes so concurrent callers wait for one chain run.
    pub refresh: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ChainTokenSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainTokenSource")
            .field("client_id", &self.request.client_id)
            .finish_non_exhaustive()
    }
}

impl crate::altinn::bulk::TokenSource for ChainTokenSource<'_> {
    fn invalidate(&self) {
        self.session.forget_tokens(&self.endpoints, &self.request);
    }

    fn altinn_token(&self) -> crate::http::BoxFuture<'_, Result<AltinnToken, crate::AppError>> {
        Box::pin(async move {
            let cached = |now| {
                self.session
                    .cached_tokens(&self.endpoints, &self.request, now)
                    .and_then(|t| t.altinn.map(|(token, _)| token))
            };
            if let Some(token) = cached(self.clock.now()) {
                return Ok(token);
            }
            let _guard = self.refresh.lock().await;
            if let Some(token) = cached(self.clock.now()) {
                return Ok(token);
            }
            let (report, tokens) = run(
                self.session,
                self.transport,
                self.clock,
                self.key,
                &self.endpoints,
                &self.request,
                self.context.clone(),
            )
            .await;
            match tokens.and_then(|t| t.altinn) {
                Some((token, _)) => Ok(token),
                None => {
                    let d = report.diagnosis;
                    let mut error = crate::AppError::new(
                        crate::ErrorKind::Server,
                        d.as_ref()
                            .map(|d| format!("{}: {}", d.title.en, d.explanation.en))
                            .unwrap_or_else(|| "No Altinn token.".into()),
                    );
                    error.hint = d.map(|d| d.fix.en);
                    Err(error)
                }
            }
        })
    }
}
