//! The chart's axes: [`LogAxis`], a log₂ scale from values to pixels, and the pushes
//! axis both panels share, with its ticks and labels; and the labels of the bytes axis.

use std::fmt::Write as _;

use super::{LEFT, RIGHT};
use crate::style::group;

/// A log₂ axis: `lo` and `hi` are exponents, `from` and `to` the pixels they map to.
#[derive(Clone, Copy)]
pub(super) struct LogAxis {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) from: f64,
    pub(super) to: f64,
}

impl LogAxis {
    pub(super) fn at(self, value: f64) -> f64 {
        let t = (value.max(f64::MIN_POSITIVE).log2() - self.lo) / (self.hi - self.lo);
        self.from + t * (self.to - self.from)
    }

    /// The powers of two within the axis whose exponents are multiples of `step`.
    pub(super) fn powers(self, step: i32) -> impl Iterator<Item = u64> {
        let first = (self.lo.ceil() as i32).max(0);
        let last = self.hi.floor() as i32;
        (first..=last).filter(move |e| e % step == 0).map(|e| 1_u64 << e)
    }
}

/// The horizontal grid of a log₂ axis `y`: a line at every power of two, darker and
/// labelled (by `label`) at every other one.
pub(super) fn horizontal_grid(svg: &mut String, y: LogAxis, label: impl Fn(u64) -> String) {
    for value in y.powers(1) {
        let py = y.at(value as f64);
        let even = value.trailing_zeros() % 2 == 0;
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{RIGHT}" y2="{py:.1}" stroke="{}"/>"##,
            if even { "#e4e4e4" } else { "#f2f2f2" }
        );
        if even {
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text>"##,
                LEFT - 6.0,
                py + 4.0,
                label(value)
            );
        }
    }
}

/// The ticks and labels of the pushes axis, at `y` (the axis line) with labels below.
pub(super) fn pushes_axis(svg: &mut String, x: LogAxis, n: usize, y: f64) {
    let _ = writeln!(svg, r##"<line x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}" stroke="#333"/>"##);
    for p in x.powers(2) {
        let px = x.at(p as f64);
        // Leave room for N's own label at the right end (about 6.5 px a character).
        let room = 6.5 * (group(p as usize).len() + group(n).len() + 4) as f64 / 2.0 + 8.0;
        if RIGHT - px < room {
            continue;
        }
        let _ = writeln!(
            svg,
            r##"<line x1="{px:.1}" y1="{y}" x2="{px:.1}" y2="{:.1}" stroke="#333"/><text x="{px:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text>"##,
            y + 4.0,
            y + 16.0,
            group(p as usize)
        );
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{RIGHT}" y1="{y}" x2="{RIGHT}" y2="{:.1}" stroke="#333"/><text x="{RIGHT}" y="{:.1}" text-anchor="middle" font-weight="bold">N = {}</text>"##,
        y + 4.0,
        y + 16.0,
        group(n)
    );
    let _ = writeln!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">pushes (= the vector's length), log₂ scale</text>"##,
        (LEFT + RIGHT) / 2.0,
        y + 32.0
    );
}

/// A power-of-two byte count as a short axis label: `64 B`, `16 KiB`, `4 MiB`.
pub(super) fn bytes_tick(n: u64) -> String {
    match n {
        _ if n >= 1 << 30 => format!("{} GiB", n >> 30),
        _ if n >= 1 << 20 => format!("{} MiB", n >> 20),
        _ if n >= 1 << 10 => format!("{} KiB", n >> 10),
        _ => format!("{n} B"),
    }
}
