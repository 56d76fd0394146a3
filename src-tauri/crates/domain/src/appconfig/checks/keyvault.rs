//! Key Vault wiring: `AddAzureKeyVaultAsConfigProvider` present and after `ConfigureAppWebHost`,
//! Altinn.ApiClients.Maskinporten registered after it (the eager-binding trap), and the
//! `altinn-appsettings-secret` mount in `deployment/values.yaml`.

use super::Context;
use crate::appconfig::project;
use crate::appconfig::{Finding, Severity, finding, l};

const VALUES: &str = "deployment/values.yaml";

/// `AddAzureKeyVaultAsConfigProvider` present and after `ConfigureAppWebHost`, and the eager
/// binding of Altinn.ApiClients.Maskinporten after it (config-keyvault-selfservice.md §2.4, §0.4).
pub(super) fn key_vault(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let program = cx.program_name();
    let key_vault = cx
        .scan
        .first("AddAzureKeyVaultAsConfigProvider")
        .or_else(|| cx.scan.first("AddAzureKeyVault"));
    let Some(key_vault) = key_vault else {
        if cx.program.is_none() {
            out.push(finding(
                "keyvault_unchecked",
                Severity::Warning,
                program,
                None,
                l(
                    "Program.cs was not found, so whether the app adds Azure Key Vault to its configuration could not be checked.",
                    "Fant ikke Program.cs, så om appen legger Azure Key Vault til i konfigurasjonen kunne ikke sjekkes.",
                ),
                l(
                    "Check the app's whole repository folder (the one with App/Program.cs).",
                    "Sjekk hele repo-mappen til appen (den med App/Program.cs).",
                ),
            ));
            return;
        }
        let first = cx.own.first().or(cx.built_in.first()).map(|b| b.call.line);
        out.push(finding(
            "keyvault_missing",
            Severity::Error,
            program,
            first,
            l(
                "The Maskinporten secrets are meant to come from Azure Key Vault, but Program.cs never adds Key Vault to the configuration, so ClientId and the key stay empty.",
                "Maskinporten-hemmelighetene skal komme fra Azure Key Vault, men Program.cs legger aldri Key Vault til i konfigurasjonen, så ClientId og nøkkelen forblir tomme.",
            ),
            l(
                "Right after ConfigureWebHostBuilder(builder.WebHost); add: if (!builder.Environment.IsDevelopment()) { builder.AddAzureKeyVaultAsConfigProvider(); }",
                "Rett etter ConfigureWebHostBuilder(builder.WebHost); legg til: if (!builder.Environment.IsDevelopment()) { builder.AddAzureKeyVaultAsConfigProvider(); }",
            ),
        ));
        return;
    };
    if let Some(web_host) = cx.scan.first("ConfigureAppWebHost")
        && key_vault.runs_before(web_host) == Some(true)
    {
        out.push(finding(
            "keyvault_order",
            Severity::Error,
            program,
            Some(key_vault.line),
            l(
                format!("Key Vault is added before ConfigureAppWebHost (line {}). Altinn's docs say it must come after, otherwise the app fails to start: the Key Vault credentials (kvSetting) are read from the file that ConfigureAppWebHost adds.", web_host.line),
                format!("Key Vault legges til før ConfigureAppWebHost (linje {}). Altinns dokumentasjon sier det må komme etter, ellers starter ikke appen: Key Vault-påloggingen (kvSetting) leses fra filen som ConfigureAppWebHost legger til.", web_host.line),
            ),
            l(
                "Move builder.AddAzureKeyVaultAsConfigProvider() to the line after ConfigureWebHostBuilder(builder.WebHost);",
                "Flytt builder.AddAzureKeyVaultAsConfigProvider() til linjen etter ConfigureWebHostBuilder(builder.WebHost);",
            ),
        ));
    }
    for own in cx.own.iter().filter(|b| b.section.is_some()) {
        if own.call.runs_before(key_vault) == Some(true) {
            out.push(finding(
                "eager_binding",
                Severity::Error,
                &own.file,
                Some(own.call.line),
                l(
                    format!("{} copies its settings when this line runs, which is before Key Vault is added (line {}). ClientId and EncodedJwk from Key Vault are then still empty, and later reloads are not seen (derived from Altinn.ApiClients.Maskinporten's code).", own.call.name, key_vault.line),
                    format!("{} kopierer innstillingene når denne linjen kjører, og det er før Key Vault legges til (linje {}). ClientId og EncodedJwk fra Key Vault er da fortsatt tomme, og senere oppdateringer blir ikke sett (utledet fra koden i Altinn.ApiClients.Maskinporten).", own.call.name, key_vault.line),
                ),
                l(
                    "Move this registration out of RegisterCustomAppServices to just after builder.AddAzureKeyVaultAsConfigProvider(), as builder.Services.AddMaskinportenHttpClient<…>(builder.Configuration.GetSection(\"…\")). `config snippet --path own-identity` prints it.",
                    "Flytt registreringen ut av RegisterCustomAppServices til rett etter builder.AddAzureKeyVaultAsConfigProvider(), som builder.Services.AddMaskinportenHttpClient<…>(builder.Configuration.GetSection(\"…\")). `config snippet --path own-identity` skriver den ut.",
                ),
            ));
        }
    }
}

/// The `altinn-appsettings-secret` volume and mount in `deployment/values.yaml`.
pub(super) fn mount(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let fix = l(
        "Under deployment: add to volumeMounts \"- name: altinn-appsettings-secret / mountPath: \\\"/altinn-appsettings-secret\\\"\" and to volumes \"- name: altinn-appsettings-secret / secret: / secretName: altinn-appsettings-secret\". `config snippet` prints both.",
        "Under deployment: legg til i volumeMounts «- name: altinn-appsettings-secret / mountPath: \"/altinn-appsettings-secret\"» og i volumes «- name: altinn-appsettings-secret / secret: / secretName: altinn-appsettings-secret». `config snippet` skriver ut begge.",
    );
    let Some(values) = cx.values else {
        out.push(finding(
            "keyvault_mount_missing",
            Severity::Error,
            VALUES,
            None,
            l(
                "deployment/values.yaml was not found, so nothing mounts altinn-appsettings-secret, the file that holds the app's Key Vault credentials (kvSetting). The default template does not mount it.",
                "Fant ikke deployment/values.yaml, så ingenting monterer altinn-appsettings-secret, filen med appens Key Vault-pålogging (kvSetting). Standardmalen monterer den ikke.",
            ),
            fix,
        ));
        return;
    };
    let found = project::secret_mount(&values.text);
    if found.mount_line.is_none() {
        out.push(finding(
            "keyvault_mount_missing",
            Severity::Error,
            &values.name,
            found.volume_mounts_line,
            l(
                "No volume mount at /altinn-appsettings-secret: without it the app has no Key Vault credentials (kvSetting) and AddAzureKeyVaultAsConfigProvider stops the app at start. The default template does not mount it.",
                "Ingen volume mount på /altinn-appsettings-secret: uten den har appen ingen Key Vault-pålogging (kvSetting), og AddAzureKeyVaultAsConfigProvider stopper appen ved oppstart. Standardmalen monterer den ikke.",
            ),
            fix.clone(),
        ));
    }
    if found.volume_line.is_none() {
        out.push(finding(
            "keyvault_volume_missing",
            Severity::Error,
            &values.name,
            found.volumes_line,
            l(
                "No volume takes its content from the secret altinn-appsettings-secret, so the mount has nothing to show.",
                "Ingen volume henter innholdet fra hemmeligheten altinn-appsettings-secret, så monteringen har ingenting å vise.",
            ),
            fix,
        ));
    }
}
