//! Integration tests for `vaultc graph`.
