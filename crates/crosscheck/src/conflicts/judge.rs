//! A rule-based [`Judge`]: word overlap for relatedness, then polarity and antonym classes for
//! the verdict. It abstains (high `neutral`) on pairs that share little.

use std::collections::HashSet;

use model::{Judge, Judgement, ServiceError};

use super::lexicon;
use crate::align::features::key_of;
use crate::text::{is_stopword, words};

/// Judges sentence pairs with the polarity and antonym rules of this crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct RuleJudge;

/// Below this overlap two sentences are about different things: neutral.
const RELATED: f32 = 0.35;

impl RuleJudge {
    /// One judgement, for one pair.
    pub fn judge_one(premise: &str, hypothesis: &str) -> Judgement {
        let (lp, lh) = (lower(premise), lower(hypothesis));
        let keys = |l: &[String]| -> HashSet<String> {
            l.iter()
                .filter(|w| !is_stopword(w))
                .map(|w| key_of(w))
                .collect()
        };
        let (kp, kh) = (keys(&lp), keys(&lh));
        let smaller = kp.len().min(kh.len()).max(1) as f32;
        let overlap = kp.intersection(&kh).count() as f32 / smaller;
        if overlap < RELATED {
            return Judgement {
                entails: 0.1,
                neutral: 0.85,
                contradicts: 0.05,
            };
        }
        let flipped = lexicon::affirmative(&lp) != lexicon::affirmative(&lh);
        let lex = lexicon::lexicon();
        let (cp, ch) = (lexicon::classes(&lp), lexicon::classes(&lh));
        let antonym = cp.iter().any(|&x| {
            ch.iter().any(|&y| {
                let (a, b) = (&lex.antonyms[x], &lex.antonyms[y]);
                a.slot == b.slot && a.class != b.class && !cp.contains(&y) && !ch.contains(&x)
            })
        });
        // Different figures for one claim ("some 60 jobs", "about 40 jobs") cannot both hold.
        let figures = |l: &[String]| -> HashSet<String> {
            l.iter()
                .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
                .cloned()
                .collect()
        };
        let (fp, fh) = (figures(&lp), figures(&lh));
        let other_figures = !fp.is_empty() && !fh.is_empty() && fp.is_disjoint(&fh);
        let c = if (flipped ^ antonym) || other_figures {
            (0.5 + 0.45 * overlap).min(0.95)
        } else {
            0.05
        };
        let e = if c > 0.5 {
            0.05
        } else {
            (0.3 + 0.6 * overlap).min(0.9)
        };
        let n = (1.0 - c - e).max(0.0);
        Judgement {
            entails: e,
            neutral: n,
            contradicts: c,
        }
    }
}

fn lower(t: &str) -> Vec<String> {
    words(t).into_iter().map(|w| w.lower).collect()
}

impl Judge for RuleJudge {
    fn name(&self) -> &str {
        "rules"
    }

    fn judge(&self, pairs: &[(&str, &str)]) -> Result<Vec<Judgement>, ServiceError> {
        Ok(pairs.iter().map(|(p, h)| Self::judge_one(p, h)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_figures_contradict() {
        let c = RuleJudge::judge_one(
            "The union says some 60 jobs depend on the contract.",
            "The union says about 40 jobs depend on the contract.",
        );
        assert!(c.contradicts > 0.5 && c.entails < 0.5, "{c:?}");
    }

    #[test]
    fn polarity_and_antonyms() {
        let j = |a: &str, b: &str| RuleJudge::judge_one(a, b);
        let c = j(
            "The mayor has no greater priority than the safety of pupils in all schools.",
            "The mayor does not prioritize the safety of pupils in all schools.",
        );
        assert!(c.contradicts > 0.5, "{c:?}");
        let e = j(
            "The mayor has no greater priority than the safety of pupils.",
            "The mayor prioritizes the safety of pupils.",
        );
        assert!(e.entails > 0.5, "{e:?}");
        let v = j(
            "The closure of the bridge is temporary.",
            "The closure of the bridge is indefinite.",
        );
        assert!(v.contradicts > 0.5, "{v:?}");
        let n = j(
            "Wheat prices rose in spring.",
            "The bridge reopened on Friday.",
        );
        assert!(n.neutral > 0.5, "{n:?}");
        let d = j(
            "The minister refused to deny the report.",
            "The minister confirmed the report.",
        );
        assert!(d.contradicts < 0.5, "{d:?}");
    }
}
