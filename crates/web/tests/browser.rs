//! The HTML report in a real browser: headless Chromium, driven over the DevTools protocol,
//! loads the report of each example story and of a hostile story, and of the web app.
//! Checks: no console error or exception; no script of the input runs, no element of the
//! input is live (no image, no event-handler attribute, no `javascript:` link); the page is no
//! wider than the window; a matrix cell, clicked, scrolls its sentence into view inside its
//! article; the sentence's back-link, clicked, scrolls to its finding; arrow keys move between
//! matrix cells and Enter follows the cell's link; a finding's place link scrolls to the place.
//! Skips, saying why, where Chromium is missing.

mod common;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use ws::WebSocket;

/// The little of WebSocket (RFC 6455) a DevTools client needs: the handshake, masked text
/// frames out, text frames in (fragmented or not). A dependency for this would cost CI more.
mod ws {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;

    pub(crate) struct WebSocket {
        reader: BufReader<TcpStream>,
        writer: TcpStream,
    }

    impl WebSocket {
        pub(crate) fn connect(stream: TcpStream, host: &str, path: &str) -> std::io::Result<Self> {
            let mut writer = stream.try_clone()?;
            write!(
                writer,
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            )?;
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line)?;
            if !line.contains(" 101 ") {
                return Err(std::io::Error::other(format!("no upgrade: {line}")));
            }
            while line != "\r\n" {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Err(std::io::Error::other("closed during the handshake"));
                }
            }
            Ok(Self { reader, writer })
        }

        pub(crate) fn send(&mut self, text: &str) -> std::io::Result<()> {
            let len = text.len();
            let mut frame = vec![0x81u8];
            // Client frames are masked; a zero mask leaves the payload as it is.
            if len < 126 {
                frame.push(0x80 | len as u8);
            } else if len < 1 << 16 {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(len as u16).to_be_bytes());
            } else {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(len as u64).to_be_bytes());
            }
            frame.extend_from_slice(&[0, 0, 0, 0]);
            frame.extend_from_slice(text.as_bytes());
            self.writer.write_all(&frame)
        }

        /// The next text message; control frames are skipped.
        pub(crate) fn read(&mut self) -> std::io::Result<String> {
            let mut message = Vec::new();
            loop {
                let mut head = [0u8; 2];
                self.reader.read_exact(&mut head)?;
                let (fin, opcode) = (head[0] & 0x80 != 0, head[0] & 0x0f);
                let len = match head[1] & 0x7f {
                    126 => {
                        let mut b = [0u8; 2];
                        self.reader.read_exact(&mut b)?;
                        u64::from(u16::from_be_bytes(b))
                    }
                    127 => {
                        let mut b = [0u8; 8];
                        self.reader.read_exact(&mut b)?;
                        u64::from_be_bytes(b)
                    }
                    n => u64::from(n),
                };
                let mut payload = vec![0u8; usize::try_from(len).unwrap_or(usize::MAX)];
                self.reader.read_exact(&mut payload)?;
                match opcode {
                    0x8 => return Err(std::io::Error::other("closed by chromium")),
                    0x0..=0x2 => message.extend_from_slice(&payload),
                    _ => continue,
                }
                if fin {
                    return String::from_utf8(message).map_err(std::io::Error::other);
                }
            }
        }
    }
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// A headless Chromium and one page of it, over the browser's DevTools WebSocket.
struct Browser {
    child: Child,
    ws: WebSocket,
    session: String,
    next_id: u64,
    events: Vec<Value>,
    /// Page scripts are off: an awaited promise of the page would never settle.
    scripts_off: bool,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(exe: &Path) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        // Chromium writes its port and browser path once it listens.
        let port_file = profile.path().join("DevToolsActivePort");
        let start = Instant::now();
        let (port, path) = loop {
            if let Ok(s) = std::fs::read_to_string(&port_file) {
                let mut lines = s.lines();
                if let (Some(p), Some(path)) = (lines.next(), lines.next()) {
                    break (p.to_string(), path.to_string());
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "chromium did not open its DevTools port"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("devtools port");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let ws = WebSocket::connect(stream, &format!("127.0.0.1:{port}"), &path)
            .expect("devtools websocket");
        let mut b = Browser {
            child,
            ws,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
            scripts_off: false,
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = target["targetId"].as_str().expect("target id").to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        );
        b.session = attached["sessionId"].as_str().expect("session").to_string();
        for m in ["Page.enable", "Runtime.enable", "Log.enable"] {
            b.call(m, json!({}));
        }
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
        );
        b
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.ws.send(&msg.to_string()).expect("send to chromium");
        loop {
            let v = self.read();
            if v["id"].as_u64() == Some(id) {
                assert!(v.get("error").is_none(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
        }
    }

    fn read(&mut self) -> Value {
        let text = self.ws.read().expect("read from chromium");
        let v: Value = serde_json::from_str(&text).expect("CDP JSON");
        if v.get("method").is_some() {
            self.events.push(v.clone());
        }
        v
    }

    /// Navigates and waits for the load event.
    fn open(&mut self, url: &str) {
        self.events.clear();
        self.call("Page.navigate", json!({ "url": url }));
        let start = Instant::now();
        while !self
            .events
            .iter()
            .any(|e| e["method"] == "Page.loadEventFired")
        {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{url} did not load"
            );
            self.read();
        }
    }

    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expr, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(r.get("exceptionDetails").is_none(), "{expr}: {r}");
        r["result"]["value"].clone()
    }

    /// Clicks the element `selector` with the mouse, as a person would.
    fn click(&mut self, selector: &str) {
        let at = self.eval(&format!(
            "(() => {{ const e = document.querySelector({sel}); e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.x + Math.min(r.width, 8) / 2 + 1, r.y + r.height / 2]; }})()",
            sel = json!(selector)
        ));
        let (x, y) = (at[0].as_f64().expect("x"), at[1].as_f64().expect("y"));
        for t in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": t, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
        self.settle();
    }

    fn key(&mut self, key: &str, code: u32) {
        for t in ["rawKeyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": t, "key": key, "code": key, "windowsVirtualKeyCode": code }),
            );
        }
        self.settle();
    }

    /// Lets a fragment navigation scroll before looking.
    fn settle(&mut self) {
        if self.scripts_off {
            // Fragment navigation scrolls during the click; reading a box flushes layout.
            self.eval("document.documentElement.getBoundingClientRect().top");
            return;
        }
        self.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
    }

    /// True when the element with this id is within the window and within every scrolling
    /// box around it.
    fn in_view(&mut self, id: &str) -> bool {
        self.eval(&format!(
            "(() => {{ const e = document.getElementById({id}); if (!e) return false; const r = e.getBoundingClientRect(); if (r.bottom < 0 || r.top > innerHeight) return false; for (let p = e.parentElement; p; p = p.parentElement) {{ if (p.scrollHeight > p.clientHeight && getComputedStyle(p).overflowY !== 'visible') {{ const b = p.getBoundingClientRect(); if (r.bottom < b.top || r.top > b.bottom) return false; }} }} return true; }})()",
            id = json!(id)
        ))
        .as_bool()
            == Some(true)
    }

    fn hash(&mut self) -> String {
        self.eval("location.hash.slice(1)")
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Console errors, exceptions and error log entries since the page was opened.
    fn errors(&mut self) -> Vec<String> {
        self.settle();
        self.events
            .iter()
            .filter(|e| {
                let m = e["method"].as_str().unwrap_or("");
                m == "Runtime.exceptionThrown"
                    || (m == "Runtime.consoleAPICalled" && e["params"]["type"] == "error")
                    || (m == "Log.entryAdded" && e["params"]["entry"]["level"] == "error")
            })
            .map(|e| e["params"].to_string())
            .collect()
    }
}

