//! What the tool asks a vault to do: the vocabulary both the request builders (`api`) and the
//! reading of answers (`answer`) use, kept apart so neither imports the other.

use serde::Serialize;
use ts_rs::TS;

/// What the tool asked the vault to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "VaultOperation")]
pub enum Operation {
    List,
    Get,
    Versions,
    Set,
    GetDeleted,
    Recover,
    Purge,
    Disable,
}

impl Operation {
    pub fn words(self) -> &'static str {
        match self {
            Operation::List => "list secrets",
            Operation::Get => "read",
            Operation::Versions => "list the versions of",
            Operation::Set => "write",
            Operation::GetDeleted => "look up the deleted secret",
            Operation::Recover => "recover",
            Operation::Purge => "purge",
            Operation::Disable => "disable an old version of",
        }
    }
}
