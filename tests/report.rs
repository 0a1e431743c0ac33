//! `report.html`: the page an analyst hands to a decision-maker, written by every `run` and
//! every `compare`. It must be one self-contained document (inline CSS and SVG, no scripts,
//! nothing fetched), hold every section the issue lists, say what differs from the baseline in
//! plain words, state differences in percentage points with their intervals, and open in a real
//! browser without console errors, showing its charts.
//!
//! The browser checks run headless Chromium where it is installed (`chromium` or
//! `chromium-browser` on PATH, or /usr/bin/chromium) and say "skipped: …" and pass where it is
//! not — except in CI (`CI` set), where a missing Chromium fails the test; `.ci/run` installs it.

mod common;

use assert_cmd::Command;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use zhagen::scenario::Scenario;

fn scenario(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file)
}

/// Small runs: the report's shape does not depend on the size of the region.
const SMALL: [&str; 4] = ["--replications", "4", "--set", "region.counties=2"];

/// `zhagen run FILE` into `out`; the report it wrote.
fn run_report(file: &str, out: &Path) -> String {
    Command::cargo_bin("zhagen")
        .expect("binary built")
        .args(["run", scenario(file).to_str().unwrap(), "--quiet", "--out"])
        .arg(out)
        .args(SMALL)
        .assert()
        .success();
    std::fs::read_to_string(out.join("report.html")).expect("report.html written")
}

/// `zhagen compare baseline salary-uplift` into `out`; the report it wrote.
fn compare_report(out: &Path, threads: &str) -> String {
    Command::cargo_bin("zhagen")
        .expect("binary built")
        .args(["compare", "--quiet", "--threads", threads])
        .arg(scenario("baseline.toml"))
        .arg(scenario("salary-uplift.toml"))
        .arg("--out")
        .arg(out)
        .args(SMALL)
        .assert()
        .success();
    std::fs::read_to_string(out.join("report.html")).expect("report.html written")
}

/// One complete HTML document that needs nothing but itself to be read.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<style>"), "inline CSS");
    assert!(html.ends_with("</body>\n</html>\n"));
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "no scripts");
    for tag in [
        "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(",
    ] {
        assert!(!lower.contains(tag), "nothing fetched: found {tag}");
    }
    // The SVG namespace is a name, not a fetch; any other address would be.
    let elsewhere = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(
        !elsewhere.contains("http://") && !elsewhere.contains("https://"),
        "no network references"
    );
    for tag in ["section", "table", "figure", "svg", "ul"] {
        assert_eq!(
            html.matches(&format!("<{tag}")).count(),
            html.matches(&format!("</{tag}>")).count(),
            "every <{tag}> is closed"
        );
    }
    assert!(
        html.matches("<figure>").count() >= 5,
        "the charts are inline"
    );
}

fn assert_sections(html: &str, ids: &[&str]) {
    for id in ids {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
}

/// The part of the page from `<h3 id="levers">` to the next heading.
fn levers(html: &str) -> &str {
    let start = html.find("id=\"levers\"").expect("levers section");
    let rest = &html[start..];
    let end = rest[4..].find("<h").map_or(rest.len(), |e| e + 4);
    &rest[..end]
}

/// `text` as the report writes it: escaped by the template engine.
fn esc(text: &str) -> String {
    maud::html! { (text) }.into_string()
}

/// Every benchmark of the baseline appears with its source.
fn assert_validation_lists_sources(html: &str) {
    let validation = &html[html.find("id=\"validation\"").expect("validation")..];
    let base = Scenario::load(&baseline_path(), &[]).expect("baseline loads");
    assert!(!base.benchmarks.is_empty());
    for b in &base.benchmarks {
        assert!(
            validation.contains(&esc(&b.source)),
            "source of {} listed",
            b.name
        );
        assert!(validation.contains(&esc(&b.name)), "{} listed", b.name);
    }
}

#[test]
fn a_run_writes_a_self_contained_report_with_every_section() {
    let dir = tempfile::tempdir().unwrap();
    let html = run_report("baseline.toml", &dir.path().join("out"));
    assert_self_contained(&html);
    assert_sections(
        &html,
        &[
            "simulated",
            "levers",
            "retention",
            "staffing",
            "breakdowns",
            "titles",
            "exits",
            "cost",
            "validation",
        ],
    );
    // What was simulated: scenario, seed, replications, version.
    assert!(html.contains("Scenario <q>baseline</q>"));
    assert!(html.contains("<th>Seed</th><td>20221231</td>"));
    assert!(html.contains("<th>Replications</th><td>4 "));
    assert!(html.contains(&format!("<th>zhagen version</th><td>{}", zhagen::VERSION)));
    // Curves, staffing, villages, remoteness, titles, exits: six inline charts.
    assert_eq!(html.matches("<svg").count(), 6);
    // The breakdowns: where RTME graduates were placed, and their entry cohorts.
    assert!(html.contains("the remoteness of the township they were placed in"));
    assert!(html.contains("Still serving, by entry cohort"));
    assert!(html.contains("Retention by pathway"));
    // The baseline's Tang figure is a cohort at a calendar date (2015–16 graduates in December
    // 2022), not a point of the curve pooled over cohorts: it is in the validation table only.
    assert!(
        !html.contains("Published benchmark"),
        "no marker for a figure the curve does not measure"
    );
    assert!(html.contains("Cost and value for money"));
    assert!(html.contains(" yuan"), "money in yuan");
    assert_validation_lists_sources(&html);
    // The baseline is the reference; the run's command-line changes are said, not hidden.
    let l = levers(&html);
    assert!(l.contains("This is the reference scenario"), "{l}");
    assert!(l.contains("Replications: 100 → 4"), "{l}");
    assert!(l.contains("Counties simulated: 10 → 2"), "{l}");
}

#[test]
fn a_lever_scenario_lists_what_differs_from_the_baseline_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let html = run_report("salary-uplift.toml", &dir.path().join("uplift"));
    assert_self_contained(&html);
    let l = levers(&html);
    assert!(l.contains("Built on <q>baseline</q>"), "{l}");
    assert!(
        l.contains("Performance-pay uplift: 0% → 10% of base pay"),
        "{l}"
    );
    // A change from a given year is measured against the value in force before it.
    let html = run_report("remote-allowance.toml", &dir.path().join("remote"));
    let l = levers(&html);
    assert!(
        l.contains("Remote-post allowance: 0 → 12,000 yuan a year (a fixed nominal sum: its real value falls as pay grows) (from 2015)"),
        "{l}"
    );
}

