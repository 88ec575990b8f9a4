//! A parser for a small arithmetic language that builds its syntax tree in a [`Bump`]:
//! the way compilers allocate, and why.
//!
//! The language has numbers (`2`, `2.5`), names, `let name = expr;` statements,
//! expression statements (`expr;`), the binary operators `+ - * / %` and `^` (power,
//! right-associative), unary minus, parentheses, calls such as `max(a, b, c)`, and
//! comments from `#` to the end of the line. The program below tokenizes it, parses it
//! with precedence climbing into a tree of `&'b Expr<'b>` nodes that live in a bump,
//! prints some of the trees, evaluates every statement, shows syntax errors as values
//! (with a caret under the column), and then tells the memory story.
//!
//! # Why an AST belongs in an arena
//!
//! A compiler builds thousands of small nodes per file, reads them a few times, and
//! throws the whole tree away at once. A bump allocator matches that life cycle:
//!
//! - **One lifetime for the whole tree.** Every node is a `&'b Expr<'b>` into the bump:
//!   the borrow checker knows that no node outlives the bump, and that nobody holds a node
//!   when the bump is reset (`reset` takes `&mut self`).
//! - **Pointers instead of `Box`.** A child is a plain shared reference: `Copy`, 8 bytes,
//!   no ownership, no destructor. A later pass may point two parents at one node.
//! - **No per-node free.** A tree of `Box`es is dropped node by node, one `free` each.
//!   The bump never drops its nodes (`Expr` has nothing to drop, and a `const` assertion
//!   in `ast.rs` checks it); it gives whole chunks back.
//! - **Locality.** Nodes are allocated one after the other, so a tree lies in a few
//!   contiguous runs of memory. Children are finished before their parent, so the tree
//!   is laid out in post-order, the order in which an evaluator visits it:
//!
//! ```text
//!   let area = pi * r ^ 2;          Binary(*)
//!                                   ├─ Var(pi)
//!                                   └─ Binary(^)
//!                                      ├─ Var(r)
//!                                      └─ Num(2)
//!
//!   in a chunk of the bump, after the statements before it (names are copied in with
//!   alloc_str, so the tree does not borrow the source text):
//!
//!   ┌────────┬──────┬──────┬─────────┬───┬────────┬────────┬───────────┬───────────┬─────
//!   │  ...   │"area"│ "pi" │ Var(pi) │"r"│ Var(r) │ Num(2) │ Binary(^) │ Binary(*) │ ...
//!   └────────┴──────┴──────┴─────────┴───┴────────┴────────┴───────────┴───────────┴─────
//!
//!   Var(pi)   -> "pi"                  every pointer points back, to older memory
//!   Var(r)    -> "r"                   nearby: the statement is 5 nodes of 40 bytes
//!   Binary(^) -> Var(r), Num(2)        and 7 bytes of names, a few consecutive
//!   Binary(*) -> Var(pi), Binary(^)    64-byte cache lines
//! ```
//!
//! - **`reset` for the next file.** A compiler, a language server or a REPL parses one
//!   input after another. [`Bump::reset`] gives back every chunk but the largest, so once
//!   the bump has grown to the size of an input, parsing the next one asks the heap for
//!   nothing at all.
//!
//! The price: nothing in the bump is ever dropped, so a node must not own heap memory
//! (names are `&'b str` copied into the bump, not `String`s), a tree's memory comes back
//! only all at once, and a `Vec` that grows in the bump when it is not the newest block
//! leaves its old buffer behind until the reset (the statistics below count those bytes).
//!
//! The memory story at the end parses the program once and shows the bump's chunks and
//! where the nodes of one statement sit in them; then it parses the program many times
//! into a bump that is reset in between, with a [`Counting`] allocator as the bump's
//! parent to count the chunks it asks for, against the same trees built the usual way
//! (a `Box` per node, a `String` per name, a `Vec` per argument list) and counted by a
//! `Counting` global allocator. Timings of both ways are in `cargo bench --bench report`
//! (its parser section); this example counts.
//!
//! ```text
//! cargo run --example parser                      # the memory table over 1000 parses
//! cargo run --release --example parser -- 100000  # over 100000 parses
//! cargo test --example parser                     # the example's own tests
//! ```
//!
//! Colour is used only when stdout is a terminal (and `NO_COLOR` is not set).
#![cfg_attr(feature = "nightly", feature(allocator_api))]

mod ast;
mod eval;
mod grammar;
mod lexer;
mod memory;
mod sections;
mod style;
mod trees;

use std::alloc::System;
use std::process::ExitCode;

use allockit::Bump;
use allockit::wrappers::Counting;

use grammar::parse;
use memory::{memory_many_parses, memory_one_parse};
use sections::{show_errors, show_program, show_tokens, show_trees, show_values};
use style::{BOLD, RESET, init_colour, print_parse_error, style};

/// Counts every allocation of the program, to measure the `Box` trees.
#[global_allocator]
static HEAP: Counting<System> = Counting::new(System);

/// The built-in program: every feature of the language, a dozen statements.
const PROGRAM: &str = "\
# Circles and towers, in the example's language.
let pi = 3.14159265;
let r = 2.5;
let area = pi * r ^ 2;
let circumference = 2 * pi * r;
let tower = 2 ^ 3 ^ 2;       # ^ is right-associative: 2 ^ 9
let negated = -2 ^ 2;        # unary minus binds looser than ^
let mixed = 7 + 6 * 5 - 4 / 2 % 3;
let hypotenuse = sqrt(3 ^ 2 + 4 ^ 2);
let clamped = max(0, min(area, 10.5));
let mean = (area + circumference + hypotenuse) / 3;
-(1 - r) * -3;
tower / 8 - hypotenuse * 2;
";

/// The statements whose trees `main` prints.
const SHOWN_TREES: [&str; 3] = ["area", "tower", "clamped"];

fn main() -> ExitCode {
    let repetitions = match std::env::args().nth(1) {
        None => 1000,
        Some(arg) => match arg.parse::<usize>() {
            Ok(n) if n > 0 => n,
            _ => {
                eprintln!("usage: parser [REPETITIONS]   (a positive number; default 1000)");
                return ExitCode::from(2);
            }
        },
    };
    init_colour();
    println!("{}allockit: a parser whose syntax tree lives in a Bump{}", style(BOLD), style(RESET));

    show_program();
    show_tokens();
    let bump = Bump::new();
    let program = match parse(PROGRAM, &bump) {
        Ok(program) => program,
        Err(error) => {
            print_parse_error(PROGRAM, &error);
            return ExitCode::FAILURE;
        }
    };
    show_trees(program);
    show_values(program);
    show_errors();
    memory_one_parse(program, &bump);
    memory_many_parses(program, repetitions);
    ExitCode::SUCCESS
}
