//! Certainty: one statement says whether a proposition holds is unclear or unknown ("it was
//! unclear whether the agency would open its files"), another asserts the proposition
//! firmly ("the agency said it would open its files").
//!
//! It abstains unless the firm statement carries at least `certainty_share` of the
//! proposition's key terms, two of them ordinary words (not names: naming the same people is
//! not stating the same thing), and the two are not quotations of different speakers.

use std::collections::HashSet;

use model::ConflictKind;

use crate::align::features::key_of;
use crate::conflicts::{Candidate, Context, Rule};
use crate::text::{is_stopword, words};

/// The certainty rule.
#[derive(Debug, Clone, Copy)]
pub struct Certainty;

impl Rule for Certainty {
    fn name(&self) -> &'static str {
        "certainty"
    }

    fn find(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let al = cx.al;
        for (u, iu) in cx.infos.iter().enumerate() {
            if !iu.uncertain {
                continue;
            }
            let Some(w) = iu.lower.iter().position(|w| w == "whether") else {
                continue;
            };
            let text = &al.stmts[u].text;
            let ws = words(text);
            let (mut p, mut p_lower) = (HashSet::new(), HashSet::new());
            // The proposition runs to the end of its clause.
            let clause_end = text[ws[w].span.end..]
                .find([',', ';', '—'])
                .map_or(text.len(), |k| ws[w].span.end + k);
            for x in ws
                .iter()
                .skip(w + 1)
                .take_while(|x| x.span.end <= clause_end)
                .filter(|x| !is_stopword(&x.lower))
            {
                p.insert(key_of(&x.lower));
                if x.span.text(text).starts_with(char::is_lowercase) {
                    p_lower.insert(key_of(&x.lower));
                }
            }
            if p.len() < 3 {
                continue;
            }
            // The firm side is among the statement's neighbours: what is alike enough to be
            // about the same proposition.
            for &(j, sim) in &al.neighbours[u] {
                let ij = &cx.infos[j];
                if al.stmts[j].doc == al.stmts[u].doc || !ij.firm() || cx.different_speakers(u, j) {
                    continue;
                }
                let shared = p.intersection(&ij.keys).count() as f32 / p.len() as f32;
                let shared_lower = p_lower.intersection(&ij.lower_keys).count();
                if shared >= cx.tuning.certainty_share && shared_lower >= 3 {
                    out.push(Candidate {
                        a: j,
                        b: u,
                        kind: ConflictKind::Certainty,
                        explanation: "one account states it firmly; the other says whether it \
                                      holds is unclear"
                            .into(),
                        confidence: (0.4 + 0.4 * shared + 0.3 * sim).min(0.9),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conflicts::rules::run_rule;

    #[test]
    fn fixtures() {
        let cases: [(&str, &[&str]); 2] = [
            (
                "unclear_against_firm",
                &[
                    "The harbour authority reopened the northern pier to ferries on Friday.",
                    "It remained unclear whether the harbour authority would reopen the northern pier to ferries.",
                ],
            ),
            (
                "unclear_about_something_else",
                &[
                    "The harbour authority said on Friday that it would reopen the northern pier to ferries next month.",
                    "It was unclear whether the fishing cooperative would accept the new quota rules.",
                ],
            ),
        ];
        for (name, texts) in cases {
            insta::assert_debug_snapshot!(name, run_rule(&Certainty, texts));
        }
    }
}
