//! The tour's tracing: allockit's [`Tracing`] wrapper with a sink of the tour's own,
//! [`Show`], that prints each allocator call as it happens and adds it to a [`Ledger`],
//! one per allocator, from which the closing summary table is made.
//!
//! ```text
//!   Vec::push ──► Tracing<&Bump, Show> ──► &Bump ──► (a chunk of the bump)
//!                       │
//!                       └─► Show: prints "[Bump] grow 32 B -> 64 B align 8 in place"
//!                                 and adds the call to the Bump ledger
//! ```
//!
//! Neither allocates: the line is written with `println!` straight into stdout (its
//! buffer was allocated by std long before), and the ledger is a handful of atomics, so
//! threads can share it (the arena section traces four threads at once).

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use allockit::wrappers::tracing::{Call, Event, TraceSink, Tracing};

use crate::style::{CYAN, RESET, style};

/// An allocator traced by the tour.
pub type Traced<'l, A> = Tracing<A, Show<'l>>;

/// `inner`, traced into `ledger`, every call printed.
pub fn traced<A>(inner: A, ledger: &Ledger) -> Traced<'_, A> {
    Tracing::with_sink(inner, Show { ledger, quiet: false })
}

/// `inner`, traced into `ledger` without printing (for loops of thousands of calls).
pub fn counted<A>(inner: A, ledger: &Ledger) -> Traced<'_, A> {
    Tracing::with_sink(inner, Show { ledger, quiet: true })
}

/// The sink: records the event, and prints it unless quiet.
pub struct Show<'l> {
    ledger: &'l Ledger,
    quiet: bool,
}

impl TraceSink for Show<'_> {
    fn record(&self, event: &Event) {
        self.ledger.add(event);
        if !self.quiet {
            println!("      {}[{}] {event}{}", style(CYAN), self.ledger.name, style(RESET));
        }
    }
}

/// Totals of the calls one allocator saw.
pub struct Ledger {
    pub name: &'static str,
    pub allocations: AtomicUsize,
    pub bytes_allocated: AtomicUsize,
    pub grows_in_place: AtomicUsize,
    /// Bytes that in-place grows did not have to copy.
    pub copies_avoided: AtomicUsize,
    pub grows_moved: AtomicUsize,
    pub bytes_copied: AtomicUsize,
    pub shrinks: AtomicUsize,
    pub frees: AtomicUsize,
    pub refused: AtomicUsize,
}

impl Ledger {
    pub const fn new(name: &'static str) -> Ledger {
        Ledger {
            name,
            allocations: AtomicUsize::new(0),
            bytes_allocated: AtomicUsize::new(0),
            grows_in_place: AtomicUsize::new(0),
            copies_avoided: AtomicUsize::new(0),
            grows_moved: AtomicUsize::new(0),
            bytes_copied: AtomicUsize::new(0),
            shrinks: AtomicUsize::new(0),
            frees: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
        }
    }

    fn add(&self, event: &Event) {
        let bump = |counter: &AtomicUsize, n: usize| counter.fetch_add(n, Relaxed);
        if event.failed() {
            bump(&self.refused, 1);
            return;
        }
        match event.call {
            Call::Allocate | Call::AllocateZeroed => {
                bump(&self.allocations, 1);
                bump(&self.bytes_allocated, event.layout.size());
            }
            Call::Grow | Call::GrowZeroed if event.in_place() => {
                bump(&self.grows_in_place, 1);
                bump(&self.copies_avoided, event.old.map_or(0, |(_, old)| old.size()));
            }
            Call::Grow | Call::GrowZeroed => {
                bump(&self.grows_moved, 1);
                bump(&self.bytes_copied, event.bytes_copied());
            }
            Call::Shrink => {
                bump(&self.shrinks, 1);
                bump(&self.bytes_copied, event.bytes_copied());
            }
            Call::Deallocate => {
                bump(&self.frees, 1);
            }
        }
    }

    /// Every call recorded.
    pub fn calls(&self) -> usize {
        [
            &self.allocations,
            &self.grows_in_place,
            &self.grows_moved,
            &self.shrinks,
            &self.frees,
            &self.refused,
        ]
        .iter()
        .map(|c| c.load(Relaxed))
        .sum()
    }
}
