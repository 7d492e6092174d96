//! Helpers that more than one test file uses and that need a setup of their own.

pub mod precommit;
pub mod venv;
