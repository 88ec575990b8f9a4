//! Sections 1 and 2: what a `Layout` is, and the `Allocator` trait called by hand.

use std::mem::{align_of, size_of};

use allockit::alloc::{Allocator, Global, Layout};

use crate::ledger::{Ledger, traced};
use crate::style::{result, say, section};

/// `Layout`: size and alignment, padding, arrays and `extend` (how a struct's fields are
/// laid out).
pub fn layouts() {
    section("Layout: how much memory, and where it may start");
    say("Every allocation is described by a Layout: a size in bytes and an alignment (a");
    say("power of two the address must be a multiple of). The compiler knows both for a type:");
    println!();
    show::<u8>("u8");
    show::<u64>("u64");
    show::<(u8, u64)>("(u8, u64)");
    show::<[u16; 3]>("[u16; 3]");
    show::<Option<Box<u64>>>("Option<Box<u64>>");
    show::<()>("()");
    println!();

    say("A struct's size is rounded up to its alignment, so that in an array every");
    say("element is aligned too. `Layout::extend` builds a struct field by field, padding");
    say("each field to its alignment; `pad_to_align` adds the tail padding:");
    let header = Layout::new::<u8>();
    let (with_u64, offset) = header.extend(Layout::new::<u64>()).expect("small layouts");
    result(format_args!(
        "u8 then u64: the u64 lands at offset {offset}, size {} before padding, {} after \
         pad_to_align (7 bytes of padding after the u8)",
        with_u64.size(),
        with_u64.pad_to_align().size()
    ));
    let array = Layout::array::<u64>(10).expect("small array");
    result(format_args!(
        "Layout::array::<u64>(10): {} bytes, align {}",
        array.size(),
        array.align()
    ));
    match Layout::array::<u64>(usize::MAX / 4) {
        Ok(_) => result(format_args!("unexpectedly fits")),
        Err(e) => result(format_args!(
            "Layout::array::<u64>(usize::MAX / 4): Err({e}): \
                                       sizes are checked, never wrapped"
        )),
    }
}

/// One type's layout.
fn show<T>(name: &str) {
    let layout = Layout::new::<T>();
    debug_assert_eq!((layout.size(), layout.align()), (size_of::<T>(), align_of::<T>()));
    println!("   {name:<18} size {:>2}   align {}", layout.size(), layout.align());
}

/// The `Allocator` trait by hand: allocate, write, grow, read back, free.
pub fn allocator_by_hand(ledger: &Ledger) {
    section("The Allocator trait, by hand");
    say("An allocator hands out blocks for layouts: `allocate(layout)` returns a pointer");
    say("to at least `layout.size()` bytes, or `Err(AllocError)`. The caller promises to");
    say("give the block back with `deallocate(ptr, layout)` and the same layout; `grow`");
    say("and `shrink` resize it (keeping the contents) and may move it. That is the whole");
    say("contract; Box, Vec and String call nothing else. Here `Global` (the global heap),");
    say("traced, so each call is printed as it happens:");
    println!();

    let tracer = traced(Global, ledger);
    let small = Layout::array::<u32>(4).expect("small");
    let block = tracer.allocate(small).expect("the global heap has 16 bytes");
    let words = block.cast::<u32>();
    // SAFETY: the block holds 4 `u32`s (`small`), suitably aligned, and is ours.
    unsafe {
        for i in 0..4 {
            words.add(i).write(i as u32 * 10);
        }
    }
    let large = Layout::array::<u32>(1024).expect("small");
    // SAFETY: `block` is allocated by `tracer` with `small`, and `large` is larger.
    let grown = unsafe { tracer.grow(block.cast(), small, large) }.expect("4 KiB");
    // SAFETY: `grow` kept the first 16 bytes: the four `u32`s written above.
    let kept: [u32; 4] = unsafe { grown.cast::<[u32; 4]>().read() };
    result(format_args!("after grow the first four words are still {kept:?}"));
    // SAFETY: `grown` is allocated by `tracer` with `large`; it is freed once.
    unsafe { tracer.deallocate(grown.cast(), large) };
    say("Forget the deallocate and the block leaks; free it twice, or with another layout,");
    say("and the program has undefined behaviour. Box, Vec and String exist so that this");
    say("bookkeeping is done once, correctly, by their Drop.");
}
