//! `zhagen explore`: the server answers every malformed request with a 4xx and keeps serving,
//! a saved scenario reproduces the page's numbers under `zhagen run` and `zhagen compare`, and
//! — in a real headless Chromium driven over WebDriver — moving a lever redraws the page with
//! the difference `zhagen compare` gives.

mod common;

use assert_cmd::Command;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A running `zhagen explore`, stopped when dropped.
struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const SMALL: [&str; 4] = ["--set", "region.counties=3", "--replications", "4"];

fn serve() -> Server {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zhagen"))
        .arg("explore")
        .arg(baseline_path())
        .args(["--port", "0"])
        .args(SMALL)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "loopback only: {addr}");
    Server { child, addr }
}

/// One HTTP/1.1 request (`Connection: close`): the status and the body.
fn http(addr: &str, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // A server may refuse a huge body before reading it all: a broken pipe is its answer.
    let _ = s.write_all(body);
    // Read the head, then exactly Content-Length bytes (a WebDriver keeps the connection
    // open whatever the request asked), or to the end when no length is given.
    let mut r = BufReader::new(s);
    let mut status_line = String::new();
    r.read_line(&mut status_line).unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {status_line:?}"));
    let mut length = None;
    let mut chunked = false;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body).unwrap();
    } else {
        let _ = r.read_to_end(&mut body);
    }
    (status, String::from_utf8_lossy(&body).to_string())
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The headline `key` of a run folder.
fn headline(dir: &Path, key: &str) -> f64 {
    let text = std::fs::read_to_string(dir.join("headline.csv")).unwrap();
    text.lines()
        .find(|l| l.starts_with(&format!("{key},")))
        .and_then(|l| l.split(',').nth(2))
        .unwrap()
        .parse()
        .unwrap()
}

/// The paired difference of `key` in a comparison folder (second scenario against the first).
fn compared(dir: &Path, key: &str) -> f64 {
    let mut r = csv::Reader::from_path(dir.join("comparison.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (m, d) = (col("metric"), col("diff_vs_first"));
    r.records()
        .map(|x| x.unwrap())
        .find(|x| &x[m] == key && !x[d].is_empty())
        .map(|x| x[d].parse().unwrap())
        .unwrap()
}

const KEY: &str = "retention.order_oriented.y7";
const LEVER: &str = "policy.salary.performance_uplift";

#[test]
fn malformed_requests_get_a_4xx_with_a_message_and_the_server_keeps_serving() {
    let srv = serve();
    let a = &srv.addr;
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "POST",
            "/api/run",
            b"{not json".to_vec(),
            400,
            "not a valid request",
        ),
        (
            "POST",
            "/api/run",
            br#"{"setings": {}}"#.to_vec(),
            400,
            "unknown field `setings`",
        ),
        (
            "POST",
            "/api/run",
            br#"{"settings": {"policy.salary.performance_uplif": 0.2}}"#.to_vec(),
            400,
            "did you mean `policy.salary.performance_uplift`",
        ),
        (
            "POST",
            "/api/run",
            br#"{"settings": {"policy.salary.performance_uplift": 2}}"#.to_vec(),
            400,
            "a share between 0 and 1",
        ),
        (
            "POST",
            "/api/run",
            br#"{"replications": 100000}"#.to_vec(),
            400,
            "from 1 to",
        ),
        ("POST", "/api/run", vec![b'{'; 1 << 20], 413, ""),
        ("GET", "/nothing-here", Vec::new(), 404, "no such page"),
        (
            "POST",
            "/api/scenario",
            b"[]".to_vec(),
            400,
            "not a valid request",
        ),
    ];
    for (method, path, body, status, words) in cases {
        let (got, text) = http(a, method, path, &body);
        assert_eq!(got, status, "{method} {path}: {text}");
        assert!(
            !text.is_empty() && text.contains(words),
            "{method} {path}: {text}"
        );
    }
    // A value out of range is reported against its lever, for the page to show beside it.
    let (_, text) = http(
        a,
        "POST",
        "/api/run",
        br#"{"settings": {"policy.salary.performance_uplift": 2}}"#,
    );
    assert_eq!(json(&text)["key"], LEVER);
    // Still serving.
    let (status, text) = http(a, "GET", "/api/levers", b"");
    assert_eq!(status, 200);
    assert!(json(&text)["levers"].as_array().unwrap().len() > 20);
    let (status, _) = http(a, "POST", "/api/run", b"{}");
    assert_eq!(status, 200);
}

