//! The report's tables: printed as the run goes, then written as Markdown to
//! `docs/report.md`, summarised in `README.md` between the report markers, and drawn as
//! bars in `docs/report.svg` (`svg.rs`).

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::common::{NO_TARGET, Nanos};
use crate::memory::Memory;
use crate::timing::Ratio;

/// One comparison of the pairs section.
pub struct Row {
    /// The per-type bench it comes from.
    pub suite: &'static str,
    /// Its criterion group.
    pub group: &'static str,
    /// Our function.
    pub ours: &'static str,
    /// The peer's function.
    pub peer: &'static str,
    /// The largest ratio that meets the target ([`NO_TARGET`]: none).
    pub target: f64,
    /// The measurement.
    pub ratio: Ratio,
    /// One iteration's memory, ours and the peer's (each in a child process).
    pub memory: Option<(Memory, Memory)>,
}

impl Row {
    /// `OK`, `MISS` or `info`.
    pub fn verdict(&self) -> &'static str {
        verdict(self.ratio.ratio, self.target)
    }

    /// The row as a line of the console table.
    pub fn line(&self) -> String {
        let memory = match self.memory {
            Some((ours, peer)) => format!(
                "  requested {:>9} / {:<9}  RSS +{:>9} / +{:<9}",
                bytes(ours.requested),
                bytes(peer.requested),
                bytes(ours.rss_growth()),
                bytes(peer.rss_growth())
            ),
            None => String::new(),
        };
        format!(
            "{:<7} {:<40} {:>9} vs {:<11} {:>10} {:>10} {:>6.3}  {:>5}  {:<4}  {:.2}..{:.2}{memory}",
            self.suite,
            self.group,
            self.ours,
            self.peer,
            Nanos(self.ratio.ours_ns).to_string(),
            Nanos(self.ratio.peer_ns).to_string(),
            self.ratio.ratio,
            target_text(self.target),
            self.verdict(),
            self.ratio.spread.0,
            self.ratio.spread.1,
        )
    }

    fn memory_cells(&self) -> String {
        match self.memory {
            Some((ours, peer)) => format!(
                "{} / {} | {} / {}",
                bytes(ours.requested),
                bytes(peer.requested),
                bytes(ours.rss_growth()),
                bytes(peer.rss_growth())
            ),
            None => "- | -".into(),
        }
    }
}

/// One variant of the binary-trees or parser section.
pub struct MemoryRow {
    /// The variant.
    pub name: &'static str,
    /// What allocates.
    pub about: &'static str,
    /// Ours or a peer.
    pub ours: bool,
    /// Median time of a whole run, ns.
    pub ns: f64,
    /// Every round's time, ns.
    pub rounds: Vec<f64>,
    /// Nodes built in a run.
    pub units: u64,
    /// Instructions per node, if counted.
    pub instructions: Option<f64>,
    /// Memory, from a child process.
    pub memory: Memory,
}

impl MemoryRow {
    /// The row as a line of the console table.
    pub fn line(&self) -> String {
        format!(
            "{:<14} {:>10} {:>8.1} ns/node {:>10} instr/node  requested {:>10}  peak live {:>10}  peak RSS {:>10}  ({})",
            self.name,
            Nanos(self.ns).to_string(),
            self.ns / self.units as f64,
            self.instructions.map_or("-".into(), |i| format!("{i:.1}")),
            bytes(self.memory.requested),
            bytes(self.memory.peak_live),
            bytes(self.memory.peak_rss_kib * 1024),
            self.about,
        )
    }
}

/// A target of the binary-trees section.
pub struct TargetRow {
    /// What is compared.
    pub what: String,
    /// The measured value (for a time: the median of the per-round ratios).
    pub value: f64,
    /// For a time: the ratio of the two median times, which can differ from `value`
    /// when rounds vary (a MISS by one and an OK by the other is a tie).
    pub of_medians: Option<f64>,
    /// The largest value that meets the target.
    pub target: f64,
}

impl TargetRow {
    /// The row as a line of the console table.
    pub fn line(&self) -> String {
        let medians =
            self.of_medians.map_or(String::new(), |r| format!("  (of the medians: {r:.3})"));
        format!(
            "target: {:<36} {:>8.3}  <= {:<6}  {}{medians}",
            self.what,
            self.value,
            self.target,
            verdict(self.value, self.target)
        )
    }
}

/// Everything one run measured.
pub struct Report {
    /// `full`, `quick` or `test`.
    pub mode: &'static str,
    /// Section 1.
    pub pairs: Vec<Row>,
    /// Section 2 and its depth.
    pub trees: Vec<MemoryRow>,
    /// The binary-trees depth.
    pub depth: u32,
    /// The binary-trees targets.
    pub tree_targets: Vec<TargetRow>,
    /// Section 3.
    pub parser: Vec<MemoryRow>,
    /// The parser's document length, bytes.
    pub document: usize,
    /// Ours over the peer in the parser section.
    pub parser_ratio: Option<Ratio>,
}

