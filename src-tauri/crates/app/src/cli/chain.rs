//! `token` and `exchange`: the moment of truth for a profile, headless. A `sandbox` profile runs
//! against the built-in sandbox started for the call.

use assistant_domain::chain::{ChainOptions, ChainReport, StageStatus};
use assistant_domain::inventory;
use assistant_domain::{AppError, ErrorKind};
use clap::Args;

use super::output::Output;
use crate::AppState;

#[derive(Debug, Args)]
pub struct ChainArgs {
    /// The profile to test.
    #[arg(long)]
    profile: String,
    /// Ask for these scopes instead of the profile's (repeat, or separate with spaces).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// Act for a system user owned by this organisation (`authorization_details`).
    #[arg(long, value_name = "ORG")]
    system_user: Option<String>,
    /// The system user's external reference, when it was created with one.
    #[arg(long, requires = "system_user", value_name = "REF")]
    external_ref: Option<String>,
    /// Supplier acting for this customer (`consumer_org`).
    #[arg(long, value_name = "ORG")]
    consumer_org: Option<String>,
    /// Audience-restricted token (`resource`, sent as an array); repeat for several audiences.
    #[arg(long, value_name = "AUDIENCE")]
    resource: Vec<String>,
    /// Add `?test=true` to the exchange (digdir's service-owner tokens become ttd).
    #[arg(long)]
    test_org: bool,
    /// Print the raw token(s) too. They are secrets: anyone holding them can act as you.
    #[arg(long)]
    print_secret_tokens: bool,
}

pub fn run(args: ChainArgs, exchange: bool, state: &AppState) -> Result<Output, AppError> {
    let profile = inventory::show_profile(&state.dir, &args.profile)?;
    let options = ChainOptions {
        scopes: args.scopes,
        exchange,
        test_org: args.test_org,
        system_user_org: args.system_user,
        external_ref: args.external_ref,
        consumer_org: args.consumer_org,
        resource: args.resource,
    };
    let crate::flows::TokenRun { report, tokens } = super::block(
        state,
        crate::flows::token_test(state, &profile.name, options),
    )?;
    let mut json = serde_json::to_value(&report)
        .map_err(|e| AppError::new(ErrorKind::Internal, e.to_string()))?;
    let mut text = render(&report);
    if args.print_secret_tokens
        && let Some(tokens) = &tokens
    {
        json["accessToken"] = tokens.access_token.expose_secret().into();
        text.push_str(&format!(
            "\n\nMaskinporten token (secret):\n{}",
            tokens.access_token.expose_secret()
        ));
        if let Some((altinn, _)) = &tokens.altinn {
            json["altinnToken"] = altinn.expose_secret().into();
            text.push_str(&format!(
                "\n\nAltinn token (secret):\n{}",
                altinn.expose_secret()
            ));
        }
    }
    if !report.ok {
        // The report above already says what happened and what to do; the error line is the
        // short title (the full diagnosis is in the report, also under --json).
        let title = report.diagnosis.as_ref().map(|d| d.title.en.clone());
        let error = AppError::new(
            ErrorKind::Server,
            title.unwrap_or_else(|| "The token chain failed.".into()),
        );
        return Ok(Output::failed(json, text, error));
    }
    Output::from_json(json, text)
}

fn render(report: &ChainReport) -> String {
    let mark = |s: StageStatus| match s {
        StageStatus::Ok => "✓",
        StageStatus::Failed => "✗",
        StageStatus::Skipped => "·",
    };
    let mut out = format!(
        "Profile environment {}, client {}, key {}\n",
        report.environment, report.client_id, report.kid
    );
    for stage in &report.stages {
        out.push_str(&format!("  {} {:?}\n", mark(stage.status), stage.stage));
    }
    if let Some(clock) = &report.clock
        && let Some(warning) = &clock.warning
    {
        out.push_str(&format!("\n⚠ {}\n", warning.en));
    }
    if let Some(mp) = &report.maskinporten {
        out.push_str(&format!(
            "\nMaskinporten token: consumer {}, client_amr {}, scopes {}, expires in {} s\n",
            mp.consumer_org.as_deref().unwrap_or("-"),
            mp.client_amr.as_deref().unwrap_or("-"),
            mp.scopes.join(" "),
            report.expires_in.unwrap_or_default()
        ));
        if let Some(su) = &mp.system_user {
            out.push_str(&format!(
                "  system user {} of {}\n",
                su.system_user_id.as_deref().unwrap_or("-"),
                su.org.as_deref().unwrap_or("-")
            ));
        }
    }
    if let Some(check) = &report.scope_check
        && !check.covers_instances
    {
        out.push_str(&format!(
            "  app B needs {}: missing {}\n",
            check.needed.join(" "),
            check.missing.join(" ")
        ));
    }
    if let Some(altinn) = &report.altinn {
        let claim = |name: &str| {
            altinn
                .claims
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or("-")
                .to_string()
        };
        out.push_str(&format!(
            "Altinn token: org {}, orgNumber {}, expires {}\n",
            claim("urn:altinn:org"),
            claim("urn:altinn:orgNumber"),
            time::OffsetDateTime::from_unix_timestamp(altinn.expires_at)
                .ok()
                .and_then(|t| t
                    .format(&time::format_description::well_known::Rfc3339)
                    .ok())
                .unwrap_or_else(|| altinn.expires_at.to_string())
        ));
    }
    if let Some(d) = &report.diagnosis {
        out.push_str(&format!(
            "\n{}\n  What happened: {}\n  What to do:    {}\n",
            d.title.en, d.explanation.en, d.fix.en
        ));
        if let Some(raw) = &d.raw {
            out.push_str(&format!("  Raw answer:    {raw}\n"));
        }
    }
    out.trim_end().to_string()
}
