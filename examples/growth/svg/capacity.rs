//! Panel 1 of the chart: the capacity after each push as a staircase above the length
//! line (runs that climbed the same steps share one), with its legend, and below it one
//! lane per allocator marking each call at the push that made it.

use std::fmt::Write as _;
use std::vec::Vec as StdVec;

use super::axes::{LogAxis, horizontal_grid, pushes_axis};
use super::marks::Mark;
use super::{LANE, LANES_TOP, LEFT, LEGEND, P1_BOTTOM, P1_TOP, RIGHT, escape};
use crate::runs::Run;
use crate::style::group;

/// A capacity staircase, and the runs that climbed it.
struct Staircase<'a> {
    /// (push, capacity after it) at each allocation and grow.
    steps: StdVec<(usize, usize)>,
    runs: StdVec<&'a Run>,
}

/// Panel 1: the capacity after each push, and a lane of calls per allocator.
pub(super) fn capacity_panel(svg: &mut String, runs: &[Run], n: usize, x: LogAxis) {
    let top_capacity = runs.iter().map(|r| r.trace.capacity).max().unwrap_or(4).max(4);
    let y = LogAxis {
        lo: -0.35,
        hi: (top_capacity as f64).log2().ceil() + 0.5,
        from: P1_BOTTOM,
        to: P1_TOP,
    };
    let _ = writeln!(
        svg,
        r##"<text x="16" y="{:.1}" font-size="13" font-weight="bold">1. Capacity after each push (both axes log₂: every doubling is one equal step)</text>"##,
        P1_TOP - 16.0
    );

    // Grid: a line per power of two, labelled every other one.
    horizontal_grid(svg, y, |c| group(c as usize));
    // A faint vertical line at every push that called the allocator, through the lanes.
    let lanes_bottom = LANES_TOP + LANE * runs.len() as f64;
    let mut pushes: StdVec<usize> =
        runs.iter().flat_map(|r| r.trace.changes.iter().map(|c| c.push.max(1))).collect();
    pushes.sort_unstable();
    pushes.dedup();
    for &p in &pushes {
        let px = x.at(p as f64);
        let _ = writeln!(
            svg,
            r##"<line x1="{px:.1}" y1="{P1_TOP}" x2="{px:.1}" y2="{lanes_bottom:.1}" stroke="#e8e8e8" stroke-dasharray="2 2"/>"##
        );
    }
    let _ = writeln!(
        svg,
        r##"<rect x="{LEFT}" y="{P1_TOP}" width="{:.1}" height="{:.1}" fill="none" stroke="#999"/>"##,
        RIGHT - LEFT,
        P1_BOTTOM - P1_TOP
    );
    let _ = writeln!(
        svg,
        r##"<text transform="translate(20,{:.1}) rotate(-90)" text-anchor="middle" fill="#333">capacity (elements), log₂ scale</text>"##,
        (P1_TOP + P1_BOTTOM) / 2.0
    );

    // The length: one more after each push, the diagonal the staircase stays above.
    let (x0, y0, x1, y1) = (x.at(1.0), y.at(1.0), x.at(n as f64), y.at(n as f64));
    let _ = writeln!(
        svg,
        r##"<line x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y1:.1}" stroke="#888" stroke-width="1.2" stroke-dasharray="3 3"/>"##
    );
    let angle = (y1 - y0).atan2(x1 - x0).to_degrees();
    let (lx, ly) = (x.at((n as f64).sqrt()), y.at((n as f64).sqrt()));
    let _ = writeln!(
        svg,
        r##"<text transform="translate({:.1},{:.1}) rotate({angle:.1})" fill="#777" text-anchor="middle">length</text>"##,
        lx + 10.0,
        ly + 14.0
    );

    // The staircases: runs with the same steps share one (drawn once, in black).
    let mut stairs: StdVec<Staircase> = StdVec::new();
    for run in runs {
        let steps: StdVec<(usize, usize)> =
            run.trace.changes.iter().map(|c| (c.push.max(1), c.capacity)).collect();
        match stairs.iter_mut().find(|s| s.steps == steps) {
            Some(stair) => stair.runs.push(run),
            None => stairs.push(Staircase { steps, runs: vec![run] }),
        }
    }
    let mut legend_y = P1_TOP + 8.0;
    for Staircase { steps, runs: members } in &stairs {
        let Some(&(p, c)) = steps.first() else { continue };
        let mut d = format!("M{:.1},{:.1}", x.at(p as f64), y.at(c as f64));
        for &(p, c) in &steps[1..] {
            let _ = write!(d, "H{:.1}V{:.1}", x.at(p as f64), y.at(c as f64));
        }
        let _ = write!(d, "H{RIGHT}");
        let (colour, dash) = match members.as_slice() {
            [only] => (only.colour, only.dash),
            _ => ("#222", ""),
        };
        let _ = writeln!(
            svg,
            r##"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"##
        );
        let _ = writeln!(
            svg,
            r##"<line x1="{LEGEND}" y1="{legend_y:.1}" x2="{:.1}" y2="{legend_y:.1}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>"##,
            LEGEND + 24.0
        );
        let label = match members.as_slice() {
            [only] => format!("capacity: {}", only.name),
            _ => format!("capacity: the {} growing vectors", members.len()),
        };
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}">{}</text>"##,
            LEGEND + 30.0,
            legend_y + 4.0,
            escape(&label)
        );
        if members.len() > 1 {
            legend_y += 15.0;
            let _ = writeln!(
                svg,
                r##"<text x="{:.1}" y="{:.1}" fill="#666">identical: the rule ignores the allocator</text>"##,
                LEGEND + 30.0,
                legend_y + 4.0
            );
        }
        legend_y += 22.0;
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{LEGEND}" y1="{legend_y:.1}" x2="{:.1}" y2="{legend_y:.1}" stroke="#888" stroke-width="1.2" stroke-dasharray="3 3"/><text x="{:.1}" y="{:.1}">length (= pushes)</text>"##,
        LEGEND + 24.0,
        LEGEND + 30.0,
        legend_y + 4.0
    );
    legend_y += 30.0;
    for line in [
        "Each step: the vector was full, the next",
        "push asked for twice the room. The",
        "staircase touches the length line when",
        "the vector is full, just before a grow.",
    ] {
        let _ =
            writeln!(svg, r##"<text x="{LEGEND}" y="{legend_y:.1}" fill="#555">{line}</text>"##);
        legend_y += 15.0;
    }

    pushes_axis(svg, x, n, P1_BOTTOM);

    // The lanes: each allocator's calls at the push that made them.
    let _ = writeln!(
        svg,
        r##"<text x="{LEFT}" y="{:.1}" font-weight="bold" fill="#333">Allocator calls, at the push that made them:</text>"##,
        LANES_TOP - 12.0
    );
    // The key, with each entry's offset from the first (room for its label).
    let key = [
        (0.0, Mark::InPlace, "grew in place"),
        (96.0, Mark::Moved, "moved (and copied)"),
        (236.0, Mark::Allocated, "allocated"),
    ];
    for (offset, mark, label) in key {
        let kx = RIGHT - 300.0 + offset;
        mark.draw(svg, kx, LANES_TOP - 16.0, "#333", 4.0);
        let _ = writeln!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" fill="#333">{label}</text>"##,
            kx + 9.0,
            LANES_TOP - 12.0
        );
    }
    for (i, run) in runs.iter().enumerate() {
        let cy = LANES_TOP + LANE * (i as f64 + 0.5);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{cy:.1}" x2="{RIGHT}" y2="{cy:.1}" stroke="{}" stroke-opacity="0.35"/>"##,
            run.colour
        );
        for change in &run.trace.changes {
            Mark::of(&change.event).draw(svg, x.at(change.push.max(1) as f64), cy, run.colour, 4.5);
        }
        let grows = match (run.trace.grows_in_place(), run.trace.grows_moved()) {
            (0, 0) => "no grow".to_string(),
            (in_place, moved) => format!("{in_place} in place, {moved} moved"),
        };
        let _ = writeln!(
            svg,
            r##"<text x="{LEGEND}" y="{:.1}" fill="{}" font-weight="bold">{}</text><text x="{:.1}" y="{:.1}" fill="#555">{grows}</text>"##,
            cy + 4.0,
            run.colour,
            escape(run.name),
            LEGEND + 122.0,
            cy + 4.0
        );
    }
}