#[test]
fn a_comparison_report_states_differences_in_percentage_points_with_their_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let html = compare_report(&out, "2");
    assert_self_contained(&html);
    assert_sections(
        &html,
        &[
            "simulated",
            "levers",
            "differences",
            "retention",
            "staffing",
            "titles",
            "exits",
            "cost",
            "validation",
        ],
    );
    assert!(html.contains("<q>baseline</q> vs <q>salary-uplift</q>"));
    // Value for money: the decision table with Fieller's method named, and the plane drawn.
    assert!(html.contains("Value for money against"), "decision table");
    assert!(html.contains("Fieller"), "the ICER interval's method");
    assert!(
        html.contains("aria-label=\"Cost-effectiveness plane"),
        "the plane"
    );
    assert!(
        levers(&html).contains("Performance-pay uplift: 0% → 10% of base pay"),
        "the lever named with its value"
    );

    // "+1.9 percentage points of RTME graduates still serving 10 years after entry (95% CI
    // 0.9 to 2.8)": a signed number, the unit in words, and the interval.
    let sentences: Vec<&str> = html
        .lines()
        .filter(|l| l.starts_with("<li") && l.contains(" percentage points "))
        .collect();
    assert!(!sentences.is_empty(), "sentences in percentage points");
    for s in &sentences {
        let text = &s[s.find('>').unwrap() + 1..];
        let (number, rest) = text.split_once(" percentage points ").unwrap();
        let n: f64 = number
            .replace('\u{2212}', "-")
            .parse()
            .unwrap_or_else(|_| panic!("a signed number before 'percentage points': {s}"));
        assert!(n != 0.0 && number.starts_with(['+', '\u{2212}']), "{s}");
        let ci = rest
            .split("(95% CI ")
            .nth(1)
            .unwrap_or_else(|| panic!("{s}"));
        assert!(ci.contains(" to ") && ci.ends_with(")</li>"), "{s}");
    }
    assert!(
        sentences
            .iter()
            .any(|s| s.contains("RTME graduates still serving")),
        "RTME retention is among the headline sentences"
    );

    // The table has a row for every metric of comparison.csv.
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let metrics = csv.lines().filter(|l| l.starts_with("baseline,")).count();
    let table = &html[html.find("<table class=\"differences\">").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert_eq!(
        table.matches("<tr").count(),
        metrics + 1,
        "header and one row a metric"
    );
    assert!(table.contains("Difference (95% CI)"));

    assert_validation_lists_sources(&html);
    // Each scenario's own run has its own report.
    for s in ["baseline", "salary-uplift"] {
        assert!(
            out.join("runs").join(s).join("report.html").is_file(),
            "{s}"
        );
    }
}

#[test]
fn a_comparison_report_is_byte_identical_at_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = compare_report(&dir.path().join("one"), "1");
    let two = compare_report(&dir.path().join("two"), "2");
    assert!(one == two, "report.html differs between 1 and 2 threads");
}

