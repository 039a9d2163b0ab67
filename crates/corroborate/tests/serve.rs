//! `corroborate serve --db`: the corpus store's stories browsed over HTTP, through the binary.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_corroborate");

/// Kills the server when the test ends, passing or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One GET with `Connection: close`: status and body.
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(300)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("a whole answer");
    let (head, body) = out.split_once("\r\n\r\n").expect("a response head");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status");
    (status, body.to_string())
}

#[test]
fn serve_db_lists_stories_and_opens_their_reports() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("news.db");
    let ingest = Command::new(BIN)
        .args(["ingest", "--quiet", "--db"])
        .arg(&db)
        .arg(&examples)
        .output()
        .expect("ingest runs");
    assert!(
        ingest.status.success(),
        "{}",
        String::from_utf8_lossy(&ingest.stderr)
    );

    let mut child = Command::new(BIN)
        .args(["serve", "--no-model", "--bind", "127.0.0.1:0", "--db"])
        .arg(&db)
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .expect("the listening line");
    let addr: SocketAddr = line
        .trim()
        .rsplit("http://")
        .next()
        .and_then(|a| a.trim_end_matches('/').parse().ok())
        .unwrap_or_else(|| panic!("an address in {line:?}"));

    let (status, body) = get(addr, "/api/v1/stories");
    assert_eq!(status, 200, "{body}");
    let list: Vec<serde_json::Value> = serde_json::from_str(&body).expect("a JSON list");
    assert!(!list.is_empty());
    let largest = list
        .iter()
        .max_by_key(|s| s["articles"].as_u64())
        .expect("a story");
    assert!(largest["articles"].as_u64().unwrap() >= 2, "{list:?}");
    let id = largest["id"].as_str().expect("an id");

    let (status, page) = get(addr, "/stories");
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/stories/{id}")), "{page}");

    let (status, json) = get(addr, &format!("/api/v1/stories/{id}"));
    assert_eq!(status, 200, "{json}");
    let report: model::StoryReport = serde_json::from_str(&json).expect("the report schema");
    assert_eq!(
        report.articles.len() as u64,
        largest["articles"].as_u64().unwrap()
    );
    let (status, html) = get(addr, &format!("/stories/{id}"));
    assert_eq!(status, 200);
    assert!(html.contains("<table class=\"matrix\">"));

    assert_eq!(get(addr, "/api/v1/stories/999999").0, 404);
    assert_eq!(get(addr, "/stories/not-a-number").0, 404);
    drop(server);
}
