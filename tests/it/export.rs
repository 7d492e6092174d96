//! Integration tests for `vaultc export`.
