//! The web app over real TCP: reports in, guards on.

mod common;

use common::{json_upload, request, root, start};

#[test]
fn upload_then_read_the_report() {
    let addr = start(web::Config::default());
    let body = json_upload(&root().join("examples/harbour-tender"));
    let res = request(
        addr,
        "POST /api/v1/analyze HTTP/1.1\r\nContent-Type: application/json\r\n",
        &body,
    );
    assert_eq!(res.status, 200, "{}", res.text());
    let report: model::StoryReport = serde_json::from_slice(&res.body).expect("report schema");
    assert_eq!(report.articles.len(), 5);
    assert!(!report.findings.facts.is_empty());
    let location = res
        .head
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .expect("a Location header")
        .to_string();
    let id = location.rsplit('/').next().expect("an id");

    let json = request(addr, &format!("GET {location} HTTP/1.1\r\n"), b"");
    assert_eq!(json.body, res.body);
    let html = request(addr, &format!("GET /reports/{id} HTTP/1.1\r\n"), b"");
    assert_eq!(html.status, 200);
    assert!(html
        .head
        .contains("content-security-policy: default-src 'none'"));
    assert!(html.head.contains("x-content-type-options: nosniff"));
    assert!(html.text().contains("<table class=\"matrix\">"));

    // A raw body: the name's extension picks the format.
    let one = std::fs::read(root().join("examples/harbour-tender/01_elsmere-courier.txt"))
        .expect("article");
    let res = request(addr, "POST /api/v1/analyze?name=a.txt HTTP/1.1\r\n", &one);
    assert_eq!(res.status, 200, "{}", res.text());

    let missing = request(addr, "GET /api/v1/reports/0000 HTTP/1.1\r\n", b"");
    assert_eq!(missing.status, 404);
    let no_store = request(addr, "GET /api/v1/stories HTTP/1.1\r\n", b"");
    assert_eq!(no_store.status, 404);
    assert!(no_store.text().contains("--db"));
}

#[test]
fn the_form_uploads_files_and_pasted_text() {
    let addr = start(web::Config::default());
    let index = request(addr, "GET / HTTP/1.1\r\n", b"");
    assert_eq!(index.status, 200);
    assert!(index.text().contains("multipart/form-data"));
    let article = std::fs::read(root().join("examples/quiet-harvest/01_ambervale-herald.txt"))
        .expect("article");
    let mut body = Vec::new();
    body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n");
    body.extend_from_slice(&article);
    body.extend_from_slice(b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n");
    body.extend_from_slice(&article);
    body.extend_from_slice(
        b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n--XyZ--\r\n",
    );
    let res = request(
        addr,
        "POST /analyze HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n",
        &body,
    );
    assert_eq!(res.status, 303, "{}", res.text());
    let location = res
        .head
        .lines()
        .find_map(|l| l.strip_prefix("location: "))
        .expect("a redirect")
        .to_string();
    let page = request(addr, &format!("GET {location} HTTP/1.1\r\n"), b"");
    assert_eq!(page.status, 200);
    assert!(
        page.text().contains("2 articles"),
        "both the file and the pasted text"
    );
}

#[test]
fn guards_refuse_what_they_should() {
    let addr = start(web::Config {
        max_body_bytes: 64 << 10,
        ..web::Config::default()
    });
    let big = vec![b'a'; 100 << 10];
    let res = request(addr, "POST /api/v1/analyze?name=a.txt HTTP/1.1\r\n", &big);
    assert_eq!(res.status, 413, "oversize body");
    let rebinding = request(addr, "GET / HTTP/1.1\r\nHost: attacker.example\r\n", b"");
    assert_eq!(
        rebinding.status, 421,
        "a non-loopback Host on a loopback server"
    );
    let csrf = request(
        addr,
        "POST /api/v1/analyze?name=a.txt HTTP/1.1\r\nOrigin: http://attacker.example\r\n",
        b"Some text of an article.",
    );
    assert_eq!(csrf.status, 403, "a cross-site post");
    let bad = request(
        addr,
        "POST /api/v1/analyze HTTP/1.1\r\nContent-Type: application/json\r\n",
        b"{\"articles\": 3}",
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn a_token_server_wants_its_token() {
    let token = "a-long-enough-secret-token";
    let addr = start(web::Config {
        token: Some(token.into()),
        ..web::Config::default()
    });
    assert_eq!(request(addr, "GET / HTTP/1.1\r\n", b"").status, 401);
    let wrong = request(
        addr,
        "GET / HTTP/1.1\r\nAuthorization: Bearer a-long-enough-secret-tokeN\r\n",
        b"",
    );
    assert_eq!(wrong.status, 401);
    let right = request(
        addr,
        &format!("GET / HTTP/1.1\r\nAuthorization: Bearer {token}\r\n"),
        b"",
    );
    assert_eq!(right.status, 200);
    let browser = request(addr, &format!("GET /?token={token} HTTP/1.1\r\n"), b"");
    assert_eq!(browser.status, 200);
    assert!(browser.head.contains("set-cookie: corroborate_token="));
    let cookie = request(
        addr,
        &format!("GET / HTTP/1.1\r\nCookie: corroborate_token={token}\r\n"),
        b"",
    );
    assert_eq!(cookie.status, 200);
}

#[test]
fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let addr = start(web::Config {
        header_timeout: std::time::Duration::from_secs(1),
        ..web::Config::default()
    });
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    // Far longer than the header timeout: the read ends because the server closed.
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .expect("timeout");
    std::io::Write::write_all(&mut s, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .expect("write part of a head");
    let mut out = Vec::new();
    let read = std::io::Read::read_to_end(&mut s, &mut out);
    assert!(read.is_ok(), "the server closed the connection: {read:?}");
    // Nothing was served for the unfinished request (hyper may say 408 first).
    let text = String::from_utf8_lossy(&out);
    assert!(out.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
    // The server still answers others.
    assert_eq!(request(addr, "GET / HTTP/1.1\r\n", b"").status, 200);
}
