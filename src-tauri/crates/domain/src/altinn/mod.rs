//! Altinn, client side: the token exchange (protocols.md §3). Instances come later.

pub mod exchange;
