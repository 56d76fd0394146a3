//! The system-user path (issue 17; docs/reference/systemuser.md): the vendor's system in the
//! system register.

pub mod cause;
pub mod register;
pub mod request;
