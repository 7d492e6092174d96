//! Integration tests for `vaultc refs`.
