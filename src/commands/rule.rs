//! `vaultc rule [NAME]`: a rule's documentation, or the list of rules.

use std::io::Write;

use super::{ExitStatus, RunError};
use crate::cli::RuleArgs;
use crate::config::{RuleLevel, closest};
use crate::rules::{RULES, find_rule, rule_names};

pub(super) fn run(args: &RuleArgs, out: &mut dyn Write) -> Result<ExitStatus, RunError> {
    let io = |source| RunError::Io {
        context: "cannot write output".into(),
        source,
    };
    match &args.name {
        Some(name) => {
            let meta = find_rule(name).ok_or_else(|| {
                let names = rule_names();
                let hint = closest(name, &names).map_or_else(
                    || "`vaultc rule` lists every rule".to_owned(),
                    |c| format!("did you mean `{c}`?"),
                );
                RunError::Usage(format!("unknown rule `{name}`: {hint}"))
            })?;
            let level = level_name(meta.default_level);
            let fix = if meta.fixable {
                ", fixable with --fix"
            } else {
                ""
            };
            writeln!(
                out,
                "# {} (default: {level}{fix})\n\n{}",
                meta.name,
                meta.documentation().trim_end()
            )
            .map_err(io)?;
        }
        None => {
            for rule in RULES {
                let m = rule.meta();
                let fix = if m.fixable { " (fix)" } else { "" };
                writeln!(
                    out,
                    "{:<25} {:<6} {}{fix}",
                    m.name,
                    level_name(m.default_level),
                    m.summary()
                )
                .map_err(io)?;
            }
        }
    }
    Ok(ExitStatus::Success)
}

fn level_name(l: RuleLevel) -> &'static str {
    match l {
        RuleLevel::Off => "off",
        RuleLevel::On(crate::diagnostic::Level::Error) => "error",
        RuleLevel::On(crate::diagnostic::Level::Warning) => "warn",
        RuleLevel::On(crate::diagnostic::Level::Info) => "info",
    }
}
