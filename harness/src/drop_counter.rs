//! Element types that keep a ledger of their own lives, so tests can prove that nothing is
//! dropped twice, used after its drop, or leaked.
//!
//! The ledger is thread-local (each test, and each proptest case, runs on one thread):
//! call [`reset`] first, run the code, then read [`counts`]. Every value is counted once
//! when it is made (by `new` or `clone`) and once when it is dropped.
//!
//! - [`Tracked`] carries a unique id and a value. Dropping a value that is not alive (a
//!   double drop, or a drop of bytes that were never a `Tracked`), cloning or comparing a
//!   dropped one panics at once.
//! - [`TrackedZst`] is zero-sized, so it can only be counted: a drop that would make the
//!   drops outnumber the creations panics.
//!
//! Both can be told to panic at a chosen moment: [`panic_on_clone`]`(n)` makes the `n`-th
//! clone from now panic (before it makes anything), [`panic_on_drop`]`(n)` makes the `n`-th
//! drop from now panic (after it was counted, as the value's fields are still dropped).
//! Each plan fires once.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};

/// The message of a planned panic in `clone`.
pub const CLONE_PANIC: &str = "planned panic in clone";
/// The message of a planned panic in `drop`.
pub const DROP_PANIC: &str = "planned panic in drop";

/// How many values were made and dropped since the last [`reset`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub dropped: u64,
}

impl Counts {
    /// Values made and not dropped yet.
    pub fn live(&self) -> u64 {
        self.created - self.dropped
    }
}

#[derive(Default)]
struct Ledger {
    counts: Counts,
    next_id: u64,
    live: HashSet<u64>,
    clones_left: Option<u64>,
    drops_left: Option<u64>,
}

thread_local! {
    static LEDGER: RefCell<Ledger> = RefCell::new(Ledger { next_id: 1, ..Ledger::default() });
}

fn with<R>(f: impl FnOnce(&mut Ledger) -> R) -> R {
    LEDGER.with(|l| f(&mut l.borrow_mut()))
}

/// Starts a new ledger on this thread: counts at zero, no panics planned.
///
/// Values made before the reset must not be dropped after it.
pub fn reset() {
    with(|l| *l = Ledger { next_id: l.next_id, ..Ledger::default() });
}

/// The counts since the last [`reset`].
pub fn counts() -> Counts {
    with(|l| l.counts)
}

/// Makes the `n`-th clone from now (1 = the next one) panic with [`CLONE_PANIC`].
pub fn panic_on_clone(n: u64) {
    assert!(n >= 1);
    with(|l| l.clones_left = Some(n));
}

/// Makes the `n`-th drop from now (1 = the next one) panic with [`DROP_PANIC`].
pub fn panic_on_drop(n: u64) {
    assert!(n >= 1);
    with(|l| l.drops_left = Some(n));
}

/// Cancels the planned panics that have not fired.
pub fn disarm() {
    with(|l| {
        l.clones_left = None;
        l.drops_left = None;
    });
}

/// Counts down a plan; true when it fires now.
fn fires(left: &mut Option<u64>) -> bool {
    match left {
        Some(1) => {
            *left = None;
            true
        }
        Some(n) => {
            *n -= 1;
            false
        }
        None => false,
    }
}

/// Id written into a `Tracked` by its drop, so a second drop is caught even when the id
/// was never reused.
const DEAD: u64 = 0;

/// A counted value with a unique identity; compares, orders and hashes by `value` only.
pub struct Tracked {
    id: u64,
    value: u32,
}

impl Tracked {
    /// A new live value.
    pub fn new(value: u32) -> Self {
        let id = with(|l| {
            let id = l.next_id;
            l.next_id += 1;
            l.counts.created += 1;
            l.live.insert(id);
            id
        });
        Tracked { id, value }
    }

    /// The value, after checking this is a live `Tracked`.
    #[track_caller]
    pub fn value(&self) -> u32 {
        let (id, value) = (self.id, self.value);
        let alive = with(|l| l.live.contains(&id));
        assert!(alive, "use of a dropped or invalid Tracked (id {id}, value {value})");
        value
    }
}

impl Clone for Tracked {
    fn clone(&self) -> Self {
        let value = self.value();
        if with(|l| fires(&mut l.clones_left)) {
            panic!("{CLONE_PANIC}");
        }
        Tracked::new(value)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let (id, value) = (self.id, self.value);
        let (was_live, boom) = with(|l| {
            let was_live = l.live.remove(&id);
            if was_live {
                l.counts.dropped += 1;
            }
            (was_live, was_live && fires(&mut l.drops_left))
        });
        self.id = DEAD;
        assert!(was_live, "double drop or drop of an invalid Tracked (id {id}, value {value})");
        if boom {
            panic!("{DROP_PANIC}");
        }
    }
}

impl fmt::Debug for Tracked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.value())
    }
}

impl PartialEq for Tracked {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl Eq for Tracked {}

impl PartialOrd for Tracked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Tracked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value().cmp(&other.value())
    }
}

impl Hash for Tracked {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value().hash(state);
    }
}

/// A counted zero-sized value. All of them are equal.
#[derive(PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct TrackedZst(());

impl TrackedZst {
    /// A new live value.
    pub fn new() -> Self {
        with(|l| l.counts.created += 1);
        TrackedZst(())
    }
}

impl Default for TrackedZst {
    fn default() -> Self {
        Self::new()
    }
}

impl Clone for TrackedZst {
    fn clone(&self) -> Self {
        if with(|l| fires(&mut l.clones_left)) {
            panic!("{CLONE_PANIC}");
        }
        TrackedZst::new()
    }
}

impl Drop for TrackedZst {
    fn drop(&mut self) {
        let (counts, boom) = with(|l| {
            l.counts.dropped += 1;
            (l.counts, fires(&mut l.drops_left))
        });
        assert!(
            counts.dropped <= counts.created,
            "TrackedZst dropped more often than made: {counts:?}"
        );
        if boom {
            panic!("{DROP_PANIC}");
        }
    }
}
