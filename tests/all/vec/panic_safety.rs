//! Panic safety: user code that panics inside a `Vec` method (a `Clone`, a `Drop`, a
//! closure, an iterator) must never cause a double drop or a use after drop, must leak
//! exactly what std's `Vec` leaks in the same scenario, and must leave the vector in the
//! state std leaves it in, still usable.
//!
//! Each [`scenario!`] is written once and run four times: on std's `Vec` and on ours (over
//! a `TestAlloc`, which checks every block is freed with its own layout), with a sized
//! [`Tracked`] element and with the zero-sized [`TrackedZst`]. The scenario's body returns
//! the panic message it caught; the harness then records the length, capacity and values,
//! uses the vector a little more (push, insert, remove, truncate, extend, clone), drops it,
//! and compares everything, drop counts included, between std and ours.

use std::mem;
use std::vec::Vec as StdVec;

use allockit::Vec;

use crate::common::drop_counter::{
    self, Counts, Tracked, TrackedZst, panic_on_clone, panic_on_drop,
};
use crate::common::panics::catch;
use crate::common::test_alloc::TestAlloc;

/// The element types of the scenarios.
trait Item: Clone + 'static {
    fn mk(v: u32) -> Self;
    fn val(&self) -> u32;
}

impl Item for Tracked {
    fn mk(v: u32) -> Self {
        Tracked::new(v)
    }
    fn val(&self) -> u32 {
        self.value()
    }
}

impl Item for TrackedZst {
    fn mk(_: u32) -> Self {
        TrackedZst::new()
    }
    fn val(&self) -> u32 {
        0
    }
}

/// What one run of a scenario left behind.
#[derive(Debug, PartialEq)]
struct Seen {
    panic: Option<String>,
    len: usize,
    capacity: usize,
    values: StdVec<u32>,
    counts: Counts,
}

/// Runs `f` from a fresh drop ledger; adds the final counts.
fn observe(f: impl FnOnce() -> Seen) -> Seen {
    drop_counter::reset();
    let mut seen = f();
    drop_counter::disarm();
    seen.counts = drop_counter::counts();
    seen
}

macro_rules! scenario {
    ($name:ident, |$v:ident, $mk:ident, $new:ident| $body:block) => {
        #[test]
        fn $name() {
            scenario!(@both $name, Tracked, |$v, $mk, $new| $body);
            scenario!(@both $name, TrackedZst, |$v, $mk, $new| $body);
        }
    };
    (@both $name:ident, $t:ty, |$v:ident, $mk:ident, $new:ident| $body:block) => {{
        let std_seen = observe(|| {
            #[allow(unused_variables)]
            let $new = || StdVec::<$t>::new();
            scenario!(@run $t, |$v, $mk, $new| $body)
        });
        let alloc = TestAlloc::new();
        let our_seen = observe(|| {
            #[allow(unused_variables)]
            let $new = || Vec::<$t, &TestAlloc>::new_in(&alloc);
            scenario!(@run $t, |$v, $mk, $new| $body)
        });
        alloc.assert_no_leaks();
        // Guard against a scenario whose planned panic never fires.
        assert_eq!(
            std_seen.panic.is_some(),
            !stringify!($name).starts_with("forget_"),
            "{}: std's run did not go as planned: {std_seen:?}",
            stringify!($name)
        );
        assert_eq!(
            our_seen,
            std_seen,
            "{} with {}: ours (left) differs from std (right)",
            stringify!($name),
            stringify!($t)
        );
    }};
    (@run $t:ty, |$v:ident, $mk:ident, $new:ident| $body:block) => {{
        #[allow(unused_variables)]
        let $mk: fn(u32) -> $t = <$t as Item>::mk;
        #[allow(unused_mut)]
        let mut $v = $new();
        let panic: Option<String> = $body;
        drop_counter::disarm();
        let seen = Seen {
            panic,
            len: $v.len(),
            capacity: $v.capacity(),
            values: $v.iter().map(Item::val).collect(),
            counts: Counts::default(),
        };
        // Still usable, and consistent with its length.
        $v.push($mk(100));
        $v.insert(0, $mk(101));
        assert_eq!($v.remove(0).val(), $mk(101).val());
        assert_eq!($v.pop().map(|x| x.val()), Some($mk(100).val()));
        assert_eq!($v.len(), seen.len);
        $v.truncate(seen.len / 2);
        $v.extend((200..203).map($mk));
        let copy = $v.clone();
        assert_eq!(copy.len(), $v.len());
        drop(copy);
        drop($v);
        seen
    }};
}

fn boom() -> ! {
    panic!("planned panic in user code")
}

// --- panicking `Clone` ------------------------------------------------------------------

