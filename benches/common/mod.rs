//! Shared plumbing for allockit's criterion benches: the house settings, and the ratio
//! table printed after a run.
//!
//! Every bench binary puts allockit's implementation beside a peer's (std's `Vec`,
//! bumpalo's `Bump`, ...) in one criterion group per workload, with the function names
//! fixed for the whole binary (`"allockit"` and `"std"` in `benches/vec.rs`). After
//! [`Criterion::final_summary`], [`RatioTable::print`] reads the medians criterion
//! saved and prints, for each group, *median of ours / median of the peer*:
//!
//! ```text
//! allockit vs std: median time per iteration (target: ratio <= 1.05)
//!
//! group                           std    allockit   ratio  verdict   ratio range
//! vec_push                   1.344 ms    1.312 ms   0.976  OK        0.922 .. 1.097
//! vec_retain                 592.5 µs    699.3 µs   1.180  MISS      1.022 .. 1.418
//! ```
//!
//! The ratio range is the span of ratios the two medians' confidence intervals allow,
//! so a MISS whose range reaches below 1.05 may be noise.
//!
//! A group can be a row of several tables (one per peer, all functions in one group):
//! open it through one table and add it to the others with [`RatioTable::row`]. A row
//! recorded with the target [`NO_TARGET`] is informational: its verdict is `info`.
//!
//! Criterion stores each estimate in
//! `<target dir>/criterion/<group>/<function>/new/estimates.json`. The table only trusts
//! files written during this run (by modification time), so a `--test` or `--list` run, a
//! filtered run, or `--discard-baseline` never shows numbers left over from an earlier
//! run: those groups are reported as not measured.
//!
//! The JSON is read by hand (a few lines, below) so the benches need no serde.

// Each bench binary includes this module and uses a different part of it.
#![allow(dead_code)]

use std::alloc::Layout;
use std::fmt;
use std::fs;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};

pub mod meter;
pub mod suite;

/// The goal for every row: allockit at most 5% slower than the peer.
pub const TARGET_RATIO: f64 = 1.05;

/// The "target" of an informational row: any ratio is fine, none is a MISS.
pub const NO_TARGET: f64 = f64::INFINITY;

/// A `Criterion` with the house settings (short warm-up and measurement so a whole
/// binary finishes in a few minutes on two cores), then the command line applied on
/// top, so `--warm-up-time`, `--measurement-time`, `--sample-size`, `--quick`, `--test`,
/// `--list` and a name filter all keep working.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
        .configure_from_args()
}

/// The directory criterion writes its results to: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `criterion/` in the cargo target directory, else
/// `target/criterion`. Criterion asks `cargo metadata` for the target directory; this
/// looks for cargo's `CACHEDIR.TAG` above the running executable instead, which gives
/// the same answer without a JSON parser.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let from_exe = std::env::current_exe().ok().and_then(|exe| {
        exe.ancestors()
            .skip(1)
            .find(|dir| dir.join("CACHEDIR.TAG").is_file())
            .map(|target| target.join("criterion"))
    });
    from_exe.unwrap_or_else(|| PathBuf::from("target/criterion"))
}

/// One row of the table: a criterion group and the two functions compared in it.
struct Row {
    group: String,
    target: f64,
    ours: Option<Median>,
    peer: Option<Median>,
}

/// Criterion's estimate of a median, in nanoseconds per iteration, with the bounds of
/// its confidence interval (95% unless `--confidence-level` says otherwise).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Median {
    pub point: f64,
    pub lower: f64,
    pub upper: f64,
}

/// The groups of one bench binary, and the comparison printed at its end.
///
/// Create it before the first benchmark runs (it remembers the start time), open every
/// group through [`RatioTable::group`], and call [`RatioTable::print`] after
/// [`Criterion::final_summary`].
pub struct RatioTable {
    ours: &'static str,
    peer: &'static str,
    dir: PathBuf,
    started: SystemTime,
    /// Each group and its target ratio.
    groups: Vec<(String, f64)>,
}

impl RatioTable {
    /// A table comparing function `ours` against function `peer` in every group.
    pub fn new(ours: &'static str, peer: &'static str) -> Self {
        RatioTable {
            ours,
            peer,
            dir: criterion_dir(),
            started: SystemTime::now(),
            groups: Vec::new(),
        }
    }

