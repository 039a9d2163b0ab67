//! The extraction benchmark on the shared data: skips, with a printed reason, when the
//! shared folder (beside the workspace) is absent.

use std::path::PathBuf;

use eval::extraction::{load_bodies, run, score_predictions};

fn bench_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/article-extraction-benchmark");
    if dir.join("ground-truth.json").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: {} is absent (the shared data folder is not beside the workspace)",
            dir.display()
        );
        None
    }
}

#[test]
fn reproduces_published_figures_from_outputs() -> Result<(), eval::extraction::EvalError> {
    let Some(dir) = bench_dir() else {
        return Ok(());
    };
    let truth = load_bodies(&dir.join("ground-truth.json"))?;
    assert_eq!(truth.len(), 181);
    for (file, expected) in [
        ("trafilatura.json", 0.958),
        ("readability_js.json", 0.947),
        ("dom_smoothie.json", 0.865),
        ("html-text.json", 0.665),
    ] {
        let predictions = load_bodies(&dir.join("output").join(file))?;
        let s = score_predictions(&truth, &predictions);
        assert!(
            (s.f1 - expected).abs() <= 0.001,
            "{file}: F1 {:.4} (P {:.4}, R {:.4}), published {expected}",
            s.f1,
            s.precision,
            s.recall
        );
    }
    Ok(())
}

#[test]
fn our_extractor_meets_the_floor() -> Result<(), eval::extraction::EvalError> {
    let Some(dir) = bench_dir() else {
        return Ok(());
    };
    let report = run(&dir)?;
    eprintln!(
        "our extractor: F1 {:.4}, P {:.4}, R {:.4}, {:.0} pages/s",
        report.f1, report.precision, report.recall, report.pages_per_s
    );
    assert_eq!(report.pages, 181);
    assert!(
        report.f1 >= 0.95,
        "F1 {:.4} below the 0.95 floor",
        report.f1
    );
    Ok(())
}
