//! Corpus mode end to end through the binary: ingest, re-ingest, `kill -9` mid-ingest,
//! stories, and the cached story analysis.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_corroborate");

/// Words the generator builds its stories from: one topic per story, so that stories are
/// told apart by their words, as real ones are.
const TOPICS: [&[&str]; 6] = [
    &[
        "ferry",
        "harbour",
        "aground",
        "coastguard",
        "passengers",
        "hull",
        "captain",
    ],
    &[
        "council", "budget", "schools", "teachers", "salaries", "vote", "taxes",
    ],
    &[
        "storm",
        "flooding",
        "rainfall",
        "rivers",
        "evacuated",
        "levees",
        "forecast",
    ],
    &[
        "election",
        "ballots",
        "turnout",
        "candidates",
        "polling",
        "recount",
        "district",
    ],
    &[
        "factory",
        "workers",
        "strike",
        "wages",
        "union",
        "shifts",
        "management",
    ],
    &[
        "museum",
        "painting",
        "stolen",
        "gallery",
        "thieves",
        "alarm",
        "collection",
    ],
];
const FILLER: [&str; 8] = [
    "officials",
    "reported",
    "yesterday",
    "several",
    "local",
    "residents",
    "afterwards",
    "statement",
];

/// A small generated corpus: `n` articles over the topics, every fifth a wire copy of the
/// one before under another outlet's name.
fn corpus(n: usize) -> String {
    let mut out = String::new();
    let mut x: u64 = 42;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut last_text = String::new();
    for i in 0..n {
        let topic = TOPICS[i % TOPICS.len()];
        let text = if i % 5 == 4 {
            last_text.clone()
        } else {
            let mut t = String::new();
            for s in 0..6 {
                let words: Vec<&str> = (0..9)
                    .map(|k| {
                        if k % 3 == 0 {
                            FILLER[(next() % 8) as usize]
                        } else {
                            topic[(next() % topic.len() as u64) as usize]
                        }
                    })
                    .collect();
                let _ = write!(t, "Report {i} part {s} {}. ", words.join(" "));
            }
            t
        };
        last_text = text.clone();
        let rec = serde_json::json!({
            "id": format!("a{i}"),
            "outlet": format!("Outlet {}", i % 7),
            "date": format!("2024-03-{:02}", 1 + (i / 40) % 28),
            "title": format!("{} {} news {i}", topic[0], topic[1]),
            "content": text,
        });
        out.push_str(&rec.to_string());
        out.push('\n');
    }
    out
}

/// Articles between the near-copy index's bulk writes in the kill test: small, so that kills
/// also land in and between those writes (the default waits for 50,000 articles).
const INDEX_FLUSH: &str = "250";

fn ingest_command(db: &Path, input: &Path, batch: &str) -> Command {
    let mut c = Command::new(BIN);
    c.args(["ingest", "--quiet", "--index-flush", INDEX_FLUSH])
        .args(["--batch", batch, "--db"])
        .arg(db)
        .arg(input);
    c
}

fn ingest(db: &Path, input: &Path, batch: &str) -> std::process::Output {
    ingest_command(db, input, batch).output().expect("runs")
}

fn check(db: &Path) -> u64 {
    let s = Store::open(db).expect("store opens after a kill");
    assert_eq!(s.integrity_check().expect("integrity check runs"), "ok");
    let problems = s.verify_articles().expect("articles are read back");
    assert!(problems.is_empty(), "{problems:?}");
    s.counts().expect("counts are read").articles
}

#[test]
fn ingest_is_idempotent_and_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("feed.jsonl");
    let n = 3000;
    std::fs::write(&input, corpus(n)).unwrap();
    let db = dir.path().join("news.db");

    // Kill the ingest at seeded moments, many times; after each kill the store must be whole
    // and hold at least what it held before.
    let mut kills = 0;
    let mut before = 0;
    let mut x: u64 = 7;
    for _ in 0..15 {
        let mut child = ingest_command(&db, &input, "20")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawns");
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        std::thread::sleep(Duration::from_millis(30 + (x >> 33) % 400));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        let now = check(&db);
        assert!(
            now >= before,
            "a kill lost committed articles: {before} → {now}"
        );
        before = now;
    }
    eprintln!("{kills} kills; {before} of {n} articles stored before the last run");
    assert!(kills > 0, "no ingest was interrupted");

    // The interrupted ingest resumes: a full run completes the store.
    let out = ingest(&db, &input, "500");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(check(&db), n as u64);
    let s = Store::open(&db).unwrap();
    let counts = s.counts().unwrap();
    assert!(
        counts.copies >= (n / 5) as u64,
        "wire copies linked: {counts:?}"
    );
    // The interrupted runs linked the same copies as one uninterrupted run: the index rows
    // lost with each kill were rebuilt when the next run resumed.
    let whole = dir.path().join("whole.db");
    assert!(ingest(&whole, &input, "500").status.success());
    assert_eq!(
        Store::open(&whole).unwrap().counts().unwrap().copies,
        counts.copies
    );

    // Ingesting the same file again adds nothing.
    let out = ingest(&db, &input, "500");
    assert!(out.status.success());
    assert_eq!(check(&db), n as u64);
    assert_eq!(Store::open(&db).unwrap().counts().unwrap(), counts);
}