    /// The name of our function in every row.
    pub fn ours(&self) -> &'static str {
        self.ours
    }

    /// The name of the peer's function in every row.
    pub fn peer(&self) -> &'static str {
        self.peer
    }

    /// Opens criterion group `name` and records it as a row of the table.
    pub fn group<'c>(&mut self, c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
        self.group_with_target(c, name, TARGET_RATIO)
    }

    /// [`group`](Self::group) with a target ratio of its own instead of
    /// [`TARGET_RATIO`] (the table then shows a target column).
    pub fn group_with_target<'c>(
        &mut self,
        c: &'c mut Criterion,
        name: &str,
        target: f64,
    ) -> BenchmarkGroup<'c, WallTime> {
        self.row(name, target);
        c.benchmark_group(name)
    }

    /// Records group `name`, opened through another table (or elsewhere), as a row of
    /// this one with `target` ([`NO_TARGET`] for an informational row). The group must
    /// have functions named after this table's `ours` and `peer`.
    pub fn row(&mut self, name: &str, target: f64) {
        self.groups.push((name.to_owned(), target));
    }

    /// Prints the ratio table to stdout. Groups without an estimate from this run (not
    /// selected by the filter, or run in `--test`/`--list` mode) are listed as such.
    pub fn print(&self) {
        let rows: Vec<Row> = self
            .groups
            .iter()
            .map(|(group, target)| Row {
                group: group.clone(),
                target: *target,
                ours: self.median_ns(group, self.ours),
                peer: self.median_ns(group, self.peer),
            })
            .collect();

        println!();
        if rows.iter().all(|row| row.ours.is_none() && row.peer.is_none()) {
            println!(
                "{} vs {}: no estimates from this run in {} (test or list mode, or \
                 every group filtered out); no ratio table.",
                self.ours,
                self.peer,
                self.dir.display()
            );
            return;
        }

        let own_targets = rows.iter().any(|row| row.target != TARGET_RATIO);
        if own_targets {
            println!("{} vs {}: median time per iteration", self.ours, self.peer);
        } else {
            println!(
                "{} vs {}: median time per iteration (target: ratio <= {TARGET_RATIO:.2})",
                self.ours, self.peer
            );
        }
        println!();
        let width = rows.iter().map(|row| row.group.len()).max().unwrap_or(0).max(5);
        let target_header = if own_targets { "  target" } else { "" };
        println!(
            "{:<width$}  {:>10}  {:>10}  {:>6}{target_header}  {:<8}  ratio range",
            "group", self.peer, self.ours, "ratio", "verdict"
        );
        let (mut ok, mut miss, mut info) = (0, 0, 0);
        let mut unmeasured = Vec::new();
        for row in &rows {
            let (Some(peer), Some(ours)) = (row.peer, row.ours) else {
                unmeasured.push(row.group.as_str());
                continue;
            };
            let ratio = ours.point / peer.point;
            // The ratio the two confidence intervals allow, from most favourable to least.
            let (low, high) = (ours.lower / peer.upper, ours.upper / peer.lower);
            let verdict = if row.target == NO_TARGET {
                info += 1;
                "info"
            } else if ratio <= row.target {
                ok += 1;
                "OK"
            } else {
                miss += 1;
                "MISS"
            };
            let target = match own_targets {
                false => String::new(),
                true if row.target == NO_TARGET => format!("  {:>6}", "-"),
                true => format!("  {:>6.2}", row.target),
            };
            println!(
                "{:<width$}  {:>10}  {:>10}  {:>6.3}{target}  {verdict:<8}  {low:.3} .. {high:.3}",
                row.group,
                Nanos(peer.point).to_string(),
                Nanos(ours.point).to_string(),
                ratio
            );
        }
        println!();
        if info == 0 {
            println!("{ok} OK, {miss} MISS");
        } else {
            println!("{ok} OK, {miss} MISS, {info} informational (no target)");
        }
        println!("ratio range: the ratios both medians' confidence intervals allow. A wide range");
        println!("means a noisy machine: rerun before trusting a MISS.");
        if !unmeasured.is_empty() {
            println!("not measured in this run: {}", unmeasured.join(", "));
        }
    }

    /// The median, in nanoseconds per iteration, that criterion saved for
    /// `group/function` during this run.
    fn median_ns(&self, group: &str, function: &str) -> Option<Median> {
        let path = self
            .dir
            .join(filename_safe(group))
            .join(filename_safe(function))
            .join("new")
            .join("estimates.json");
        // Allow a little slack for file systems with coarse timestamps.
        let modified = fs::metadata(&path).and_then(|m| m.modified()).ok()?;
        if modified + Duration::from_secs(1) < self.started {
            return None;
        }
        median_from_estimates(&fs::read_to_string(&path).ok()?)
    }
}

