//! The binary end to end: bad inputs become diagnostics, good ones a report; exit codes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn corroborate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(args)
        .env("CORROBORATE_MODELS", "/nonexistent-model-dir")
        .output()
        .expect("the binary runs")
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/harbour-tender")
        .display()
        .to_string()
}

#[test]
fn bad_inputs_are_diagnostics_and_the_run_goes_on() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    fs::write(d.join("empty.txt"), b"").unwrap();
    fs::write(d.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    fs::write(
        d.join("latin1.txt"),
        b"Caf\xe9 owners met the council on Monday to discuss the new rules for the market square.\n",
    )
    .unwrap();
    // A 50 MB page, over the 16 MiB input cap.
    let big = fs::File::create(d.join("huge.html")).unwrap();
    big.set_len(50 << 20).unwrap();
    fs::write(
        d.join("good.txt"),
        "Tram line opens\n\nThe new tram line opened on Saturday after four years of building work, the city said.\n",
    )
    .unwrap();
    let dangling = d.join("gone.txt");
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.join("missing-target"), &dangling).unwrap();

    let out = corroborate(&[
        "analyze",
        "--format",
        "json",
        &d.display().to_string(),
        &dangling.display().to_string(),
    ]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let ids: Vec<&str> = report["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["document"]["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"good") && ids.contains(&"latin1"), "{ids:?}");
    let diags: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["source"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    let has = |file: &str, what: &str| diags.iter().any(|x| x.contains(file) && x.contains(what));
    assert!(has("empty.txt", "empty"), "{diags:#?}");
    assert!(has("binary.txt", "binary"), "{diags:#?}");
    assert!(has("latin1.txt", "invalid UTF-8"), "{diags:#?}");
    assert!(has("huge.html", "limit"), "{diags:#?}");
    assert!(has("gone.txt", "cannot"), "{diags:#?}");
}

#[test]
fn nothing_readable_exits_1_and_bad_usage_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("empty.txt"), b"").unwrap();
    let out = corroborate(&["analyze", &dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article could be analysed"));
    assert_eq!(corroborate(&["analyze"]).status.code(), Some(2));
    assert_eq!(corroborate(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn stdin_and_markdown() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_corroborate"))
        .args(["analyze", "-", "--format", "md"])
        .env("CORROBORATE_MODELS", "/nonexistent-model-dir")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"id":"s1","outlet":"Tram Times","text":"The tram line opened on <b>Saturday</b>, the city said."}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("# corroborate report") && md.contains("Tram Times"),
        "{md}"
    );
    assert!(!md.contains("<b>"), "markup must not pass through");
}

#[test]
fn example_story_report() {
    let out = corroborate(&["analyze", "--format", "json", &example()]);
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schema_version"], "1.0");
    assert_eq!(report["articles"].as_array().unwrap().len(), 5);
}

#[test]
fn a_judge_is_chosen_by_name_and_a_missing_one_is_an_error() {
    let ex = example();
    let out = corroborate(&["analyze", &ex, "--judge", "rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert!(report["findings"]["conflicts"]
        .as_array()
        .is_some_and(|c| !c.is_empty()));
    let out = corroborate(&["analyze", &ex, "--judge", "/nonexistent-judge"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nonexistent-judge"));
}
