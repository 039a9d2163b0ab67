//! Shared by the server and browser tests: a server on an ephemeral loopback port, raw HTTP.

#![allow(dead_code, unreachable_pub)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn pipeline() -> pipeline::Pipeline {
    pipeline::Options {
        model: pipeline::ModelUse::Off,
        ..pipeline::Options::default()
    }
    .build()
    .expect("lexical pipeline builds")
}

/// Starts a server with `config` (its bind address's port replaced by an ephemeral one).
pub fn start(config: web::Config) -> SocketAddr {
    let config = web::Config {
        bind: SocketAddr::new(config.bind.ip(), 0),
        ..config
    };
    let app = config.build(pipeline(), None).expect("config is valid");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = app.serve(|addr| {
            let _ = tx.send(addr);
        });
    });
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the server listens")
}

/// A response: status, head (lower-cased), body.
pub struct Res {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Res {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one HTTP/1.1 request with `Connection: close` and reads the whole answer.
pub fn request(addr: SocketAddr, head: &str, body: &[u8]) -> Res {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let head = if head.to_lowercase().contains("\r\nhost:") {
        head.to_string()
    } else {
        head.replacen("\r\n", &format!("\r\nHost: {addr}\r\n"), 1)
    };
    let msg = format!(
        "{head}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(msg.as_bytes()).expect("write head");
    // A server that refuses early may close before the whole body is written.
    let _ = s.write_all(body);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&out[..split]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status");
    let raw = out[split + 4..].to_vec();
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(&raw)
    } else {
        raw
    };
    Res { status, head, body }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&raw[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
        raw = &raw[eol + 2 + size + 2..];
    }
    out
}

/// The articles of a folder as the API's JSON upload.
pub fn json_upload(dir: &Path) -> Vec<u8> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("story folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "html"))
        .collect();
    files.sort();
    let articles: Vec<serde_json::Value> = files
        .iter()
        .map(|p| {
            serde_json::json!({
                "name": p.file_name().map(|n| n.to_string_lossy().into_owned()),
                "content": std::fs::read_to_string(p).expect("article text"),
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "articles": articles })).expect("json")
}
