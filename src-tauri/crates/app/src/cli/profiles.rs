//! `profile …`: create, list, show, edit, delete.

use assistant_domain::inventory::{self, DeleteProfileRequest, SaveProfileRequest};
use assistant_domain::profile::{Environment, Profile};
use assistant_domain::{AppError, ErrorKind};
use clap::{Args, Subcommand, ValueEnum};

use super::output::{Output, confirm_on_terminal};
use crate::AppState;

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Create a profile.
    Create {
        name: String,
        #[command(flatten)]
        fields: Fields,
    },
    /// List profiles.
    List,
    /// Show one profile.
    Show { name: String },
    /// Change fields of a profile (an empty value clears a field).
    Edit {
        name: String,
        /// Give the profile a new name.
        #[arg(long)]
        rename: Option<String>,
        #[command(flatten)]
        fields: Fields,
    },
    /// Delete a profile (its key stays). Asks first; `--yes` in scripts.
    Delete {
        name: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Env {
    /// The built-in emulators (default).
    Sandbox,
    /// Maskinporten test + Altinn TT02.
    Test,
    Prod,
    /// Give --maskinporten-url, --altinn-url and --apps-url.
    Custom,
}

#[derive(Debug, Args)]
pub struct Fields {
    #[arg(long, value_enum)]
    env: Option<Env>,
    #[arg(long, value_name = "URL")]
    maskinporten_url: Option<String>,
    #[arg(long, value_name = "URL")]
    altinn_url: Option<String>,
    #[arg(long, value_name = "URL")]
    apps_url: Option<String>,
    /// Organisation number (9 digits).
    #[arg(long)]
    org: Option<String>,
    #[arg(long)]
    client_id: Option<String>,
    /// A scope; repeat or separate with spaces. Replaces the list.
    #[arg(long = "scope")]
    scopes: Option<Vec<String>>,
    /// The app that creates instances, org/app.
    #[arg(long)]
    app_a: Option<String>,
    /// The app whose instances are created, org/app.
    #[arg(long)]
    app_b: Option<String>,
    /// The kid of the key this profile signs with.
    #[arg(long)]
    key: Option<String>,
    #[arg(long)]
    vault_url: Option<String>,
    #[arg(long)]
    secret_prefix: Option<String>,
    /// The appsettings section the app binds, e.g. MaskinportenSettingsExternal.
    #[arg(long)]
    section: Option<String>,
}

impl Fields {
    fn apply(self, mut p: Profile) -> Result<Profile, AppError> {
        fn set<T: From<String>>(target: &mut Option<T>, value: Option<String>) {
            if let Some(v) = value {
                *target = Some(v).filter(|v| !v.trim().is_empty()).map(T::from);
            }
        }
        let urls = (self.maskinporten_url, self.altinn_url, self.apps_url);
        let env = self.env.or(match (&p.environment, &urls) {
            (Environment::Custom { .. }, _) => Some(Env::Custom),
            (_, (None, None, None)) => None,
            _ => Some(Env::Custom),
        });
        if let Some(env) = env {
            p.environment = match env {
                Env::Sandbox => Environment::Sandbox,
                Env::Test => Environment::Test,
                Env::Prod => Environment::Prod,
                Env::Custom => {
                    let old = match &p.environment {
                        Environment::Custom {
                            maskinporten_url,
                            altinn_url,
                            apps_url,
                        } => (
                            Some(maskinporten_url.clone()),
                            Some(altinn_url.clone()),
                            Some(apps_url.clone()),
                        ),
                        _ => (None, None, None),
                    };
                    let missing = |name: &str| {
                        AppError::new(
                            ErrorKind::InvalidInput,
                            format!("A custom environment needs --{name}."),
                        )
                    };
                    Environment::Custom {
                        maskinporten_url: urls
                            .0
                            .or(old.0)
                            .ok_or_else(|| missing("maskinporten-url"))?,
                        altinn_url: urls.1.or(old.1).ok_or_else(|| missing("altinn-url"))?,
                        apps_url: urls.2.or(old.2).ok_or_else(|| missing("apps-url"))?,
                    }
                }
            };
        }
        set(&mut p.org_number, self.org);
        set(&mut p.client_id, self.client_id);
        if let Some(scopes) = self.scopes {
            p.scopes = scopes.into_iter().map(Into::into).collect();
        }
        set(&mut p.app_a, self.app_a);
        set(&mut p.app_b, self.app_b);
        set(&mut p.key_id, self.key);
        set(&mut p.vault_url, self.vault_url);
        set(&mut p.secret_prefix, self.secret_prefix);
        set(&mut p.section_name, self.section);
        Ok(p)
    }
}

fn describe(p: &Profile) -> String {
    let env = match &p.environment {
        Environment::Custom {
            maskinporten_url,
            altinn_url,
            apps_url,
        } => format!(
            "custom (Maskinporten {maskinporten_url}, Altinn {altinn_url}, apps {apps_url})"
        ),
        other => other.name().to_string(),
    };
    let show = |v: Option<&str>| v.unwrap_or("-").to_string();
    format!(
        "name            {}\nenvironment     {env}\norganisation    {}\nclient id       {}\nscopes          {}\napp A           {}\napp B           {}\nkey             {}\nKey Vault       {}\nsecret prefix   {}\nconfig section  {}",
        p.name,
        show(p.org_number.as_deref()),
        show(p.client_id.as_deref()),
        if p.scopes.is_empty() {
            "-".into()
        } else {
            p.scopes.join(" ")
        },
        show(p.app_a.as_deref()),
        show(p.app_b.as_deref()),
        show(p.key_id.as_deref()),
        show(p.vault_url.as_deref()),
        show(p.secret_prefix.as_deref()),
        show(p.section_name.as_deref())
    )
}

pub fn run(command: ProfileCommand, state: &AppState) -> Result<Output, AppError> {
    let dir = &state.dir;
    match command {
        ProfileCommand::Create { name, fields } => {
            let profile = fields.apply(Profile {
                name: name.into(),
                ..Profile::default()
            })?;
            let saved = inventory::save_profile(
                dir,
                &SaveProfileRequest {
                    profile,
                    original_name: None,
                },
            )?;
            let text = format!("Created profile {}.\n{}", saved.name, describe(&saved));
            Output::new(&saved, text)
        }
        ProfileCommand::List => {
            let profiles = inventory::list_profiles(dir)?;
            let text = if profiles.is_empty() {
                "No profiles yet. Create one with: maskinporten-assistant profile create NAME"
                    .to_string()
            } else {
                profiles
                    .iter()
                    .map(|p| {
                        format!(
                            "{:<24} {:<8} {}",
                            p.name,
                            p.environment.name(),
                            p.org_number.as_deref().unwrap_or("-")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            Output::new(&profiles, text)
        }
        ProfileCommand::Show { name } => {
            let profile = inventory::show_profile(dir, &name)?;
            Output::new(&profile, describe(&profile))
        }
        ProfileCommand::Edit {
            name,
            rename,
            fields,
        } => {
            let mut profile = fields.apply(inventory::show_profile(dir, &name)?)?;
            if let Some(new_name) = rename {
                profile.name = new_name.into();
            }
            let saved = inventory::save_profile(
                dir,
                &SaveProfileRequest {
                    profile,
                    original_name: Some(name),
                },
            )?;
            Output::new(
                &saved,
                format!("Saved profile {}.\n{}", saved.name, describe(&saved)),
            )
        }
        ProfileCommand::Delete { name, yes } => {
            let confirmed =
                yes || confirm_on_terminal(&format!("Delete profile {name}? Its key stays."));
            inventory::delete_profile(
                dir,
                &DeleteProfileRequest {
                    name: name.clone(),
                    confirmed,
                },
            )
            .map_err(|e| {
                if e.kind == ErrorKind::ConfirmationRequired {
                    e.with_hint("Repeat with --yes to delete without asking.")
                } else {
                    e
                }
            })?;
            Output::new(
                &serde_json::json!({ "deleted": name }),
                format!("Deleted profile {name}."),
            )
        }
    }
}