// ---------------------------------------------------------------------------------------------
// Headless Chromium.

/// Chromium, where it is installed.
fn chromium() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
            .collect::<Vec<_>>()
    });
    on_path
        .chain(std::iter::once(PathBuf::from("/usr/bin/chromium")))
        .find(|p| p.is_file())
}

/// A generous limit: a page without scripts renders in about a second, but the machine may be
/// busy compiling. A hang fails the test instead of blocking the suite.
const CHROMIUM_LIMIT: Duration = Duration::from_secs(120);

struct Loaded {
    /// What the page wrote to the browser console (Chromium logs each message to stderr as
    /// `…:INFO:CONSOLE…] "message", source: URL (line)`), and any uncaught error.
    console: Vec<String>,
    width: u32,
    height: u32,
    /// RGB pixels of the screenshot, row by row.
    pixels: Vec<[u8; 3]>,
}

/// Load `page` in headless Chromium with a window of `size`, log its console to stderr and take
/// a screenshot.
fn load(chromium: &Path, page: &Path, size: (u32, u32)) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.png");
    let (out, err) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut cmd = std::process::Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!(
        "--user-data-dir={}",
        dir.path().join("profile").display()
    ))
    .arg(format!("--window-size={},{}", size.0, size.1))
    .arg(format!("--screenshot={}", shot.display()))
    .arg(file_url(page))
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(&out).unwrap())
    .stderr(std::fs::File::create(&err).unwrap());
    // Its own process group, so that a hung browser can be stopped with all its children.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().expect("chromium starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > CHROMIUM_LIMIT {
            #[cfg(unix)]
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish {} within {CHROMIUM_LIMIT:?}",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    assert!(
        status.success(),
        "chromium failed on {}: {stderr}",
        page.display()
    );
    let console = stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .map(String::from)
        .collect();
    let png = std::fs::read(&shot).unwrap_or_else(|_| panic!("no screenshot: {stderr}"));
    let (width, height, pixels) = decode(&png);
    Loaded {
        console,
        width,
        height,
        pixels,
    }
}