fn verdict(value: f64, target: f64) -> &'static str {
    if target == NO_TARGET {
        "info"
    } else if value <= target {
        "OK"
    } else {
        "MISS"
    }
}

fn target_text(target: f64) -> String {
    if target == NO_TARGET { "-".into() } else { format!("{target:.2}") }
}

/// Round times, in order, for the Markdown.
fn rounds(ns: &[f64]) -> String {
    ns.iter().map(|&t| Nanos(t).to_string()).collect::<Vec<_>>().join(", ")
}

/// A byte count with a binary unit.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= (1u64 << 30) as f64 {
        format!("{:.2} GiB", n / (1u64 << 30) as f64)
    } else if n >= (1 << 20) as f64 {
        format!("{:.1} MiB", n / (1 << 20) as f64)
    } else if n >= 1024.0 {
        format!("{:.1} KiB", n / 1024.0)
    } else {
        format!("{n} B")
    }
}

impl Report {
    /// An empty report.
    pub fn new(mode: &'static str) -> Report {
        Report {
            mode,
            pairs: Vec::new(),
            trees: Vec::new(),
            depth: 0,
            tree_targets: Vec::new(),
            parser: Vec::new(),
            document: 0,
            parser_ratio: None,
        }
    }

    /// Counts of the verdicts of every target row.
    fn verdicts(&self) -> (usize, usize, usize) {
        let all = self
            .pairs
            .iter()
            .map(Row::verdict)
            .chain(self.tree_targets.iter().map(|t| verdict(t.value, t.target)));
        let (mut ok, mut miss, mut info) = (0, 0, 0);
        for v in all {
            match v {
                "OK" => ok += 1,
                "MISS" => miss += 1,
                _ => info += 1,
            }
        }
        (ok, miss, info)
    }

    /// The closing lines on the console.
    pub fn print_summary(&self) {
        let (ok, miss, info) = self.verdicts();
        println!("\n== summary ({} run) ==", self.mode);
        println!("{ok} targets met, {miss} missed, {info} informational rows");
        for row in self.pairs.iter().filter(|r| r.verdict() == "MISS") {
            println!("MISS {}", row.line());
        }
        for t in self.tree_targets.iter().filter(|t| verdict(t.value, t.target) == "MISS") {
            println!("MISS {}", t.line());
        }
    }

    /// Writes `docs/report.md`, `docs/report.svg` and the README section.
    pub fn write(&self) -> io::Result<()> {
        let root = project_root();
        let docs = root.join("docs");
        fs::create_dir_all(&docs)?;
        fs::write(docs.join("report.md"), self.markdown())?;
        fs::write(docs.join("report.svg"), crate::svg::ratios(self))?;
        let readme_path = root.join("README.md");
        let readme = fs::read_to_string(&readme_path)?;
        match replace_between(&readme, BEGIN, END, &self.readme_section()) {
            Some(updated) => fs::write(&readme_path, updated)?,
            None => eprintln!("README.md has no {BEGIN} ... {END} markers; left alone"),
        }
        println!("wrote docs/report.md, docs/report.svg and the README's report table");
        Ok(())
    }

