//! Maskinporten Assistant's domain: keys, profiles, the Maskinporten, Altinn and Key Vault
//! protocol steps, the app configuration check, the checklist and the report. No Tauri and no UI: the desktop app, the CLI and the tests all call these
//! functions, passing in the HTTP transport, the clock and the secret store.

pub mod about;
pub mod altinn;
pub mod appconfig;
pub mod chain;
pub mod checklist;
pub mod clock;
pub mod datadir;
pub mod diagnosis;
pub mod endpoints;
pub mod error;
pub mod history;
pub mod http;
pub mod inventory;
pub mod keys;
pub mod keyvault;
pub mod made_here;
pub mod maskinporten;
pub mod org;
pub mod profile;
pub mod qr;
pub mod report;
pub mod rotation;
pub mod rotation_check;
pub mod secret;
pub mod secret_store;
pub mod selfservice;
pub mod steps;
pub mod systemuser;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{AppError, ErrorKind};