#[test]
fn a_saved_setting_reproduces_the_page_under_run_and_compare() {
    let srv = serve();
    let dir = tempfile::tempdir().unwrap();
    let setting = format!(r#"{{"settings": {{"{LEVER}": 0.2}}}}"#);
    let (status, text) = http(&srv.addr, "POST", "/api/run", setting.as_bytes());
    assert_eq!(status, 200, "{text}");
    let answer = json(&text);
    let figure = answer["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == KEY)
        .unwrap()
        .clone();
    assert!(
        figure["difference"].as_f64().unwrap() > 0.0,
        "a raise keeps more: {figure}"
    );
    let (status, toml) = http(&srv.addr, "POST", "/api/scenario", setting.as_bytes());
    assert_eq!(status, 200, "{toml}");
    assert!(toml.contains(&format!("{LEVER} = 0.2")), "{toml}");
    let saved = write(dir.path(), "explored.toml", &toml);

    let out = dir.path().join("run");
    Command::cargo_bin("zhagen")
        .unwrap()
        .arg("run")
        .arg(&saved)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let page = figure["scenario"].as_f64().unwrap();
    assert!(
        (headline(&out, KEY) - page).abs() < 1e-6,
        "run {} vs page {page}",
        headline(&out, KEY)
    );

    let cmp = dir.path().join("cmp");
    Command::cargo_bin("zhagen")
        .unwrap()
        .arg("compare")
        .arg(baseline_path())
        .arg(&saved)
        .args(SMALL)
        .args(["--quiet", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    let d = figure["difference"].as_f64().unwrap();
    assert!(
        (compared(&cmp, KEY) - d).abs() < 1e-6,
        "compare {} vs page {d}",
        compared(&cmp, KEY)
    );
}

/// A WebDriver session on a headless Chromium (chromedriver), closed when dropped.
struct Browser {
    driver: Child,
    addr: String,
    session: String,
}

impl Browser {
    fn start() -> Option<Browser> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = std::process::Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let addr = format!("127.0.0.1:{port}");
        let start = Instant::now();
        while TcpStream::connect(&addr).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut b = Browser {
            driver,
            addr,
            session: String::new(),
        };
        let caps = serde_json::json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]
        }}}});
        let v = b.call("POST", "/session", caps);
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_string();
        Some(b)
    }

    fn call(&self, method: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
        let body = if method == "GET" {
            String::new()
        } else {
            body.to_string()
        };
        let (status, text) = http(&self.addr, method, path, body.as_bytes());
        let v = json(&text);
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn session(&self, method: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn script(&self, js: &str) -> serde_json::Value {
        self.session(
            "POST",
            "/execute/sync",
            serde_json::json!({"script": js, "args": []}),
        )
    }

    fn element(&self, css: &str) -> String {
        let v = self.session(
            "POST",
            "/element",
            serde_json::json!({"using": "css selector", "value": css}),
        );
        v.as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Wait until `js` returns `want`.
    fn wait_for(&self, js: &str, want: &serde_json::Value) {
        let start = Instant::now();
        loop {
            let got = self.script(js);
            if &got == want {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{js}: {got}, waited for {want}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http(
                &self.addr,
                "DELETE",
                &format!("/session/{}", self.session),
                b"",
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn in_a_real_browser_moving_a_lever_redraws_the_difference_compare_gives_and_saves_it() {
    let Some(browser) = Browser::start() else {
        return skip_unless_ci("chromedriver (chromium-driver) is not installed");
    };
    let srv = serve();
    browser.session(
        "POST",
        "/url",
        serde_json::json!({"url": format!("http://{}/", srv.addr)}),
    );
    // The first draw: the status quo against itself.
    browser.wait_for("return document.body.dataset.runs || null", &"1".into());
    let lever = format!(".lever[data-key='{LEVER}'] input[type=number]");
    let field = browser.element(&lever);
    browser.session(
        "POST",
        &format!("/element/{field}/clear"),
        serde_json::json!({}),
    );
    browser.session(
        "POST",
        &format!("/element/{field}/value"),
        serde_json::json!({"text": "0.2"}),
    );
    // Leaving the field commits it, as a user's tab or click does.
    let heading = browser.element("h1");
    browser.session(
        "POST",
        &format!("/element/{heading}/click"),
        serde_json::json!({}),
    );
    browser.wait_for("return document.body.dataset.runs || null", &"2".into());
    let shown = browser.script(&format!(
        "return Number(document.querySelector(\"tr[data-key='{KEY}']\").dataset.difference)"
    ));
    let shown = shown.as_f64().unwrap();
    assert!(shown > 0.0, "the raise shows more retention: {shown}");

    // Save, and check the file against `zhagen compare` on the same settings.
    let save = browser.element("#save");
    browser.session(
        "POST",
        &format!("/element/{save}/click"),
        serde_json::json!({}),
    );
    browser.wait_for(
        "return document.getElementById('toml').textContent.includes('performance_uplift = 0.2')",
        &true.into(),
    );
    let toml = browser.script("return document.getElementById('toml').textContent");
    let dir = tempfile::tempdir().unwrap();
    let saved = write(dir.path(), "explored.toml", toml.as_str().unwrap());
    let cmp = dir.path().join("cmp");
    Command::cargo_bin("zhagen")
        .unwrap()
        .arg("compare")
        .arg(baseline_path())
        .arg(&saved)
        .args(SMALL)
        .args(["--quiet", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    let expected = compared(&cmp, KEY);
    assert!(
        (shown - expected).abs() < 1e-6,
        "page {shown} vs compare {expected}"
    );
    // And `zhagen run` reproduces the saved setting at the same seed and replications.
    let out = dir.path().join("run");
    Command::cargo_bin("zhagen")
        .unwrap()
        .arg("run")
        .arg(&saved)
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let page = browser.script(&format!(
        "return Number(document.querySelector(\"tr[data-key='{KEY}']\").dataset.scenario)"
    ));
    assert!((headline(&out, KEY) - page.as_f64().unwrap()).abs() < 1e-6);
}

#[test]
fn a_newer_setting_cancels_the_run_in_flight() {
    let srv = serve();
    let addr = srv.addr.clone();
    // A long run (1,000 replications of three counties) in flight...
    let slow = std::thread::spawn(move || {
        http(
            &addr,
            "POST",
            "/api/run",
            br#"{"settings": {"policy.salary.performance_uplift": 0.3}, "replications": 1000}"#,
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    // ...is overtaken by a quick one, which is answered; the slow one is told it was replaced.
    let (status, text) = http(
        &srv.addr,
        "POST",
        "/api/run",
        br#"{"settings": {"policy.salary.performance_uplift": 0.1}}"#,
    );
    assert_eq!(status, 200, "{text}");
    let (status, text) = slow.join().unwrap();
    assert_eq!(status, 409, "{text}");
    assert!(
        json(&text)["error"]
            .as_str()
            .unwrap()
            .contains("newer setting")
    );
}
