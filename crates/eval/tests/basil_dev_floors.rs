//! The engine on the 53 real stories of `../shared/stories/basil-dev`, micro-summed, must stay
//! at or above committed floors and at or below committed ceilings on false alarms. These are the
//! figures that say whether a change helps on news in general, not on one story. Skips, with a
//! printed reason, when the folder is absent. Writes nothing.
//!
//! Floors hold with and without the model (the lower of the two runs, measured), so the test
//! passes wherever the weights are or are not installed. Raise them when the engine improves.

use std::path::PathBuf;

use eval::stories::{render_markdown, run_stories, story_dirs};

/// (category, measure, floor) of the summed score.
const FLOORS: &[(&str, &str, u64)] = &[
    ("facts", "found", 160),
    ("facts", "supports_grouped", 470),
    // Measured 2 of 23, with and without the model.
    ("contradictions", "found", 2),
    ("quotes", "found", 265),
    // Measured 204 of 271 (no model; the model does not change it), issue 11 fourth session
    // (203 before a pronoun preferred a person of its own paragraph).
    ("quotes", "speaker_right", 204),
    // Measured 415 of 594 without the model (quotations labelled whole; 418 before the
    // rebase onto main's speaker changes).
    ("renderings", "right", 425),
];

/// (category, measure, ceiling) of the summed score.
const CEILINGS: &[(&str, &str, u64)] = &[
    // Measured 3 of 5 reported, with and without the model (8 of 10 before a year on one
    // side only stopped value clashes).
    ("contradictions", "false_alarms", 3),
    // Calling a quotation inverted is an accusation: no label the gold does not hold.
    ("renderings", "inverted_reported", 0),
    ("framing", "reported", 60),
];

#[test]
fn basil_dev_stays_above_its_floors() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/stories/basil-dev");
    if !root.is_dir() {
        eprintln!("SKIP: {} is absent", root.display());
        return;
    }
    let dirs = story_dirs(std::slice::from_ref(&root)).expect("the story folders are listed");
    assert!(dirs.len() >= 50, "basil-dev holds {} stories", dirs.len());
    let pipeline = pipeline::Options::default()
        .build()
        .expect("the default pipeline builds");
    let score = run_stories(&pipeline, &dirs, &mut |_| {});
    assert!(score.failed.is_empty(), "failed: {:?}", score.failed);
    let json = serde_json::to_value(&score.total).expect("a score serialises");
    let get = |c: &str, m: &str| {
        json[c][m]
            .as_u64()
            .unwrap_or_else(|| panic!("{c}.{m} missing from the total"))
    };
    let mut failures = Vec::new();
    for &(c, m, floor) in FLOORS {
        if get(c, m) < floor {
            failures.push(format!("{c}.{m} = {}, floor {floor}", get(c, m)));
        }
    }
    for &(c, m, ceiling) in CEILINGS {
        if get(c, m) > ceiling {
            failures.push(format!("{c}.{m} = {}, ceiling {ceiling}", get(c, m)));
        }
    }
    assert!(
        failures.is_empty(),
        "basil-dev fell below its floors:\n{}\n\n{}",
        failures.join("\n"),
        render_markdown("basil-dev", "", &score)
    );
    eprintln!("basil-dev total: {json}");
}
