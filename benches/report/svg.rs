//! `docs/report.svg`: every ratio of the report as a horizontal bar, on a logarithmic
//! axis so that 2x slower and 2x faster are the same length.
//!
//! ```text
//!                       1/8    1/4    1/2     1      2
//!   vec_push             |      |      |  ████|      |      ours / std = 0.93, target 1.05 ▏
//!   binary-trees bump   ███████████████       |      |      0.21 of glibc's time
//! ```
//!
//! A bar ends at the ratio (left of the 1.0 line: ours is faster); its colour is the
//! verdict (green met, red missed, grey informational) and a tick marks the target.
//! Plain SVG written by hand: no plotting crate, no fonts beyond the viewer's sans-serif.

use std::fmt::Write as _;

use crate::common::NO_TARGET;
use crate::output::Report;

/// A bar: its label, ratio, target and verdict.
struct Bar {
    label: String,
    ratio: f64,
    target: f64,
}

/// The axis: ratios from 1/16 to 8, log2.
const MIN_LOG: f64 = -4.0;
const MAX_LOG: f64 = 3.0;
const LABEL_WIDTH: f64 = 400.0;
const PLOT_WIDTH: f64 = 480.0;
const ROW: f64 = 16.0;
const TOP: f64 = 48.0;

fn x(ratio: f64) -> f64 {
    let log = ratio.max(1e-9).log2().clamp(MIN_LOG, MAX_LOG);
    LABEL_WIDTH + (log - MIN_LOG) / (MAX_LOG - MIN_LOG) * PLOT_WIDTH
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The chart for `report`.
pub fn ratios(report: &Report) -> String {
    let mut bars: Vec<Bar> = Vec::new();
    for t in &report.tree_targets {
        if t.what.contains("time") {
            bars.push(Bar {
                label: format!("binary-trees d{}: {}", report.depth, t.what),
                ratio: t.value,
                target: t.target,
            });
        }
    }
    if let Some(ratio) = report.parser_ratio {
        bars.push(Bar {
            label: "parser: Bump AST / Box AST".into(),
            ratio: ratio.ratio,
            target: NO_TARGET,
        });
    }
    for r in &report.pairs {
        bars.push(Bar {
            label: format!("{} ({} / {})", r.group, r.ours, r.peer),
            ratio: r.ratio.ratio,
            target: r.target,
        });
    }

    let height = TOP + ROW * bars.len() as f64 + 40.0;
    let width = LABEL_WIDTH + PLOT_WIDTH + 70.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"##
    );
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="white"/>"##);
    let _ = writeln!(
        svg,
        r##"<text x="8" y="18" font-size="14" font-weight="bold">allockit / peer: time ratio (left of 1 = allockit faster; log scale)</text>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="8" y="34" fill="#555">{} run. Green: target met, red: missed, grey: no target. Tick: the target.</text>"##,
        report.mode
    );
    // Grid lines and their labels.
    for (log, label) in [
        (-4, "1/16"),
        (-3, "1/8"),
        (-2, "1/4"),
        (-1, "1/2"),
        (0, "1"),
        (1, "2"),
        (2, "4"),
        (3, "8"),
    ] {
        let gx = x(2f64.powi(log));
        let colour = if log == 0 { "#000" } else { "#ddd" };
        let _ = writeln!(
            svg,
            r##"<line x1="{gx:.1}" y1="{TOP}" x2="{gx:.1}" y2="{:.1}" stroke="{colour}"/>"##,
            height - 30.0
        );
        let _ = writeln!(
            svg,
            r##"<text x="{gx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{label}</text>"##,
            height - 16.0
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let colour = if bar.target == NO_TARGET {
            "#999"
        } else if bar.ratio <= bar.target {
            "#3a3"
        } else {
            "#d33"
        };
        let (x0, x1) = (x(1.0), x(bar.ratio));
        let (left, right) = if x1 < x0 { (x1, x0) } else { (x0, x1) };
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LABEL_WIDTH - 6.0,
            y + 11.0,
            escape(&bar.label)
        );
        let _ = writeln!(
            svg,
            r##"<rect x="{left:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"##,
            y + 2.0,
            (right - left).max(1.0),
            ROW - 4.0
        );
        if bar.target != NO_TARGET {
            let tx = x(bar.target);
            let _ = writeln!(
                svg,
                r##"<line x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{:.1}" stroke="#000" stroke-width="2"/>"##,
                y + 1.0,
                y + ROW - 1.0
            );
        }
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}">{:.2}</text>"##,
            LABEL_WIDTH + PLOT_WIDTH + 6.0,
            y + 11.0,
            bar.ratio
        );
    }
    svg.push_str("</svg>\n");
    svg
}
