//! The SVG chart: the canvas and its layout, the title, the two panels (`capacity.rs`,
//! `copied.rs`) over one log₂ axis of pushes (`axes.rs`), with the marks of the calls
//! (`marks.rs`), and the writing of the file.

mod axes;
mod capacity;
mod copied;
mod marks;

use std::fmt::Write as _;
use std::path::Path;

use crate::runs::Run;
use crate::style::group;
use axes::LogAxis;
use capacity::capacity_panel;
use copied::copied_panel;

/// Canvas width.
const WIDTH: f64 = 960.0;
/// Left edge of both plots (the y labels go left of it).
const LEFT: f64 = 78.0;
/// Right edge of both plots.
const RIGHT: f64 = 668.0;
/// Left edge of the legend column.
const LEGEND: f64 = 690.0;
/// Panel 1: the capacity plot.
const P1_TOP: f64 = 92.0;
const P1_BOTTOM: f64 = 372.0;
/// Panel 1's lanes of markers, one per run.
const LANES_TOP: f64 = 438.0;
const LANE: f64 = 24.0;
/// Panel 2: the bytes-copied plot, and the row below it for lines at zero.
const P2_TOP: f64 = 586.0;
const P2_BOTTOM: f64 = 826.0;
const ZERO_ROW: f64 = 850.0;
/// Canvas height.
const HEIGHT: f64 = 912.0;

/// Text safe inside an SVG element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The whole SVG document.
pub(crate) fn chart(runs: &[Run], n: usize) -> String {
    // Pushes on a log₂ axis from 1 to N (a little room left of 1 for the markers there).
    let x = LogAxis { lo: -0.35, hi: (n.max(4) as f64).log2(), from: LEFT, to: RIGHT };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">"##
    );
    let _ = writeln!(svg, r##"<rect width="100%" height="100%" fill="white"/>"##);
    let _ = writeln!(
        svg,
        r##"<text x="16" y="26" font-size="16" font-weight="bold">How a Vec grows: {} pushes of u64 into allockit::Vec, every allocator call traced</text>"##,
        group(n)
    );
    let _ = writeln!(
        svg,
        r##"<text x="16" y="45" fill="#555">Capacity doubles (4, 8, 16, ...) whatever the allocator; whether each grow copies depends on the allocator.</text>"##
    );
    capacity_panel(&mut svg, runs, n, x);
    copied_panel(&mut svg, runs, n, x);
    let _ = writeln!(svg, "</svg>");
    svg
}

/// Writes the chart, creating its directory if needed.
pub(crate) fn write_svg(path: &Path, svg: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, svg)
}
