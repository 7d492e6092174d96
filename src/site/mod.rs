//! The static site: one page per note and entity, built from the analysed vault.
