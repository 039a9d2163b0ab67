//! Lists, item by item, what became of the gold quotations and credited sources of every story
//! folder under some roots (wrong speakers, missed quotations, quotes reported beyond the gold,
//! sources missed and reported beyond the gold), one tab-separated line each, after the summed
//! counts: the material for judging a speaker rule on a whole set rather than one example.
//!
//! `cargo run --release -p eval --bin quote-items -- ../shared/data/polnear > items.tsv`
//!
//! Runs without the sentence model: speakers and credited sources do not use it.

use std::path::PathBuf;
use std::process::ExitCode;

use eval::story::Verdict;

fn main() -> ExitCode {
    let roots: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: quote-items ROOT...");
        return ExitCode::from(2);
    }
    let dirs = match eval::stories::story_dirs(&roots) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("quote-items: {e}");
            return ExitCode::FAILURE;
        }
    };
    let pipeline = match (pipeline::Options {
        model: pipeline::ModelUse::Off,
        ..pipeline::Options::default()
    })
    .build()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("quote-items: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (mut total, mut found, mut right, mut reported) = (0, 0, 0, 0);
    let (mut a_total, mut a_found, mut a_reported) = (0, 0, 0);
    let mut lines = Vec::new();
    for dir in &dirs {
        let story = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let (score, _) = match eval::story::run_story_with(&pipeline, dir) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("quote-items: {story}: {e}");
                continue;
            }
        };
        if let Some(q) = score.quotes {
            total += q.total;
            found += q.found;
            right += q.speaker_right;
            reported += q.reported;
        }
        if let Some(a) = score.attributions {
            a_total += a.total;
            a_found += a.found;
            a_reported += a.reported;
        }
        let details = &score.details;
        for (what, items) in [
            ("quote", &details.quotes),
            ("source", &details.attributions),
        ] {
            for o in items.iter().filter(|o| o.verdict != Verdict::Hit) {
                let message = o.message.replace(['\t', '\n'], " ");
                lines.push(format!(
                    "{what}\t{:?}\t{story}\t{}\t{message}",
                    o.verdict, o.item
                ));
            }
        }
    }
    println!(
        "# stories {}; quotes {found}/{total} found, speaker right {right}, reported {reported}; \
         sources {a_found}/{a_total} found, reported {a_reported}",
        dirs.len()
    );
    for l in lines {
        println!("{l}");
    }
    ExitCode::SUCCESS
}