/// The checks every report page must pass. Returns what was checked, for the test's output.
fn check_report(b: &mut Browser, url: &str, name: &str) -> Vec<String> {
    let mut done = Vec::new();
    b.open(url);
    let errors = b.errors();
    assert!(errors.is_empty(), "{name}: console errors: {errors:#?}");
    done.push("no console error".to_string());

    let live = b.eval(
        "(() => { let on = 0; for (const e of document.querySelectorAll('*')) for (const a of e.attributes) if (a.name.startsWith('on')) on++; return { pwned: typeof window.__pwned, scripts: document.scripts.length, images: document.images.length, iframes: document.querySelectorAll('iframe,object,embed,form,input').length, on, js: document.querySelectorAll('a[href^=\"javascript:\" i]').length }; })()",
    );
    assert_eq!(
        live,
        json!({ "pwned": "undefined", "scripts": 1, "images": 0, "iframes": 0, "on": 0, "js": 0 }),
        "{name}: something of the input is live"
    );
    done.push("no script, image, handler or javascript: link of the input".to_string());
    let wide = b.eval("document.documentElement.scrollWidth - innerWidth");
    assert!(
        wide.as_f64().unwrap_or(1.0) <= 0.0,
        "{name}: the page is {wide}px too wide"
    );
    done.push("no wider than the window".to_string());

    let has_cell = b.eval("!!document.querySelector('td.cell.st a')");
    if has_cell == json!(true) {
        let target = b
            .eval("document.querySelector('td.cell.st a').getAttribute('href').slice(1)")
            .as_str()
            .expect("a cell link")
            .to_string();
        b.click("td.cell.st a");
        assert_eq!(b.hash(), target, "{name}: the matrix cell navigates");
        assert!(b.in_view(&target), "{name}: the cell's sentence is in view");
        done.push("matrix cell click scrolls to the sentence in its article".to_string());

        let back = b
            .eval(&format!(
                "document.getElementById({}).querySelector('a.back').getAttribute('href').slice(1)",
                json!(target)
            ))
            .as_str()
            .expect("a back link")
            .to_string();
        b.click(&format!("#{target} a.back"));
        assert_eq!(b.hash(), back, "{name}: the back-link navigates");
        assert!(b.in_view(&back), "{name}: the finding is in view");
        done.push("back-link click scrolls to the finding".to_string());

        // Keyboard: focus the first cell, move right then down, follow with Enter.
        b.eval("document.querySelector('td.cell').focus()");
        let cols = b.eval(
            "document.querySelector('table.matrix tbody tr').querySelectorAll('td.cell').length",
        );
        let rows = b.eval("document.querySelectorAll('table.matrix tbody tr').length");
        let want_col = if cols.as_u64() > Some(1) { 1 } else { 0 };
        let want_row = if rows.as_u64() > Some(1) { 1 } else { 0 };
        b.key("ArrowRight", 39);
        b.key("ArrowDown", 40);
        let at = b.eval("(() => { const td = document.activeElement; return [td.parentElement.sectionRowIndex, Array.prototype.indexOf.call(td.parentElement.querySelectorAll('td.cell'), td)]; })()");
        assert_eq!(
            at,
            json!([want_row, want_col]),
            "{name}: arrow keys move the focus"
        );
        let link = b.eval("(() => { const a = document.activeElement.querySelector('a'); return a ? a.getAttribute('href').slice(1) : ''; })()");
        if let Some(link) = link.as_str().filter(|l| !l.is_empty()) {
            let link = link.to_string();
            b.key("Enter", 13);
            assert_eq!(b.hash(), link, "{name}: Enter follows the cell's link");
            assert!(b.in_view(&link), "{name}: Enter's target is in view");
        }
        done.push("arrow keys move between cells; Enter follows".to_string());
    }
    let has_loc = b.eval("!!document.querySelector('#conflicts a.loc, #quotes a.loc')");
    if has_loc == json!(true) {
        let target = b
            .eval("document.querySelector('#conflicts a.loc, #quotes a.loc').getAttribute('href').slice(1)")
            .as_str()
            .expect("a place link")
            .to_string();
        b.click("#conflicts a.loc, #quotes a.loc");
        assert!(
            b.in_view(&target),
            "{name}: a finding's place link scrolls to it"
        );
        done.push("a conflict's or quotation's place link scrolls to it".to_string());
    }
    let errors = b.errors();
    assert!(
        errors.is_empty(),
        "{name}: console errors after clicking: {errors:#?}"
    );
    done
}

