//! Typed table cells.
