//! Static assertions: the arena and the collections over `&Arena` are `Send + Sync`;
//! `LocalArena` is `Send` and not `Sync`; a `Vec<u32, &Arena>` held across an `.await`
//! keeps the future `Send`.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use std::ptr::NonNull;

use allockit::alloc::{AllocError, Allocator, Global, Layout};
use allockit::arena::{ArenaSet, CheckedOut, LocalArena, NoHeap};
use allockit::{Arena, Box, String, Vec};

use crate::common::test_alloc::TestAlloc;

fn send<T: Send + ?Sized>() {}
fn sync<T: Sync + ?Sized>() {}

fn assert_send<T: Send>(_: &T) {}

/// `<T as NotSync<_>>::check()` compiles only if `T` is not `Sync` (the call is ambiguous
/// otherwise); the same trick for `Send`.
trait NotSync<Marker> {
    fn check() {}
}
impl<T: ?Sized> NotSync<()> for T {}
impl<T: ?Sized + Sync> NotSync<u8> for T {}

trait NotSend<Marker> {
    fn check() {}
}
impl<T: ?Sized> NotSend<()> for T {}
impl<T: ?Sized + Send> NotSend<u8> for T {}

#[test]
fn the_arena_and_collections_over_it_are_send_and_sync() {
    send::<Arena>();
    sync::<Arena>();
    send::<Arena<&TestAlloc>>();
    sync::<Arena<&TestAlloc>>();
    send::<Arena<NoHeap<'static>>>();
    sync::<Arena<NoHeap<'static>>>();

    send::<Vec<u8, &Arena>>();
    sync::<Vec<u8, &Arena>>();
    send::<Box<u64, &Arena>>();
    sync::<Box<u64, &Arena>>();
    send::<Box<[std::string::String], &Arena<Global>>>();
    send::<String<&Arena>>();
    sync::<String<&Arena>>();

    send::<ArenaSet>();
    sync::<ArenaSet>();
    send::<CheckedOut<'static>>();
    sync::<CheckedOut<'static>>();
}

#[test]
fn local_arena_is_send_and_not_sync() {
    send::<LocalArena<'static>>();
    <LocalArena<'static> as NotSync<_>>::check();
    // Collections over `&LocalArena` stay on the handle's thread.
    <Vec<u8, &LocalArena<'static>> as NotSend<_>>::check();
    <Vec<u8, &LocalArena<'static>> as NotSync<_>>::check();
    // Arenas over a parent that is not `Sync` are not `Sync` either.
    <Arena<CellAlloc> as NotSync<_>>::check();
}

/// A parent that is `Send` but not `Sync`.
#[derive(Default)]
struct CellAlloc(#[allow(dead_code)] Cell<u8>);

// SAFETY: forwards to `Global`, which meets the contract.
unsafe impl Allocator for CellAlloc {
    fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
        Global.allocate(layout)
    }

    unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
        // SAFETY: the block came from `Global` with `layout` (caller's contract).
        unsafe { Global.deallocate(ptr, layout) }
    }
}

/// Pending once, then ready: a real suspension point without a runtime.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

async fn sum_across_await(arena: &Arena) -> u32 {
    let mut v: Vec<u32, &Arena> = Vec::new_in(arena);
    v.extend(1..=10);
    YieldOnce(false).await;
    v.push(45);
    v.iter().sum()
}

#[test]
fn a_vec_over_the_arena_can_be_held_across_an_await() {
    let arena = Arena::new();
    let future = sum_across_await(&arena);
    assert_send(&future);
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Pending);
    // (Under `cfg(asan)` the buffer is followed by a 16-byte red zone.)
    let red_zone = if cfg!(asan) { 16 } else { 0 };
    assert_eq!(arena.stats().allocated, 10 * 4 + red_zone, "the vector is alive across the await");
    assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(100));
    assert_eq!(arena.stats().allocated, 0, "and was the newest block when dropped");
}