scenario!(clone_panics, |v, mk, new| {
    v.extend((0..5).map(mk));
    panic_on_clone(3);
    catch(|| drop(v.clone())).err()
});

scenario!(extend_from_slice_clone_panics, |v, mk, new| {
    v.extend((0..2).map(mk));
    let src: StdVec<_> = (10..16).map(mk).collect();
    panic_on_clone(4);
    let r = catch(|| v.extend_from_slice(&src)).err();
    drop(src);
    r
});

scenario!(resize_clone_panics, |v, mk, new| {
    v.push(mk(1));
    panic_on_clone(3);
    catch(|| v.resize(8, mk(7))).err()
});

scenario!(extend_from_within_clone_panics, |v, mk, new| {
    v.extend((0..6).map(mk));
    panic_on_clone(3);
    catch(|| v.extend_from_within(1..5)).err()
});

scenario!(clone_from_clone_panics, |v, mk, new| {
    v.extend((0..3).map(mk));
    let mut src = new();
    src.extend((10..16).map(mk));
    panic_on_clone(5);
    let r = catch(|| v.clone_from(&src)).err();
    drop(src);
    r
});

scenario!(into_iter_clone_panics, |v, mk, new| {
    v.extend((0..6).map(mk));
    let mut it = mem::replace(&mut v, new()).into_iter();
    it.next();
    panic_on_clone(3);
    let r = catch(|| drop(it.clone())).err();
    v.extend(it);
    r
});

// --- panicking `Drop` -------------------------------------------------------------------

scenario!(truncate_drop_panics, |v, mk, new| {
    v.extend((0..6).map(mk));
    panic_on_drop(2);
    catch(|| v.truncate(2)).err()
});

scenario!(resize_down_drop_panics, |v, mk, new| {
    v.extend((0..6).map(mk));
    panic_on_drop(2);
    catch(|| v.resize(3, mk(9))).err()
});

scenario!(clear_drop_panics, |v, mk, new| {
    v.extend((0..6).map(mk));
    panic_on_drop(3);
    catch(|| v.clear()).err()
});

scenario!(drain_drop_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    panic_on_drop(2);
    catch(|| {
        let mut d = v.drain(2..6);
        drop(d.next());
        drop(d);
    })
    .err()
});

scenario!(drain_to_end_drop_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    panic_on_drop(1);
    catch(|| drop(v.drain(3..))).err()
});

scenario!(into_iter_drop_panics, |v, mk, new| {
    v.extend((0..6).map(mk));
    let mut it = mem::replace(&mut v, new()).into_iter();
    drop(it.next());
    drop(it.next_back());
    panic_on_drop(3);
    catch(|| drop(it)).err()
});

scenario!(vec_drop_panics, |v, mk, new| {
    v.extend((0..6).map(mk));
    let w = mem::replace(&mut v, new());
    panic_on_drop(2);
    catch(|| drop(w)).err()
});

scenario!(splice_drop_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    panic_on_drop(2);
    catch(|| drop(v.splice(1..5, (20..23).map(mk)))).err()
});

scenario!(extract_if_consumer_drop_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    panic_on_drop(2);
    let mut n = 0;
    catch(|| {
        v.extract_if(1.., |_| {
            n += 1;
            n % 2 == 0
        })
        .for_each(drop)
    })
    .err()
});

scenario!(retain_drop_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    panic_on_drop(2);
    let mut n = 0;
    catch(|| {
        v.retain(|_| {
            n += 1;
            n % 3 == 0
        })
    })
    .err()
});

scenario!(dedup_drop_panics, |v, mk, new| {
    v.extend([0, 0, 1, 1, 1, 2, 2, 3].into_iter().map(mk));
    panic_on_drop(2);
    catch(|| v.dedup()).err()
});

// --- panicking closures -----------------------------------------------------------------

scenario!(retain_closure_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    let mut n = 0;
    catch(|| {
        v.retain(|_| {
            n += 1;
            if n == 5 {
                boom();
            }
            n % 2 == 0
        })
    })
    .err()
});

scenario!(retain_mut_closure_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    let mut n = 0;
    catch(|| {
        v.retain_mut(|x| {
            n += 1;
            if n == 4 {
                boom();
            }
            *x = mk(50 + n);
            n % 3 != 0
        })
    })
    .err()
});

scenario!(dedup_by_closure_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    let mut n = 0;
    catch(|| {
        v.dedup_by(|_, _| {
            n += 1;
            if n == 5 {
                boom();
            }
            n % 2 == 1
        })
    })
    .err()
});

