//! The recording: [`watch`] pushes N `u64`s into a vector over allockit's [`Tracing`]
//! wrapper, whose closure sink keeps every allocator call, and returns them as a [`Trace`]
//! of [`Change`]s (each call with the push that made it and the capacity after it), with
//! the counts the table and the chart are made from.

use std::cell::RefCell;
use std::vec::Vec as StdVec;

use allockit::Vec;
use allockit::alloc::Allocator;
use allockit::wrappers::tracing::{Call, Event, Tracing};

/// Bytes per element: the vectors hold `u64`s.
pub(crate) const ELEM: usize = size_of::<u64>();
/// Room for every event of one vector, reserved before it starts so that the sink never
/// allocates: one allocation, one grow per doubling (fewer than `usize::BITS`), one free.
const LOG_ROOM: usize = usize::BITS as usize + 8;

/// One allocator call the vector made, and when.
#[derive(Clone, Copy)]
pub(crate) struct Change {
    /// The push that made the call: 1 for the first, 0 for a call before any push.
    pub(crate) push: usize,
    /// The call, as the tracer reported it.
    pub(crate) event: Event,
    /// The vector's capacity right after the push.
    pub(crate) capacity: usize,
}

/// What one vector did to its allocator while N values were pushed.
pub(crate) struct Trace {
    /// Every allocation and grow, in order (the final free is not a change).
    pub(crate) changes: StdVec<Change>,
    /// Every call the tracer saw, the final free included.
    pub(crate) calls: usize,
    /// The capacity after the last push.
    pub(crate) capacity: usize,
}

impl Trace {
    /// The grows (a vector that only pushes never shrinks).
    pub(crate) fn grows(&self) -> impl Iterator<Item = &Event> {
        self.changes.iter().map(|c| &c.event).filter(|e| matches!(e.call, Call::Grow))
    }

    pub(crate) fn grows_in_place(&self) -> usize {
        self.grows().filter(|e| e.in_place()).count()
    }

    pub(crate) fn grows_moved(&self) -> usize {
        self.grows().filter(|e| e.moved()).count()
    }

    pub(crate) fn bytes_copied(&self) -> usize {
        self.grows().map(Event::bytes_copied).sum()
    }

    /// The moves of blocks that glibc's `realloc` would move with mremap (see
    /// [`is_mmapped`]).
    pub(crate) fn remapped(&self) -> usize {
        self.grows().filter(|e| e.moved() && is_mmapped(e)).count()
    }
}

/// How the vector starts.
#[derive(Clone, Copy)]
pub(crate) enum Start {
    /// `Vec::new_in`: empty, growing by the rule.
    Empty,
    /// `Vec::with_capacity_in(N)`: room for every push from the start.
    Reserved,
}

/// Pushes `0..n` into a vector over `Tracing<inner>`, recording every call with the push
/// that made it. `after_call` runs after each push (or the initial reservation) that
/// called the allocator.
pub(crate) fn watch<A: Allocator>(
    inner: A,
    n: usize,
    start: Start,
    mut after_call: impl FnMut(),
) -> Trace {
    // The sink must not allocate from the heap the vector is growing in: a new block
    // could land right after the vector's and change what `realloc` can do. So both
    // lists get all the room they will need before the first push.
    let log = RefCell::new(StdVec::with_capacity(LOG_ROOM));
    let tracer = Tracing::with_sink(inner, |event: &Event| log.borrow_mut().push(*event));
    let mut changes = StdVec::with_capacity(LOG_ROOM);
    let mut seen = 0;
    // Copies the events recorded since the last look into `changes`: true if there were any.
    let mut take = |push: usize, capacity: usize| {
        let log = log.borrow();
        let new = &log[seen..];
        seen = log.len();
        changes.extend(new.iter().map(|&event| Change { push, event, capacity }));
        !new.is_empty()
    };

    let mut v: Vec<u64, _> = match start {
        Start::Empty => Vec::new_in(&tracer),
        Start::Reserved => Vec::with_capacity_in(n, &tracer),
    };
    if take(0, v.capacity()) {
        after_call();
    }
    for i in 0..n {
        v.push(i as u64);
        if take(i + 1, v.capacity()) {
            after_call();
        }
    }
    // Every move copied the elements over: the vector still holds 0, 1, 2, ...
    assert!(v.iter().copied().eq(0..n as u64), "the vector lost its contents");
    let capacity = v.capacity();
    drop(v);
    let calls = log.borrow().len();
    Trace { changes, calls, capacity }
}

/// Whether glibc would have served the moved block from mmap: 128 KiB and more (its
/// default threshold; it rises after such a block is freed, so this is a guess).
fn is_mmapped(event: &Event) -> bool {
    event.old.is_some_and(|(_, layout)| layout.size() >= 128 << 10)
}