#[test]
fn stories_list_and_cached_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("feed.jsonl");
    std::fs::write(&input, corpus(60)).unwrap();
    let db = dir.path().join("news.db");
    assert!(ingest(&db, &input, "500").status.success());

    let out = Command::new(BIN)
        .args(["stories", "--format", "json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(!list.is_empty());
    let top = &list[0];
    assert!(top["size"].as_u64().unwrap() >= 2);
    assert!(
        top["independent_sources"].as_u64().unwrap()
            <= top["outlets"].as_array().unwrap().len() as u64
    );
    // One story per topic at most per window: the generator's topics do not mix.
    let id = top["id"].as_i64().unwrap().to_string();

    let run = || {
        Command::new(BIN)
            .args(["analyze", "--no-model", "--format", "json", "--db"])
            .arg(&db)
            .args(["--story", &id])
            .output()
            .unwrap()
    };
    let first = run();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(
        report["articles"].as_array().unwrap().len() as u64,
        top["size"].as_u64().unwrap()
    );
    let s = Store::open(&db).unwrap();
    assert!(s.cached_report(id.parse().unwrap()).unwrap().is_some());
    drop(s);
    let second = run();
    assert_eq!(first.stdout, second.stdout, "the cached report is served");

    let missing = Command::new(BIN)
        .args(["stories", "--db"])
        .arg(dir.path().join("none.db"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
}

#[test]
fn every_input_kind_in_one_store_and_bad_records_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    std::fs::create_dir_all(inputs.join("pages")).unwrap();
    let body = "The harbour board delayed the tender for the new quay after every bid came in \
                over the budget, and the port authority said a new call would follow in spring.";
    std::fs::write(
        inputs.join("pages/quay.txt"),
        format!("Quay tender delayed\n\n{body}\n"),
    )
    .unwrap();
    std::fs::write(
        inputs.join("pages/ferry.html"),
        "<html><head><title>Ferry aground</title></head><body><article><p>The ferry Orla ran \
         aground near Veskar on Monday and the coastguard brought all forty passengers ashore \
         within two hours.</p></article></body></html>",
    )
    .unwrap();
    std::fs::write(
        inputs.join("feed.rss"),
        "<rss><channel><title>Tollund Courier</title><item><title>Budget passed</title>\
         <description>The council approved the school budget on Monday after a long debate \
         about teacher salaries.</description></item><item><title>Empty</title></item>\
         </channel></rss>",
    )
    .unwrap();
    let html = "<html><body><article><p>Crews will resurface the quay road next week, the \
                council said, and traffic will run on one lane for ten days.</p></article></body></html>";
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{html}");
    let warc = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://post.example/road\r\n\
         WARC-Date: 2024-03-04T05:06:07Z\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
        http.len()
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, warc.as_bytes()).unwrap();
    std::fs::write(inputs.join("crawl.warc.gz"), gz.finish().unwrap()).unwrap();
    let db = dir.path().join("news.db");
    let out = Command::new(BIN)
        .args(["ingest", "--db"])
        .arg(&db)
        .arg(&inputs)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("feed.rss#2"), "the bad item is named: {err}");
    assert_eq!(Store::open(&db).unwrap().counts().unwrap().articles, 4);

    // stdin: JSON Lines with the aliases common exports use, and a broken line.
    let mut child = Command::new(BIN)
        .args(["ingest", "--db"])
        .arg(&db)
        .arg("-")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        std::io::Write::write_all(
            &mut stdin,
            b"{\"ID\":\"s1\",\"source\":\"Veskar Post\",\"date\":\"2024-03-05\",\
              \"content\":\"Forty passengers were rescued after the ferry ran aground.\"}\n\
              {not json\n",
        )
        .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-:2"));
    let s = Store::open(&db).unwrap();
    assert_eq!(s.counts().unwrap().articles, 5);
    assert!(s.verify_articles().unwrap().is_empty());
}

#[test]
fn a_missing_static_tier_is_said_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("feed.jsonl");
    std::fs::write(&input, corpus(20)).unwrap();
    let db = dir.path().join("news.db");
    let empty = dir.path().join("no-models");
    std::fs::create_dir(&empty).unwrap();
    let run = |extra: &[&str]| {
        Command::new(BIN)
            .args(["ingest", "--quiet", "--models"])
            .arg(&empty)
            .args(extra)
            .arg("--db")
            .arg(&db)
            .arg(&input)
            .output()
            .expect("runs")
    };
    let out = run(&["--require-model"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("static tier is required"));
    let out = run(&[]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("static tier not used"));
    let out = run(&["--no-model"]);
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("static tier"));
    assert_eq!(check(&db), 20);
}
