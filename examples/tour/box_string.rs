//! `Box` and `String` over the traced global heap: one allocation per box, and a string
//! that grows like a `Vec<u8>`.

use allockit::alloc::Global;
use allockit::{Box, String};

use crate::ledger::Traced;
use crate::style::{result, say, section};

pub fn box_and_string(tracer: &Traced<'_, Global>) {
    section("Box and String over the same allocator");
    say("A Box is one allocation of exactly its value's layout, freed when the Box drops:");
    let point = Box::new_in((1.5_f64, -2.0_f64), tracer);
    result(format_args!("Box<(f64, f64)> holds {point:?}"));
    drop(point);

    say("A boxed slice is one allocation of the whole array, sized at run time:");
    let mut squares = allockit::Vec::with_capacity_in(8, tracer);
    squares.extend((1..=8u32).map(|i| i * i));
    let squares: Box<[u32], _> = squares.into_boxed_slice();
    result(format_args!("Box<[u32]>: {:?}", &squares[..]));
    drop(squares);

    say("A String is a Vec<u8> that keeps valid UTF-8, so it grows by the same rule (with");
    say("a minimum of 8 bytes):");
    let mut s = String::new_in(tracer);
    for word in ["allocators ", "are ", "just ", "functions ", "from ", "layouts ", "to ", "blocks"]
    {
        s.push_str(word);
    }
    result(format_args!("{s:?}: len {}, capacity {}", s.len(), s.capacity()));
}
