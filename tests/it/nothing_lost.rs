//! Integration tests: nothing_lost.
