//! Snapshot of the layout roles the ingest stage gives every line of our example stories
//! (`examples/*/*.txt`, fictional, ours). One snapshot per story; review changes with
//! `cargo insta review`.

use std::fmt::Write;
use std::path::Path;

use ingest::{ingest_paths, Limits};

fn layout_of(story: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(story);
    let ingested = ingest_paths(&[dir], &Limits::default());
    let mut out = String::new();
    for d in &ingested.documents {
        let _ = writeln!(
            out,
            "== {} (outlet: {} from {:?})",
            d.id, d.outlet.name, d.outlet.source
        );
        for b in &d.blocks {
            let text = b.span.text(&d.text);
            let short: String = text.chars().take(70).collect();
            let _ = writeln!(
                out,
                "{:<11} {}",
                format!("{:?}", b.kind).to_lowercase(),
                short
            );
        }
    }
    for diag in &ingested.diagnostics {
        let name = Path::new(&diag.source)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("");
        let _ = writeln!(
            out,
            "diagnostic {:?}: {}: {}",
            diag.severity, name, diag.message
        );
    }
    out
}

#[test]
fn harbour_tender_layout() {
    insta::assert_snapshot!(layout_of("harbour-tender"));
}

#[test]
fn quiet_harvest_layout() {
    insta::assert_snapshot!(layout_of("quiet-harvest"));
}
