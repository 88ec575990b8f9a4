//! Static assertions: `Box<T, A>` is `Send`/`Sync` exactly when `T` and `A` are, and
//! always `Unpin`.

use std::cell::Cell;
use std::marker::PhantomPinned;
use std::rc::Rc;

use allockit::Box;
use allockit::alloc::Global;

use crate::common::test_alloc::TestAlloc;

fn send<T: Send + ?Sized>() {}
fn sync<T: Sync + ?Sized>() {}
fn unpin<T: Unpin + ?Sized>() {}

/// `<T as NotSend<_>>::check()` compiles only if `T` is not `Send` (the call is
/// ambiguous otherwise); the same trick for `Sync`.
trait NotSend<Marker> {
    fn check() {}
}
impl<T: ?Sized> NotSend<()> for T {}
impl<T: ?Sized + Send> NotSend<u8> for T {}

trait NotSync<Marker> {
    fn check() {}
}
impl<T: ?Sized> NotSync<()> for T {}
impl<T: ?Sized + Sync> NotSync<u8> for T {}

#[test]
fn send_and_sync_follow_t_and_a() {
    send::<Box<u8>>();
    sync::<Box<u8>>();
    send::<Box<[String], &TestAlloc>>();
    sync::<Box<str, &TestAlloc>>();
    send::<Box<dyn Fn() + Send>>();
    sync::<Box<dyn Fn() + Sync>>();
    send::<Box<Cell<u8>, Global>>();

    <Box<Rc<u8>> as NotSend<_>>::check();
    <Box<Rc<u8>> as NotSync<_>>::check();
    <Box<Cell<u8>> as NotSync<_>>::check();
    <Box<dyn Fn()> as NotSend<_>>::check();
    <Box<dyn Fn()> as NotSync<_>>::check();
}

#[test]
fn always_unpin() {
    unpin::<Box<PhantomPinned>>();
    unpin::<Box<dyn std::future::Future<Output = ()>>>();
}