/// `file:///…` for a local file, with the characters a URL path cannot hold escaped.
fn file_url(path: &Path) -> String {
    let path = path.canonicalize().expect("page exists");
    let mut url = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<[u8; 3]>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("PNG pixels");
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| match channels {
            1 | 2 => [p[0]; 3],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    (info.width, info.height, pixels)
}

/// Pixels within a small distance of `colour` (anti-aliasing and scaling blur edges).
fn near(pixels: &[[u8; 3]], colour: [u8; 3]) -> usize {
    pixels
        .iter()
        .filter(|p| {
            p.iter()
                .zip(colour)
                .all(|(a, b)| (*a as i32 - b as i32).abs() <= 12)
        })
        .count()
}

/// The first two curve colours of every chart `plot` draws (Tableau blue and orange). The
/// report's hand-drawn exit bars use blue but never this orange, so orange on the screen means
/// the plotted charts were drawn.
const BLUE: [u8; 3] = [31, 119, 180];
const ORANGE: [u8; 3] = [255, 127, 14];

fn assert_renders_cleanly(chromium: &Path, page: &Path) {
    let size = (1200, 6000);
    let loaded = load(chromium, page, size);
    assert!(
        loaded.console.is_empty(),
        "{} wrote to the console: {:#?}",
        page.display(),
        loaded.console
    );
    assert_eq!((loaded.width, loaded.height), size, "a full screenshot");
    let total = loaded.pixels.len();
    let ink = total - near(&loaded.pixels, [255, 255, 255]);
    assert!(
        ink * 50 > total,
        "the page is not blank: {ink} of {total} pixels"
    );
    let (blue, orange) = (near(&loaded.pixels, BLUE), near(&loaded.pixels, ORANGE));
    assert!(
        blue > 500 && orange > 500,
        "the charts are drawn: {blue} blue and {orange} orange pixels"
    );
}

#[test]
fn reports_open_in_headless_chromium_without_console_errors_and_show_their_charts() {
    let Some(chromium) = chromium() else {
        skip_unless_ci("chromium not found (install Debian's `chromium` to run this check)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    run_report("baseline.toml", &dir.path().join("run"));
    compare_report(&dir.path().join("cmp"), "2");
    assert_renders_cleanly(&chromium, &dir.path().join("run").join("report.html"));
    assert_renders_cleanly(&chromium, &dir.path().join("cmp").join("report.html"));
}

/// The console check above would pass vacuously if this Chromium did not log page errors.
#[test]
fn the_console_check_catches_a_page_that_throws() {
    let Some(chromium) = chromium() else {
        skip_unless_ci("chromium not found (install Debian's `chromium` to run this check)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = write(
        dir.path(),
        "broken.html",
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>broken</title></head>\
         <body><p>broken</p><script>throw new Error(\"deliberate\");</script></body></html>\n",
    );
    let loaded = load(&chromium, &page, (400, 300));
    assert!(
        loaded
            .console
            .iter()
            .any(|l| l.contains("Uncaught") && l.contains("deliberate")),
        "{:#?}",
        loaded.console
    );
}

// ---------------------------------------------------------------------------------------------
// Text from scenario files is text, never markup.

/// A name that would inject a script, an image with a handler and a quoted attribute if it
/// went into the page unescaped, with an ampersand, both quotes and Chinese text to keep.
const HOSTILE: &str =
    r#"<script>alert("扎根")</script> Tom & 'Jerry' <img src=x onerror=alert(1)> 乡村医生"#;

/// Every tag of a page, as written between `<` and `>` (a comment or doctype included).
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').expect("every tag is closed");
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// The text of HTML character data: the entities the page uses decoded.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text between the first `before` and the `after` that follows it.
fn between<'a>(html: &'a str, before: &str, after: &str) -> &'a str {
    let start = html
        .find(before)
        .unwrap_or_else(|| panic!("{before} in the page"))
        + before.len();
    let len = html[start..].find(after).expect("closing text");
    &html[start..start + len]
}

#[test]
fn a_scenario_and_pathway_named_with_markup_and_chinese_text_appear_escaped_and_intact() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(baseline_path()).expect("baseline");
    // A TOML basic string: the name holds double quotes but no backslash.
    let quoted = format!("\"{}\"", HOSTILE.replace('"', "\\\""));
    let hostile = text
        .replacen("name = \"baseline\"", &format!("name = {quoted}"), 1)
        .replacen(
            "[pathways.local_apprentice]",
            &format!("[pathways.{quoted}]\nkind = \"local_apprentice\""),
            1,
        );
    assert_ne!(
        hostile, text,
        "the baseline's name and pathway were replaced"
    );
    let file = write(dir.path(), "hostile.toml", &hostile);
    let out = dir.path().join("out");
    Command::cargo_bin("zhagen")
        .expect("binary built")
        .args(["run", file.to_str().unwrap(), "--quiet", "--out"])
        .arg(&out)
        .args(SMALL)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html written");
    assert_self_contained(&html);

    // No element or attribute came from the name: every tag is one the page writes itself.
    for tag in tags(&html) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            !matches!(name.to_ascii_lowercase().as_str(), "script" | "img"),
            "an injected <{tag}>"
        );
        assert!(!tag.contains("onerror"), "an injected handler in <{tag}>");
    }
    // The name reads back exactly, Chinese text, quotes and ampersand included, wherever the
    // page shows it as text: title, heading, facts, the levers and the pathway's rows.
    assert_eq!(
        unescape(between(&html, "<title>zhagen report — ", "</title>")),
        HOSTILE
    );
    assert_eq!(
        unescape(between(&html, "<h1>Scenario <q>", "</q></h1>")),
        HOSTILE
    );
    assert_eq!(
        unescape(between(&html, "<th>Scenario</th><td><code>", "</code>")),
        HOSTILE
    );
    assert_eq!(
        unescape(between(&html, "This is the reference scenario <q>", "</q>")),
        HOSTILE
    );
    assert_eq!(
        unescape(between(&html, "<th>Local apprentices (", ")</th>")),
        HOSTILE
    );
    assert!(html.contains("&lt;script&gt;alert(&quot;扎根&quot;)&lt;/script&gt; Tom &amp; "));
}

/// Regression: the report used to read the root of the `base =` chain again from disk while
/// it was written, and said "cannot be listed" when that file had gone or changed since.
#[test]
fn the_levers_are_listed_against_the_base_read_at_load_even_after_the_file_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let base_text = std::fs::read_to_string(baseline_path()).expect("baseline");
    let base = write(dir.path(), "base.toml", &base_text);
    let leaf = write(
        dir.path(),
        "leaf.toml",
        "base = \"base.toml\"\nname = \"leaf\"\n[policy.salary]\nperformance_uplift = 0.1\n",
    );
    let o: Vec<String> = ["region.counties=2", "simulation.replications=2"]
        .map(String::from)
        .to_vec();
    let s = Scenario::load(&leaf, &o).expect("leaf loads");
    std::fs::remove_file(&base).expect("base removed");
    let r = run_on(&s, 1);
    let html = zhagen::output::report::run_report(&s, &r).expect("report written");
    let l = levers(&html);
    assert!(l.contains("Built on <q>baseline</q>"), "{l}");
    assert!(
        l.contains("Performance-pay uplift: 0% → 10% of base pay"),
        "{l}"
    );
    assert!(!l.contains("cannot be listed"), "{l}");
}