/// The page without JavaScript: the matrix is there and its links still lead to the places.
fn check_without_script(b: &mut Browser, url: &str, name: &str) -> Vec<String> {
    let mut done = Vec::new();
    b.call(
        "Emulation.setScriptExecutionDisabled",
        json!({ "value": true }),
    );
    b.scripts_off = true;
    b.open(url);
    // Our script gives every matrix cell a tabindex; without it none has one.
    let state = b.eval("[document.querySelectorAll('td.cell[tabindex]').length, document.querySelectorAll('table.matrix td.cell').length, !!document.querySelector('#summary'), !!document.querySelector('#articles mark')]");
    assert_eq!(state[0], json!(0), "{name}: scripts were not disabled");
    assert_eq!(state[2], json!(true), "{name}: no summary without script");
    if state[1].as_u64() > Some(0) {
        done.push("without JavaScript: summary and matrix shown".to_string());
    }
    if b.eval("!!document.querySelector('td.cell.st a')") == json!(true) {
        let target = b
            .eval("document.querySelector('td.cell.st a').getAttribute('href').slice(1)")
            .as_str()
            .expect("a cell link")
            .to_string();
        b.click("td.cell.st a");
        assert_eq!(
            b.hash(),
            target,
            "{name}: without script, the cell navigates"
        );
        assert!(
            b.in_view(&target),
            "{name}: without script, the sentence is in view"
        );
        assert_eq!(state[3], json!(true), "{name}: highlighted places");
        done.push("without JavaScript: a matrix cell click scrolls to its sentence".to_string());
    }
    b.call(
        "Emulation.setScriptExecutionDisabled",
        json!({ "value": false }),
    );
    b.scripts_off = false;
    done
}

