//! Unsizing to `Box<dyn Trait, A>` and `Box<[T], A>`, through the stable `unsize_box!`
//! macro and (with `nightly`) through the compiler's `CoerceUnsized`; dropping through
//! the vtable must free with the concrete type's layout, which `TestAlloc` checks.

use std::any::Any;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use allockit::{Box, unsize_box};

use crate::common::drop_counter::{self, Tracked};
use crate::common::test_alloc::TestAlloc;

trait Shape {
    fn area(&self) -> u64;
}

/// Large and over-aligned, so a wrong layout at `deallocate` is caught.
#[repr(align(32))]
struct Big {
    sides: [u64; 5],
    _tracked: Tracked,
}

impl Shape for Big {
    fn area(&self) -> u64 {
        self.sides.iter().product()
    }
}

struct Unit;

impl Shape for Unit {
    fn area(&self) -> u64 {
        0
    }
}

#[test]
fn macro_unsizes_to_dyn_trait_and_drops_through_the_vtable() {
    drop_counter::reset();
    let alloc = TestAlloc::new();
    let big = Big { sides: [1, 2, 3, 4, 5], _tracked: Tracked::new(1) };
    let b: Box<dyn Shape, &TestAlloc> = unsize_box!(Box::new_in(big, &alloc));
    let u: Box<dyn Shape, &TestAlloc> = unsize_box!(Box::new_in(Unit, &alloc));
    assert_eq!(b.area() + u.area(), 120);
    assert_eq!(alloc.layout_of(Box::as_ptr(&b).cast()), Some(std::alloc::Layout::new::<Big>()));
    drop((b, u));
    assert_eq!(drop_counter::counts().live(), 0);
    alloc.assert_no_leaks();
    assert_eq!(alloc.stats().allocate, 1, "the unit value must not allocate");
}

#[test]
fn macro_unsizes_arrays_to_slices() {
    let alloc = TestAlloc::new();
    let b: Box<[u16], &TestAlloc> = unsize_box!(Box::new_in([1, 2, 3], &alloc));
    assert_eq!(*b, [1, 2, 3]);
    let v = b.into_vec();
    assert_eq!(v.capacity(), 3);
    drop(v);
    let named = unsize_box!(Box::new_in([7u8; 9], &alloc) => [u8]);
    assert_eq!(named.len(), 9);
    drop(named);
    alloc.assert_no_leaks();
}

#[test]
fn macro_unsizes_closures() {
    let alloc = TestAlloc::new();
    let mut total = 0;
    {
        let mut add: Box<dyn FnMut(i32), &TestAlloc> =
            unsize_box!(Box::new_in(|x| total += x, &alloc));
        (*add)(2);
        (*add)(3);
    }
    assert_eq!(total, 5);
    let greet = String::from("hi");
    let f: Box<dyn Fn() -> String, &TestAlloc> =
        unsize_box!(Box::new_in(move || greet.clone(), &alloc));
    assert_eq!((*f)(), "hi");
    drop(f);
    alloc.assert_no_leaks();

    let s = String::from("once");
    let once: Box<dyn FnOnce() -> String> = unsize_box!(Box::new(move || s));
    assert_eq!(Box::into_std(once)(), "once");
}

#[test]
fn macro_unsizes_to_any_and_downcasts() {
    let b: Box<dyn Any> = unsize_box!(Box::new(5u32));
    assert_eq!(b.downcast_ref::<u32>(), Some(&5));
    let d: Box<dyn Display + Send + Sync> = unsize_box!(Box::new("shown"));
    assert_eq!(d.to_string(), "shown");
}

/// A future that is ready on its second poll.
struct Twice(bool);

impl Future for Twice {
    type Output = u8;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u8> {
        if self.0 {
            Poll::Ready(9)
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

fn block_on<F: Future + Unpin>(mut f: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = Pin::new(&mut f).poll(&mut cx) {
            return out;
        }
    }
}

#[test]
fn boxed_futures() {
    let alloc = TestAlloc::new();
    assert_eq!(block_on(Box::new_in(Twice(false), &alloc)), 9);
    let dyn_fut: Box<dyn Future<Output = u8> + Unpin, &TestAlloc> =
        unsize_box!(Box::new_in(Twice(false), &alloc));
    assert_eq!(block_on(dyn_fut), 9);
    let pinned = Box::pin(async { 3 });
    assert_eq!(block_on(pinned), 3);
    alloc.assert_no_leaks();
}

#[cfg(feature = "nightly")]
mod nightly {
    use super::*;

    #[test]
    fn implicit_coercion_to_dyn_trait() {
        drop_counter::reset();
        let alloc = TestAlloc::new();
        let big = Big { sides: [2; 5], _tracked: Tracked::new(1) };
        let b: Box<dyn Shape, &TestAlloc> = Box::new_in(big, &alloc);
        assert_eq!(b.area(), 32);
        let shapes: [Box<dyn Shape, &TestAlloc>; 2] = [b, Box::new_in(Unit, &alloc)];
        drop(shapes);
        assert_eq!(drop_counter::counts().live(), 0);
        alloc.assert_no_leaks();
    }

    #[test]
    fn implicit_coercion_to_slice() {
        let alloc = TestAlloc::new();
        let b: Box<[u8], &TestAlloc> = Box::new_in([1, 2, 3, 4], &alloc);
        assert_eq!(b.len(), 4);
        drop(b);
        alloc.assert_no_leaks();
    }

    #[test]
    fn boxed_closures_are_callable() {
        let alloc = TestAlloc::new();
        let f: Box<dyn Fn(), &TestAlloc> = Box::new_in(|| (), &alloc);
        f();
        let mut n = 0;
        {
            let mut g: Box<dyn FnMut() -> i32, &TestAlloc> = Box::new_in(
                || {
                    n += 1;
                    n
                },
                &alloc,
            );
            assert_eq!(g(), 1);
            assert_eq!(g(), 2);
        }
        drop_counter::reset();
        let t = Tracked::new(4);
        let once: Box<dyn FnOnce(u32) -> u32, &TestAlloc> =
            Box::new_in(move |x| x + t.value(), &alloc);
        assert_eq!(once(1), 5);
        assert_eq!(drop_counter::counts().live(), 0, "the closure is dropped after the call");
        let sized = Box::new_in(|a: u8, b: u8| a * b, &alloc);
        assert_eq!(sized(3, 4), 12);
        drop((f, sized));
        alloc.assert_no_leaks();
    }

    #[test]
    fn pinned_box_coerces_to_dyn_future() {
        let fut: Pin<Box<dyn Future<Output = i32>>> = Box::pin(async { 7 });
        let mut fut = fut;
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(fut.as_mut().poll(&mut cx), Poll::Ready(7));
    }
}
