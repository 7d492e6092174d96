//! Integration tests for `vaultc tables`.
