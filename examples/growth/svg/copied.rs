//! Panel 2 of the chart: the bytes copied so far, one step line per allocator on a log₂
//! scale with a row for zero below it, over the band where a vector that copies on every
//! grow must lie, with a legend giving each allocator's total.

use std::fmt::Write as _;
use std::vec::Vec as StdVec;

use super::axes::{LogAxis, bytes_tick, horizontal_grid, pushes_axis};
use super::marks::Mark;
use super::{LEFT, LEGEND, P2_BOTTOM, P2_TOP, RIGHT, ZERO_ROW, escape};
use crate::record::ELEM;
use crate::runs::Run;
use crate::style::{bytes, share};

/// Panel 2: the bytes copied so far, after each push.
pub(super) fn copied_panel(svg: &mut String, runs: &[Run], n: usize, x: LogAxis) {
    let most = runs.iter().map(|r| r.trace.bytes_copied()).max().unwrap_or(0);
    let top = most.max(2 * n * ELEM).max(64) as f64;
    let y = LogAxis { lo: 2.6, hi: top.log2() + 0.4, from: P2_BOTTOM, to: P2_TOP };
    let _ = writeln!(
        svg,
        r##"<text x="16" y="{:.1}" font-size="13" font-weight="bold">2. Bytes copied by the grows so far (log₂ scale; lines that never copy run along 0)</text>"##,
        P2_TOP - 16.0
    );
    let _ = writeln!(
        svg,
        r##"<clipPath id="copied"><rect x="{LEFT}" y="{P2_TOP}" width="{:.1}" height="{:.1}"/></clipPath>"##,
        RIGHT - LEFT,
        P2_BOTTOM - P2_TOP
    );
    horizontal_grid(svg, y, bytes_tick);
    // The band a vector that moves on every grow stays in: after p pushes it has copied
    // (capacity - 4) elements, and p <= capacity < 2p.
    let samples = 160;
    let hi = n as f64;
    let point =
        |i: usize| 5_f64.powf(1.0 - i as f64 / samples as f64) * hi.powf(i as f64 / samples as f64);
    let mut band = String::new();
    for i in 0..=samples {
        let p = point(i);
        let _ =
            write!(band, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x.at(p), y.at(16.0 * p));
    }
    for i in (0..=samples).rev() {
        let p = point(i);
        let _ = write!(band, "L{:.1},{:.1}", x.at(p), y.at((8.0 * (p - 4.0)).max(1.0)));
    }
    if n > 4 {
        let _ = writeln!(
            svg,
            r##"<path d="{band}Z" fill="#f4c542" fill-opacity="0.22" stroke="#e0a800" stroke-opacity="0.5" clip-path="url(#copied)"/>"##
        );
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{P2_TOP}" width="{:.1}" height="{:.1}" fill="none" stroke="#999"/>"##,
        RIGHT - LEFT,
        P2_BOTTOM - P2_TOP
    );
    // The row for zero, below a break in the axis.
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{ZERO_ROW}" x2="{RIGHT}" y2="{ZERO_ROW}" stroke="#ccc"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">0</text>"##,
        LEFT - 6.0,
        ZERO_ROW + 4.0
    );
    let gap = (P2_BOTTOM + ZERO_ROW) / 2.0;
    let _ = writeln!(
        svg,
        r##"<path d="M{:.1},{:.1}l10,-4M{:.1},{:.1}l10,-4" stroke="#666"/>"##,
        LEFT - 5.0,
        gap,
        LEFT - 5.0,
        gap + 5.0
    );
    let _ = writeln!(
        svg,
        r##"<text transform="translate(20,{:.1}) rotate(-90)" text-anchor="middle" fill="#333">bytes copied so far, log₂ scale</text>"##,
        (P2_TOP + ZERO_ROW) / 2.0
    );

    // One step line per run, climbing at each move.
    let level = |copied: usize| if copied == 0 { ZERO_ROW } else { y.at(copied as f64) };
    for run in runs.iter().filter(|r| r.under).chain(runs.iter().filter(|r| !r.under)) {
        let mut copied = 0;
        let mut d = format!("M{LEFT},{ZERO_ROW}");
        let mut moves = StdVec::new();
        for change in run.trace.changes.iter().filter(|c| c.event.moved()) {
            copied += change.event.bytes_copied();
            let px = x.at(change.push.max(1) as f64);
            let _ = write!(d, "H{px:.1}V{:.1}", level(copied));
            moves.push((px, level(copied)));
        }
        let _ = write!(d, "H{RIGHT}");
        let _ = writeln!(
            svg,
            r##"<path d="{d}" fill="none" {} stroke-linejoin="round"/>"##,
            run.stroke()
        );
        for (px, py) in moves {
            Mark::Moved.draw(svg, px, py, run.colour, 3.5);
        }
    }
    pushes_axis(svg, x, n, ZERO_ROW + 8.0);

    // The legend: a line per run with its total, then the band.
    let mut ly = P2_TOP + 8.0;
    for run in runs {
        let copied = run.trace.bytes_copied();
        let _ = writeln!(
            svg,
            r##"<line x1="{LEGEND}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" {}/><text x="{:.1}" y="{:.1}" font-weight="bold" fill="{}">{}</text>"##,
            LEGEND + 24.0,
            run.stroke(),
            LEGEND + 30.0,
            ly + 4.0,
            run.colour,
            escape(run.name)
        );
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#555">{}</text><text x="{:.1}" y="{:.1}" fill="#333">{}</text>"##,
            LEGEND + 30.0,
            ly + 18.0,
            escape(run.about),
            LEGEND + 30.0,
            ly + 32.0,
            match copied {
                0 => "nothing copied".to_string(),
                _ => escape(&format!("{} copied, {} × N × 8", bytes(copied), share(copied, n))),
            }
        );
        ly += 46.0;
    }
    let mut lines = vec![
        "where a vector that copies on",
        "every grow must be: 8 × (p − 4)",
        "to 16 × p bytes after p pushes",
    ];
    let _ = writeln!(
        svg,
        r##"<rect x="{LEGEND}" y="{:.1}" width="24" height="12" fill="#f4c542" fill-opacity="0.22" stroke="#e0a800" stroke-opacity="0.5"/>"##,
        ly - 6.0
    );
    let remapped = runs.iter().any(|r| r.realloc && r.trace.remapped() > 0);
    if cfg!(all(target_os = "linux", target_env = "gnu")) && remapped {
        lines.extend([
            "",
            "Global's moves of blocks from 128 KiB",
            "up are usually glibc's mremap: pages",
            "remapped, not copied, yet counted.",
        ]);
    }
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="{}">{line}</text>"##,
            LEGEND + 30.0,
            ly + 4.0 + 14.0 * i as f64,
            if i < 3 { "#333" } else { "#555" }
        );
    }
}
