//! The conflict rules, one a file. Each has fixture texts and tests of its own beside it.

mod certainty;
mod value;

pub use certainty::Certainty;
pub use value::Values;

use super::Rule;

/// Every rule, in the order they run.
pub fn all() -> [&'static dyn Rule; 2] {
    [&Values, &Certainty]
}

/// Runs one rule over fictional articles, for the rules' tests.
#[cfg(test)]
pub(crate) fn run_rule(rule: &dyn Rule, texts: &[&str]) -> Vec<(String, String, String)> {
    use crate::conflicts::{infos, Context};
    let articles = crate::testing::articles(texts);
    let al = crate::align::align(&articles, crate::Services::default());
    let infos = infos(&al);
    let cx = Context {
        al: &al,
        infos: &infos,
        tuning: &crate::tuning::TUNING,
    };
    let mut out = Vec::new();
    rule.find(&cx, &mut out);
    out.into_iter()
        .map(|c| {
            (
                al.stmts[c.a].text.clone(),
                al.stmts[c.b].text.clone(),
                format!("{:?}: {} ({:.2})", c.kind, c.explanation, c.confidence),
            )
        })
        .collect()
}