scenario!(extract_if_closure_panics, |v, mk, new| {
    v.extend((0..8).map(mk));
    let mut n = 0;
    catch(|| {
        v.extract_if(1..7, |_| {
            n += 1;
            if n == 4 {
                boom();
            }
            n % 2 == 0
        })
        .count()
    })
    .err()
});

scenario!(resize_with_closure_panics, |v, mk, new| {
    v.push(mk(1));
    let mut n = 0;
    catch(|| {
        v.resize_with(8, || {
            n += 1;
            if n == 4 {
                boom();
            }
            mk(n)
        })
    })
    .err()
});

scenario!(pop_if_closure_panics, |v, mk, new| {
    v.extend((0..3).map(mk));
    catch(|| v.pop_if(|_| boom()).map(|x| x.val())).err()
});

scenario!(into_iter_consumer_panics, |v, mk, new| {
    v.extend((0..6).map(mk));
    let w = mem::replace(&mut v, new());
    let mut n = 0;
    catch(|| {
        w.into_iter().for_each(|_| {
            n += 1;
            if n == 3 {
                boom();
            }
        })
    })
    .err()
});

// --- panicking iterators ----------------------------------------------------------------

scenario!(extend_exact_iterator_panics, |v, mk, new| {
    v.extend((0..2).map(mk));
    catch(|| {
        v.extend((0..6).map(|i| {
            if i == 3 {
                boom();
            }
            mk(i)
        }))
    })
    .err()
});

scenario!(extend_unsized_iterator_panics, |v, mk, new| {
    v.extend((0..2).map(mk));
    catch(|| {
        v.extend((0..9).filter(|i| i % 2 == 0).map(|i| {
            if i == 6 {
                boom();
            }
            mk(i)
        }))
    })
    .err()
});

scenario!(splice_iterator_panics_with_tail, |v, mk, new| {
    v.extend((0..8).map(mk));
    catch(|| {
        let it = (0..6).map(|i| {
            if i == 3 {
                boom();
            }
            mk(20 + i)
        });
        drop(v.splice(2..4, it))
    })
    .err()
});

scenario!(splice_unsized_iterator_panics_with_tail, |v, mk, new| {
    v.extend((0..8).map(mk));
    catch(|| {
        let it = (0..12).filter(|i| i % 2 == 0).map(|i| {
            if i == 8 {
                boom();
            }
            mk(20 + i)
        });
        drop(v.splice(2..4, it))
    })
    .err()
});

scenario!(splice_iterator_panics_at_end, |v, mk, new| {
    v.extend((0..8).map(mk));
    catch(|| {
        let it = (0..6).map(|i| {
            if i == 4 {
                boom();
            }
            mk(20 + i)
        });
        drop(v.splice(5.., it))
    })
    .err()
});

// --- forgotten adapters (leak amplification) --------------------------------------------

scenario!(forget_drain, |v, mk, new| {
    v.extend((0..6).map(mk));
    let mut d = v.drain(1..4);
    drop(d.next());
    mem::forget(d);
    None
});

scenario!(forget_splice, |v, mk, new| {
    v.extend((0..6).map(mk));
    mem::forget(v.splice(1..3, (10..12).map(mk)));
    None
});

scenario!(forget_extract_if, |v, mk, new| {
    v.extend((0..6).map(mk));
    let mut it = v.extract_if(.., |_| true);
    drop(it.next());
    mem::forget(it);
    None
});

// --- the constructors -------------------------------------------------------------------

/// `vec![x; n]` with a panicking clone, and `collect` from a panicking iterator, leak
/// nothing (std's `vec!` as the reference).
#[test]
fn constructors_with_panics() {
    fn run<R>(f: impl FnOnce() -> R) -> (Option<String>, Counts) {
        drop_counter::reset();
        let r = catch(|| drop(f())).err();
        drop_counter::disarm();
        (r, drop_counter::counts())
    }
    let alloc = TestAlloc::new();
    for n in [0usize, 1, 2, 5] {
        for at in 1..4 {
            let theirs = run(|| {
                panic_on_clone(at);
                std::vec![Tracked::new(1); n]
            });
            let ours = run(|| {
                panic_on_clone(at);
                allockit::vec![in &alloc; Tracked::new(1); n]
            });
            assert_eq!(ours, theirs, "vec![x; {n}] with clone #{at} panicking");
            alloc.assert_no_leaks();
        }
        let theirs = run(|| {
            (0..n as u32)
                .map(|i| if i == 3 { boom() } else { Tracked::new(i) })
                .collect::<StdVec<_>>()
        });
        let ours = run(|| {
            (0..n as u32).map(|i| if i == 3 { boom() } else { Tracked::new(i) }).collect::<Vec<_>>()
        });
        assert_eq!(ours, theirs, "collect of {n} with a panic at 3");
    }
}
