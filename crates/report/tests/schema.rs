//! The committed `docs/report.schema.json` is the schema of the code, and real output validates
//! against it.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn committed_schema_matches_the_code() {
    let path = root().join("docs/report.schema.json");
    let generated = report::json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, format!("{generated}\n")).expect("write schema");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/report.schema.json exists");
    assert_eq!(
        committed.trim_end(),
        generated.trim_end(),
        "docs/report.schema.json is stale: rerun with UPDATE_SCHEMA=1 cargo test -p report --test schema"
    );
}

#[test]
fn real_output_validates() {
    let story = root().join("examples/harbour-tender");
    let report = pipeline::Options::default()
        .build()
        .expect("default options build")
        .run_paths(&[story]);
    assert!(
        !report.articles.is_empty(),
        "the example story has articles"
    );
    let json: serde_json::Value =
        serde_json::from_str(&report::render_json(&report).expect("json")).expect("parse");
    let schema: serde_json::Value =
        serde_json::from_str(&report::json_schema()).expect("schema parses");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