    /// The machine and the run, in a line.
    fn machine(&self) -> String {
        let cpu = fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("model name")?.split(':').nth(1))
                    .map(|m| m.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown CPU".into());
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let memory_gib = fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            })
            .map_or(0.0, |kib| kib / (1 << 20) as f64);
        let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "rustc (unknown version)".into());
        format!("{cpu}, {cores} cores, {memory_gib:.0} GiB, Linux; {rustc}")
    }

    /// Every table, as Markdown.
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# allockit benchmark report\n");
        let _ = writeln!(
            md,
            "Generated by `cargo bench --bench report` ({} run) on {}. Do not edit: the \
             next run rewrites this file.\n",
            self.mode,
            self.machine()
        );
        let (ok, miss, info) = self.verdicts();
        let _ = writeln!(md, "{ok} targets met, {miss} missed, {info} informational.\n");
        md.push_str(&self.trees_markdown());
        md.push_str(&self.parser_markdown());
        let _ = writeln!(md, "## Every pair of the per-type benches\n");
        let _ = writeln!(
            md,
            "Median time per iteration over interleaved rounds; *ratio* is the median of the \
             per-round ratios ours / peer, *spread* their middle half.\n"
        );
        let _ = writeln!(
            md,
            "| bench | group | ours | peer | ours | peer | ratio | target | verdict | spread |"
        );
        let _ = writeln!(md, "|---|---|---|---|--:|--:|--:|--:|---|---|");
        for r in &self.pairs {
            let _ = writeln!(
                md,
                "| {} | `{}` | {} | {} | {} | {} | {:.3} | {} | {} | {:.2}..{:.2} | {} |",
                r.suite,
                r.group,
                r.ours,
                r.peer,
                Nanos(r.ratio.ours_ns),
                Nanos(r.ratio.peer_ns),
                r.ratio.ratio,
                target_text(r.target),
                r.verdict(),
                r.ratio.spread.0,
                r.ratio.spread.1,
                r.memory_cells()
            );
        }
        md
    }

    fn memory_table(rows: &[MemoryRow], unit: &str) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "| allocator | time | ns/{unit} | instructions/{unit} | bytes requested | peak live | peak RSS | RSS before |"
        );
        let _ = writeln!(md, "|---|--:|--:|--:|--:|--:|--:|--:|");
        for r in rows {
            let name = if r.ours { format!("**{}**", r.name) } else { r.name.to_owned() };
            let _ = writeln!(
                md,
                "| {name} | {} | {:.1} | {} | {} | {} | {} | {} |",
                Nanos(r.ns),
                r.ns / r.units as f64,
                r.instructions.map_or("-".into(), |i| format!("{i:.1}")),
                bytes(r.memory.requested),
                bytes(r.memory.peak_live),
                bytes(r.memory.peak_rss_kib * 1024),
                bytes(r.memory.baseline_rss_kib * 1024),
            );
        }
        md
    }

    fn trees_markdown(&self) -> String {
        if self.trees.is_empty() {
            return String::new();
        }
        let mut md = format!("## Binary-trees, depth {}\n\n", self.depth);
        md.push_str(&Self::memory_table(&self.trees, "node"));
        md.push('\n');
        for r in &self.trees {
            let _ = writeln!(md, "- **{}**: {}; rounds: {}", r.name, r.about, rounds(&r.rounds));
        }
        md.push('\n');
        if !self.tree_targets.is_empty() {
            let _ = writeln!(
                md,
                "| target | value | ratio of the medians | at most | verdict |\n|---|--:|--:|--:|---|"
            );
            for t in &self.tree_targets {
                let _ = writeln!(
                    md,
                    "| {} | {:.3} | {} | {} | {} |",
                    t.what,
                    t.value,
                    t.of_medians.map_or("-".into(), |r| format!("{r:.3}")),
                    t.target,
                    verdict(t.value, t.target)
                );
            }
            let _ = writeln!(
                md,
                "\nA time's value is the median of the per-round ratios (each round runs every \
                 variant once, so a slow moment of the machine hits both sides of a ratio); \
                 the ratio of the median times is shown beside it.\n"
            );
            md.push('\n');
        }
        md
    }

    fn parser_markdown(&self) -> String {
        if self.parser.is_empty() {
            return String::new();
        }
        let mut md =
            format!("## Parser, a {:.1} MB JSON-like document\n\n", self.document as f64 / 1e6);
        md.push_str(&Self::memory_table(&self.parser, "node"));
        md.push('\n');
        for r in &self.parser {
            let _ = writeln!(md, "- **{}**: {}; rounds: {}", r.name, r.about, rounds(&r.rounds));
        }
        md.push('\n');
        md
    }

    /// The README's short table.
    fn readme_section(&self) -> String {
        let mut md = String::new();
        let (ok, miss, info) = self.verdicts();
        let _ = writeln!(
            md,
            "Measured by `cargo bench --bench report` ({} run) on {}: {ok} targets met, \
             {miss} missed, {info} informational. Every row is in [docs/report.md](docs/report.md).\n",
            self.mode,
            self.machine()
        );
        if !self.trees.is_empty() {
            let _ = writeln!(md, "Binary-trees at depth {}:\n", self.depth);
            let _ = writeln!(md, "| nodes in | time | instructions/node | requested | peak RSS |");
            let _ = writeln!(md, "|---|--:|--:|--:|--:|");
            for r in &self.trees {
                let name = if r.ours { format!("**{}**", r.name) } else { r.name.to_owned() };
                let _ = writeln!(
                    md,
                    "| {name} | {} | {} | {} | {} |",
                    Nanos(r.ns),
                    r.instructions.map_or("-".into(), |i| format!("{i:.1}")),
                    bytes(r.memory.requested),
                    bytes(r.memory.peak_rss_kib * 1024)
                );
            }
            md.push('\n');
        }
        if let Some(ratio) = self.parser_ratio {
            let _ = writeln!(
                md,
                "Parser ({:.0} MB document): AST in a `Bump` {} against `Box`/`Vec`/`String` {} \
                 (ratio {:.2}).\n",
                self.document as f64 / 1e6,
                Nanos(ratio.ours_ns),
                Nanos(ratio.peer_ns),
                ratio.ratio
            );
        }
        let _ = writeln!(md, "![ratios of the report](docs/report.svg)");
        md
    }
}

/// The README markers the report writes between.
const BEGIN: &str = "<!-- report:begin -->";
const END: &str = "<!-- report:end -->";

/// `text` with what lies between `begin` and `end` replaced by `body`.
fn replace_between(text: &str, begin: &str, end: &str, body: &str) -> Option<String> {
    let start = text.find(begin)? + begin.len();
    let stop = start + text[start..].find(end)?;
    Some(format!("{}\n{}{}", &text[..start], body, &text[stop..]))
}

/// The project's root: where Cargo.toml is (cargo runs benches from there).
fn project_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.to_path_buf()
}