/// The `median` estimate from the text of a criterion `estimates.json`.
pub fn median_from_estimates(json: &str) -> Option<Median> {
    let median = json_field(json, "median")?;
    let interval = json_field(median, "confidence_interval")?;
    let number = |object: &str, key: &str| json_field(object, key)?.parse::<f64>().ok();
    Some(Median {
        point: number(median, "point_estimate")?,
        lower: number(interval, "lower_bound")?,
        upper: number(interval, "upper_bound")?,
    })
}

/// Criterion's directory name for a group or function id.
fn filename_safe(id: &str) -> String {
    id.replace(['?', '"', '/', '\\', '*', '<', '>', ':', '|', '^'], "_")
}

/// Layouts in the mixed workloads of the bump and arena suites (`benches/suites/`).
pub const MIXED: usize = 100_000;

/// A fixed pseudo-random sequence of [`MIXED`] layouts (xorshift64, fixed seed): sizes
/// 1..=64, alignments 1..=16, for benches that allocate with layouts known only at run
/// time.
pub fn mixed_layouts() -> Vec<Layout> {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..MIXED)
        .map(|_| {
            let size = (next() % 64 + 1) as usize;
            let align = 1 << (next() % 5);
            Layout::from_size_align(size, align).expect("valid layout")
        })
        .collect()
}

/// A duration in nanoseconds, shown with a readable unit.
pub struct Nanos(pub f64);

impl fmt::Display for Nanos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        let (value, unit) = if ns < 1e3 {
            (ns, "ns")
        } else if ns < 1e6 {
            (ns / 1e3, "µs")
        } else if ns < 1e9 {
            (ns / 1e6, "ms")
        } else {
            (ns / 1e9, "s")
        };
        let decimals = if value < 10.0 {
            3
        } else if value < 100.0 {
            2
        } else {
            1
        };
        write!(f, "{value:.decimals$} {unit}")
    }
}

// A just-big-enough JSON reader: find a key of an object and return its value's text.

/// The raw text of the value of `key` in the JSON object `json` (top-level keys only;
/// nested objects and arrays are skipped whole, strings may contain escapes).
pub fn json_field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let bytes = json.as_bytes();
    let mut i = skip_whitespace(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_whitespace(bytes, i);
        match bytes.get(i)? {
            b'"' => {}
            b',' => {
                i += 1;
                continue;
            }
            _ => return None, // `}`: the key is not there; anything else: not JSON
        }
        let name_end = string_end(bytes, i)?;
        let name = &json[i + 1..name_end - 1];
        i = skip_whitespace(bytes, name_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_whitespace(bytes, i + 1);
        let end = value_end(bytes, start)?;
        if name == key {
            return Some(json[start..end].trim_end());
        }
        i = end;
    }
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The index just past the string literal that starts at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The index just past the value that starts at `start`: a string, a balanced
/// object or array, or a scalar running up to the next `,` or closing bracket.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                i = string_end(bytes, i)?;
                if depth == 0 {
                    return Some(i);
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b',' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    (depth == 0).then_some(i)
}

/// Checks the reader against a real `estimates.json` shape; run by every bench binary
/// at start-up (it costs microseconds) since `harness = false` binaries run no tests.
pub fn self_check() {
    let sample = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":10.5,
        "upper_bound":11.5},"point_estimate":11.0,"standard_error":0.25},
        "median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":9.0,
        "upper_bound":9.75},"point_estimate":9.5,"standard_error":0.2},
        "median_abs_dev":{"confidence_interval":{"confidence_level":0.95,"lower_bound":0.1,
        "upper_bound":0.3},"point_estimate":0.2,"standard_error":0.05},
        "slope":null,"std_dev":{"confidence_interval":{"confidence_level":0.95,
        "lower_bound":0.4,"upper_bound":0.6},"point_estimate":1.5e3,"standard_error":0.1}}"#;
    assert_eq!(median_from_estimates(sample), Some(Median { point: 9.5, lower: 9.0, upper: 9.75 }));
    assert_eq!(json_field(sample, "slope"), Some("null"));
    let std_dev = json_field(sample, "std_dev").expect("std_dev");
    assert_eq!(json_field(std_dev, "point_estimate"), Some("1.5e3"));
    assert_eq!(json_field(r#"{"a\"}": "x,}", "b": [1, {"c": 2}], "d": 3}"#, "d"), Some("3"));
    assert_eq!(json_field(r#"{"a": 1}"#, "median"), None);
    assert_eq!(median_from_estimates("not json"), None);
}
