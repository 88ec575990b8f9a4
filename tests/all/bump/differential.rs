//! The `Vec`, `Box` and `String` differential suites (std's collections as the model) run
//! over `&Bump`, in two set-ups:
//!
//! - **default**: a `Bump::new()` used by nothing but the collection under test, so its
//!   buffer is usually the newest block and grows and shrinks in place;
//! - **interleaved**: a `Bump` over a counting `&TestAlloc` whose probe allocates blocks
//!   of its own between the operations. The collection's buffer is then often *not* the
//!   newest block (growth copies), and every few steps the probe fills what is left of the
//!   current chunk, so the next growth has to move to a new chunk. After every step it
//!   checks the bump's invariants, that the probe's blocks were not overwritten, that the
//!   collection's buffer lies in memory the bump handed out, and that the bump has exactly
//!   what its parent has live; after the run, that dropping the bump gives everything back.

use std::cell::{Cell, RefCell};
use std::mem;

use allockit::Bump;
use allockit::alloc::Layout;
use allockit::bump::ChunkRole;
use proptest::prelude::*;

use crate::boxed::differential as box_model;
use crate::common::drop_counter::{Tracked, TrackedZst};
use crate::common::test_alloc::TestAlloc;
use crate::common::vec_model::{self, Aligned, Big, Buffer, Case, Elem, case};
use crate::string::model as string_model;

/// Longest `Vec` operation sequence drawn.
const MAX_OPS: usize = 40;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 16, ..ProptestConfig::default() }
}

/// Chunks up to this capacity get filled up by the interleaving probe, forcing the next
/// allocation into a new chunk; larger ones are left alone so memory stays small.
const FILL_CHUNKS_UP_TO: usize = 4096;

/// The red zone the bump puts after every block under `cfg(asan)` (CI's sanitizer run):
/// a block of `room - REDZONE` bytes fills `room` bytes exactly.
const REDZONE: usize = if cfg!(asan) { 16 } else { 0 };

/// Asserts that `[ptr, ptr + size)` lies in memory `bump` has handed out: between the
/// data start and the fill level of one of its chunks.
#[track_caller]
fn assert_handed_out<P: allockit::alloc::Allocator>(bump: &Bump<P>, ptr: *const u8, size: usize) {
    if size == 0 {
        return;
    }
    let addr = ptr as usize;
    let inside = bump.chunks().any(|c| {
        let start = c.data_start as usize;
        start <= addr && addr + size <= start + c.allocated
    });
    assert!(inside, "block {ptr:?} (+{size}) is not in handed-out bump memory: {bump:?}");
}

/// The "interleaved" set-up: a bump over a counting parent, and a probe that allocates
/// between the steps of the collection under test and checks everything it can.
struct Interleave<'b> {
    parent: &'b TestAlloc,
    bump: &'b Bump<&'b TestAlloc>,
    steps: Cell<usize>,
    /// The probe's own blocks, each filled with the byte of its index.
    blocks: RefCell<Vec<&'b [u8]>>,
    /// How often the probe filled a chunk up (each one forces a chunk switch).
    fills: Cell<usize>,
}

impl<'b> Interleave<'b> {
    fn new(parent: &'b TestAlloc, bump: &'b Bump<&'b TestAlloc>) -> Self {
        Interleave {
            parent,
            bump,
            steps: Cell::new(0),
            blocks: RefCell::new(Vec::new()),
            fills: Cell::new(0),
        }
    }

    /// Allocates a block of `size` bytes aligned to `align` and fills it with its tag.
    fn alloc_block(&self, size: usize, align: usize) {
        let mut blocks = self.blocks.borrow_mut();
        let tag = blocks.len() as u8;
        let layout = Layout::from_size_align(size, align).unwrap();
        let ptr = self.bump.alloc_layout(layout);
        assert_eq!(ptr.as_ptr() as usize % align, 0, "misaligned probe block");
        // SAFETY: `alloc_layout` returned `size` writable bytes that only this slice uses,
        // valid until the bump is reset or dropped, which needs `&mut` and so outlives 'b.
        let block = unsafe {
            ptr.as_ptr().write_bytes(tag, size);
            std::slice::from_raw_parts(ptr.as_ptr(), size)
        };
        blocks.push(block);
    }

    /// The checks after a step, then the probe's own allocation for this step.
    fn step(&self) {
        let bump = self.bump;
        bump.check_invariants();
        let stats = bump.stats();
        assert!(stats.allocated <= stats.capacity, "{stats:?}");
        assert_eq!(
            stats.reserved,
            self.parent.live_bytes(),
            "reserved vs. the parent's live bytes"
        );
        assert_eq!(stats.chunks, self.parent.stats().live_blocks, "one parent block per chunk");
        for (tag, block) in self.blocks.borrow().iter().enumerate() {
            assert!(block.iter().all(|&b| b == tag as u8), "probe block {tag} was overwritten");
            assert_handed_out(bump, block.as_ptr(), block.len());
        }

        let step = self.steps.get();
        self.steps.set(step + 1);
        match step % 4 {
            // Leave the collection's buffer the newest block: it grows in place.
            0 => {}
            1 | 2 => self.alloc_block(1 + step * 13 % 40, 1 << (step % 4)),
            _ => {
                let current = bump.chunks().find(|c| c.role == ChunkRole::Current);
                if let Some(c) = current.filter(|c| c.capacity <= FILL_CHUNKS_UP_TO) {
                    let room = c.capacity - c.allocated;
                    if room > REDZONE {
                        self.alloc_block(room - REDZONE, 1);
                        assert_eq!(bump.stats().chunks, stats.chunks, "an exact fit took a chunk");
                        self.fills.set(self.fills.get() + 1);
                    }
                }
            }
        }
    }
}

