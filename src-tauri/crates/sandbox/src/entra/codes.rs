//! The device codes Entra has handed out and what became of each: state the sign-in routes
//! change, kept apart from them so the sandbox's shared state can hold it without importing the
//! routes.

use crate::SandboxError;

#[derive(Debug, Default)]
pub(crate) struct DeviceCodes {
    pub(crate) codes: Vec<DeviceCode>,
}

#[derive(Debug)]
pub(crate) struct DeviceCode {
    pub(crate) device_code: String,
    pub(crate) user_code: String,
    pub(crate) client_id: String,
    /// The resource the token will be for (`aud`).
    pub(crate) resource: String,
    pub(crate) expires: i64,
    pub(crate) last_poll: Option<i64>,
    pub(crate) decision: Decision,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decision {
    Pending,
    Approved(String),
    Declined,
    Redeemed,
}

impl DeviceCodes {
    /// Approves (`Some(identity)`) or declines (`None`) a pending code. The identity is an
    /// object id or a user principal name of the vault seed.
    pub(crate) fn decide(
        &mut self,
        user_code: &str,
        object_id: Option<String>,
        now: i64,
    ) -> Result<(), SandboxError> {
        let wanted = normalise(user_code);
        let code = self
            .codes
            .iter_mut()
            .find(|c| c.user_code == wanted && c.decision == Decision::Pending && c.expires > now)
            .ok_or_else(|| SandboxError::UnknownUserCode(user_code.to_owned()))?;
        code.decision = object_id.map_or(Decision::Declined, Decision::Approved);
        Ok(())
    }
}

fn normalise(user_code: &str) -> String {
    user_code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}