/// A story whose articles attack the page: markup, handlers, script ends, `javascript:` URLs,
/// bidi overrides, a 1 MB line.
fn hostile_story(dir: &Path) {
    let payload = "</script><script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\"> <a href=\"javascript:window.__pwned=3\">x</a> <style>body{display:none}</style> \u{202E}gnp.exe\u{202C} <!-- --> ]]> {{7*7}} ${7*7}";
    let a = format!(
        "Council approves harbour budget {payload}\n\nThe city council approved the harbour budget of 40 million on Tuesday, the mayor said. {payload}\n\nThe vote was 7 to 2, officials said.\n\n\"We will build the new pier next year {payload}\", the mayor said.\n"
    );
    let b = format!(
        "Harbour budget passes\n\nThe city council approved the harbour budget of 45 million on Tuesday, the mayor said.\n\nThe vote was 7 to 2, officials said. {payload}\n\n\"We will build the new pier next year\", the mayor said.\n\n{}\n",
        "x\u{202E}".repeat(1 << 19)
    );
    let page = format!(
        "<!DOCTYPE html><html><head><title>{payload}</title><meta property=\"og:site_name\" content=\"&lt;script&gt;window.__pwned=4&lt;/script&gt;\"><link rel=\"canonical\" href=\"javascript:window.__pwned=5\"></head><body><article><h1>Harbour budget approved</h1><p>The city council approved the harbour budget of 40 million on Tuesday, the mayor said.</p><p>The vote was 7 to 2, officials said. &lt;img src=x onerror=window.__pwned=6&gt;</p><script>window.__pwned=7</script></article></body></html>"
    );
    let jsonl = json!({"id": "<svg onload=window.__pwned=8>", "outlet": "\"><script>window.__pwned=9</script>", "url": "javascript:window.__pwned=10", "title": payload, "text": "The city council approved the harbour budget of 40 million on Tuesday, the mayor said.\n\nThe vote was 7 to 2, officials said."});
    std::fs::write(dir.join("a.txt"), a).expect("write");
    std::fs::write(dir.join("b.txt"), b).expect("write");
    std::fs::write(dir.join("c.html"), page).expect("write");
    std::fs::write(dir.join("d.jsonl"), format!("{jsonl}\n")).expect("write");
}

fn report_file(stories: &Path, out: &Path, name: &str) -> String {
    let report = common::pipeline().run_paths(&[stories.to_path_buf()]);
    let path = out.join(format!("{name}.html"));
    std::fs::write(&path, report::render_html(&report)).expect("write report");
    format!("file://{}", path.display())
}

#[test]
fn reports_work_in_chromium() {
    let Some(exe) = chromium() else {
        eprintln!(
            "skipping the browser test: no Chromium (apt-get install chromium, or set CHROMIUM)"
        );
        return;
    };
    let out = tempfile::tempdir().expect("temp dir");
    let mut pages: Vec<(String, String)> = Vec::new();
    let examples = common::root().join("examples");
    let mut stories: Vec<PathBuf> = std::fs::read_dir(&examples)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    stories.sort();
    for s in &stories {
        let name = s
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        pages.push((name.clone(), report_file(s, out.path(), &name)));
    }
    let hostile = out.path().join("hostile");
    std::fs::create_dir(&hostile).expect("dir");
    hostile_story(&hostile);
    pages.push((
        "hostile".into(),
        report_file(&hostile, out.path(), "hostile"),
    ));

    let mut b = Browser::launch(&exe);
    for (name, url) in &pages {
        let done = check_report(&mut b, url, name);
        eprintln!("browser: {name}: {}", done.join("; "));
    }
    // The hostile text is shown as text.
    let shown = b.eval("document.getElementById('articles').textContent");
    let shown = shown.as_str().expect("articles text");
    assert!(shown.contains("<script>window.__pwned=1</script>") && shown.contains("[U+202E]"));
    let (name, url) = &pages[0];
    let done = check_without_script(&mut b, url, name);
    eprintln!("browser: {name}: {}", done.join("; "));

    // The web app's own page and a report it serves.
    let addr = common::start(web::Config::default());
    b.open(&format!("http://{addr}/"));
    assert!(b.errors().is_empty(), "the app's page: {:#?}", b.errors());
    let res = common::request(
        addr,
        "POST /api/v1/analyze HTTP/1.1\r\nContent-Type: application/json\r\n",
        &common::json_upload(&stories[0]),
    );
    assert_eq!(res.status, 200);
    let id = res
        .head
        .lines()
        .find_map(|l| l.strip_prefix("location: /api/v1/reports/"))
        .expect("location")
        .to_string();
    let done = check_report(&mut b, &format!("http://{addr}/reports/{id}"), "served");
    eprintln!("browser: served report: {}", done.join("; "));
}