/// Runs `f` with a fresh interleaved set-up, then checks that dropping the bump gives
/// every chunk back to the parent. Returns how many chunk fills the probe did.
fn interleaved(f: impl FnOnce(&Interleave<'_>)) -> usize {
    let parent = TestAlloc::new();
    let fills;
    {
        let bump = Bump::new_in(&parent);
        let probe = Interleave::new(&parent, &bump);
        f(&probe);
        probe.step();
        fills = probe.fills.get();
    }
    parent.assert_no_leaks();
    assert_eq!(parent.stats().zero_sized, 0, "the bump asked its parent for zero bytes");
    fills
}

// ---------------------------------------------------------------------------------------
// Vec
// ---------------------------------------------------------------------------------------

/// The buffer the driver says the vector owns must be handed-out bump memory.
fn check_buffer<P: allockit::alloc::Allocator>(bump: &Bump<P>, buf: Buffer) {
    bump.check_invariants();
    if let Some(layout) = buf.layout {
        assert_eq!(buf.ptr as usize % layout.align(), 0, "misaligned buffer");
        assert_handed_out(bump, buf.ptr, layout.size());
    }
}

fn vec_default<T: Elem>(c: &Case) {
    let bump = Bump::new();
    vec_model::run::<T, &Bump>(&bump, c, &|buf| check_buffer(&bump, buf));
    bump.check_invariants();
    if mem::size_of::<T>() == 0 {
        assert_eq!(bump.stats().chunks, 0, "a vector of a zero-sized type used the bump");
    }
}

fn vec_interleaved<T: Elem>(c: &Case) {
    interleaved(|probe| {
        vec_model::run::<T, &Bump<&TestAlloc>>(probe.bump, c, &|buf| {
            check_buffer(probe.bump, buf);
            probe.step();
        });
    });
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn vec_u8_default(c in case(MAX_OPS)) { vec_default::<u8>(&c) }
    #[test]
    fn vec_u8_interleaved(c in case(MAX_OPS)) { vec_interleaved::<u8>(&c) }
    #[test]
    fn vec_u64_default(c in case(MAX_OPS)) { vec_default::<u64>(&c) }
    #[test]
    fn vec_u64_interleaved(c in case(MAX_OPS)) { vec_interleaved::<u64>(&c) }
    #[test]
    fn vec_string_default(c in case(MAX_OPS)) { vec_default::<String>(&c) }
    #[test]
    fn vec_string_interleaved(c in case(MAX_OPS)) { vec_interleaved::<String>(&c) }
    #[test]
    fn vec_tracked_default(c in case(MAX_OPS)) { vec_default::<Tracked>(&c) }
    #[test]
    fn vec_tracked_interleaved(c in case(MAX_OPS)) { vec_interleaved::<Tracked>(&c) }
    #[test]
    fn vec_zst_default(c in case(MAX_OPS)) { vec_default::<TrackedZst>(&c) }
    #[test]
    fn vec_zst_interleaved(c in case(MAX_OPS)) { vec_interleaved::<TrackedZst>(&c) }
    #[test]
    fn vec_big_default(c in case(MAX_OPS)) { vec_default::<Big>(&c) }
    #[test]
    fn vec_big_interleaved(c in case(MAX_OPS)) { vec_interleaved::<Big>(&c) }
    #[test]
    fn vec_aligned_default(c in case(MAX_OPS)) { vec_default::<Aligned>(&c) }
    #[test]
    fn vec_aligned_interleaved(c in case(MAX_OPS)) { vec_interleaved::<Aligned>(&c) }
}

/// The interleaved set-up really switches chunks, with the vector's buffer the newest
/// block at some switches and not at others.
#[test]
fn interleaving_forces_chunk_switches() {
    use crate::common::vec_model::Op;
    let c = Case { init_cap: 0, ops: (0..40).map(|i| Op::Push(i as u8 % 8)).collect() };
    let mut chunks = 0;
    let fills = interleaved(|probe| {
        vec_model::run::<u64, &Bump<&TestAlloc>>(probe.bump, &c, &|buf| {
            check_buffer(probe.bump, buf);
            probe.step();
        });
        chunks = probe.bump.stats().chunks;
    });
    assert!(fills >= 3, "the probe filled only {fills} chunks");
    assert!(chunks >= 4, "only {chunks} chunks were used");
}

// ---------------------------------------------------------------------------------------
// String
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn string_default(case in string_model::any_case()) {
        let bump = Bump::new();
        string_model::run(&bump, &case, &|s| {
            bump.check_invariants();
            assert_handed_out(&bump, s.as_ptr(), s.capacity());
        });
        bump.check_invariants();
    }

    #[test]
    fn string_interleaved(case in string_model::any_case()) {
        interleaved(|probe| {
            string_model::run(probe.bump, &case, &|s| {
                probe.bump.check_invariants();
                assert_handed_out(probe.bump, s.as_ptr(), s.capacity());
                probe.step();
            });
        });
    }
}

// ---------------------------------------------------------------------------------------
// Box
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn box_default(ops in box_model::ops()) {
        let bump = Bump::new();
        box_model::run_in(&bump, &ops, &|| bump.check_invariants());
        bump.check_invariants();
    }

    #[test]
    fn box_interleaved(ops in box_model::ops()) {
        interleaved(|probe| box_model::run_in(probe.bump, &ops, &|| probe.step()));
    }
}
