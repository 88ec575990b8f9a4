//! The marks of the allocator calls in the chart: ● a grow in place, ✕ a move, ◇ the
//! first allocation.

use std::fmt::Write as _;

use allockit::wrappers::tracing::Event;

/// How a call is marked in the chart.
#[derive(Clone, Copy)]
pub(super) enum Mark {
    /// A grow that kept the address: ●.
    InPlace,
    /// A grow that moved (and copied): ✕.
    Moved,
    /// The first allocation: ◇.
    Allocated,
}

impl Mark {
    pub(super) fn of(event: &Event) -> Mark {
        if event.moved() {
            Mark::Moved
        } else if event.in_place() {
            Mark::InPlace
        } else {
            Mark::Allocated
        }
    }

    /// Draws the mark centred on (`cx`, `cy`).
    pub(super) fn draw(self, svg: &mut String, cx: f64, cy: f64, colour: &str, size: f64) {
        let (s, d) = (size, 2.0 * size);
        let _ = match self {
            Mark::InPlace => {
                writeln!(svg, r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="{s:.1}" fill="{colour}"/>"##)
            }
            Mark::Moved => writeln!(
                svg,
                r##"<path d="M{:.1},{:.1}l{d:.1},{d:.1}m0,-{d:.1}l-{d:.1},{d:.1}" stroke="{colour}" stroke-width="2.2"/>"##,
                cx - s,
                cy - s
            ),
            Mark::Allocated => {
                let s = 1.3 * s;
                writeln!(
                    svg,
                    r##"<path d="M{cx:.1},{:.1}l{s:.1},{s:.1}l-{s:.1},{s:.1}l-{s:.1},-{s:.1}z" fill="white" stroke="{colour}" stroke-width="1.8"/>"##,
                    cy - s
                )
            }
        };
    }
}
