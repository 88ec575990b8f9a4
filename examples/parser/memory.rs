//! The memory story, the tour's last two sections: the bump after one parse (its chunks,
//! what its bytes hold, where one tree's nodes lie), then many parses into a bump reset in
//! between, counted against the same trees built the usual way, with the `Box`, `String`
//! and `Vec` based tree defined here for that comparison.

use std::hint::black_box;
use std::mem::{size_of, size_of_val};

use allockit::alloc::Global;
use allockit::wrappers::Counting;
use allockit::{Bump, Vec};

use crate::ast::{BinOp, Expr, Stmt};
use crate::grammar::parse;
use crate::style::{BOLD, RESET, grouped, per_parse_figure, plural, result, say, section, style};
use crate::trees::{Census, locate, print_tree};
use crate::{HEAP, PROGRAM};

/// The bump after one parse: its chunks, what the bytes hold, and where one tree lies.
pub(crate) fn memory_one_parse(program: &[Stmt<'_>], bump: &Bump) {
    section("Memory: one parse");
    let stats = bump.stats();
    let census = Census::of(program);
    say(&format!(
        "An Expr is {} bytes, a Stmt {}, a child pointer {}. After the parse the bump holds:",
        size_of::<Expr<'_>>(),
        size_of::<Stmt<'_>>(),
        size_of::<&Expr<'_>>()
    ));
    println!();
    for (i, chunk) in bump.chunks().enumerate() {
        println!(
            "   chunk {i}  {:<8} block {:>5} B   used {:>5} of {:>5} B",
            format!("{:?}", chunk.role),
            chunk.block_size,
            chunk.allocated,
            chunk.capacity
        );
    }
    println!();
    let live = census.bytes(program.len());
    result(format_args!(
        "{} chunks, {} B reserved from the heap, {} B handed out:",
        stats.chunks, stats.reserved, stats.allocated
    ));
    let rows = [
        (census.nodes * size_of::<Expr<'_>>(), format!("{} nodes", census.nodes)),
        (census.name_bytes, format!("{} names (alloc_str)", census.names)),
        (census.list_slots * size_of::<&Expr<'_>>(), format!("{} argument lists", census.lists)),
        (size_of_val(program), format!("{} statements", program.len())),
        (
            stats.allocated.saturating_sub(live),
            "alignment padding, spare capacity and outgrown buffers of the Vecs".to_string(),
        ),
    ];
    for (bytes, what) in rows {
        println!("   {bytes:>8} B  {what}");
    }
    println!();
    say("Where the nodes of `let area = ...` sit: chunk and offset from its start.");
    say("Children come before their parents (post-order), next to each other:");
    println!();
    for statement in program {
        if let Stmt::Let("area", value) = *statement {
            print_tree(value, "   ", "   ", &|node| locate(bump, node));
        }
    }
}

/// The program parsed `n` times into a reset bump, against the same trees over `Box`.
pub(crate) fn memory_many_parses(program: &[Stmt<'_>], n: usize) {
    section(&format!("Memory: {}", plural(n, "parse")));
    say("Now the program is parsed again and again into one bump, reset between parses:");
    say("`Bump::new_in(&parent)` with `parent = Counting::new(Global)` counts its chunks.");
    println!();

    let parent = Counting::new(Global);
    let heap_before = HEAP.stats();
    let mut per_parse = [0; 3];
    let mut kept = 0;
    {
        let mut bump = Bump::new_in(&parent);
        for i in 0..n {
            let before = parent.stats().allocations;
            // The built-in program parsed above, so this cannot fail.
            if let Ok(statements) = parse(PROGRAM, &bump) {
                black_box(statements);
            }
            if let Some(count) = per_parse.get_mut(i) {
                *count = parent.stats().allocations - before;
            }
            bump.reset();
            kept = bump.stats().reserved;
        }
    }
    let bumped = parent.stats();
    let heap_seen = HEAP.stats().since(heap_before);
    for (i, count) in per_parse.iter().take(n).enumerate() {
        result(format_args!("parse {}: {count} chunk(s) asked of the parent", i + 1));
    }
    if n > per_parse.len() {
        let rest = bumped.allocations - per_parse.iter().sum::<usize>();
        result(format_args!("parses {}..={n}: {rest} chunk(s) in all", per_parse.len() + 1));
    }
    let after_first = bumped.allocations - per_parse[0];
    if n == 1 {
        say("(Run it with a number of repetitions above 1 to see the parses after the first.)");
    } else if after_first == 0 {
        say(&format!("reset() keeps the largest chunk ({kept} B); the program fits in it, so"));
        say("parsing it again takes no memory from the heap.");
    } else {
        say(&format!("reset() keeps the largest chunk ({kept} B), yet the later parses asked for"));
        say(&format!("{after_first} more chunk(s): the program did not fit in the one kept."));
    }
    say("The global allocator saw the same calls, so nothing else allocated:");
    result(format_args!(
        "{} allocations, {} frees (the parent: {}, {})",
        heap_seen.allocations, heap_seen.deallocations, bumped.allocations, bumped.deallocations
    ));

    println!();
    say("The same trees the usual way: an allockit::Box per child node, an allockit::String");
    say("per name, an allockit::Vec per argument list and one for the statements, all over");
    say("Global and counted by the `Counting` global allocator. They are built from the");
    say("bump's tree with exact capacities, so a parser building them directly would ask");
    say(&format!(
        "for at least as much. A BoxExpr is {} bytes (a String and a Vec are 24 each).",
        size_of::<BoxExpr>()
    ));
    let heap_before = HEAP.stats();
    for _ in 0..n {
        let tree = boxed_program(program);
        black_box(&tree);
    }
    let boxed = HEAP.stats().since(heap_before);
    let census = Census::of(program);
    let predicted = census.boxed + census.names + census.lists + 1;
    result(format_args!(
        "per tree: {} allocations = {} boxed children + {} names + {} argument lists + 1 statement list",
        boxed.allocations / n,
        census.boxed,
        census.names,
        census.lists
    ));
    if boxed.allocations != predicted * n {
        say(&format!("(expected {predicted} per tree: something else allocated meanwhile)"));
    }

    println!();
    let header = plural(n, "tree");
    println!(
        "   {}{header:<38} {:>12} {:>12} {:>15} {:>10}{}",
        style(BOLD),
        "allocations",
        "frees",
        "bytes asked",
        "per tree",
        style(RESET)
    );
    let rows = [("Bump, reset() between parses", bumped), ("Box per node, String, Vec", boxed)];
    for (name, stats) in rows {
        println!(
            "   {name:<38} {:>12} {:>12} {:>15} {:>10}",
            grouped(stats.allocations),
            grouped(stats.deallocations),
            grouped(stats.total_bytes),
            per_parse_figure(stats, n)
        );
    }
    println!();
    say("\"bytes asked\" counts requested sizes only: malloc adds its own header and rounding");
    say("to every block, which the Box trees pay once per node and the bump once per chunk.");
}

// ----------------------------------------------------------------------------------------
// The same tree over Box, for comparison
// ----------------------------------------------------------------------------------------

/// The tree as it is usually written in Rust: each child in its own heap block.
#[allow(dead_code)] // only built, counted and dropped
enum BoxExpr {
    Num(f64),
    Var(allockit::String),
    Neg(allockit::Box<BoxExpr>),
    Binary(BinOp, allockit::Box<BoxExpr>, allockit::Box<BoxExpr>),
    Call(allockit::String, Vec<BoxExpr>),
}

#[allow(dead_code)] // only built, counted and dropped
enum BoxStmt {
    Let(allockit::String, BoxExpr),
    Expr(BoxExpr),
}

fn boxed_program(program: &[Stmt<'_>]) -> Vec<BoxStmt> {
    let mut statements = Vec::with_capacity(program.len());
    for statement in program {
        statements.push(match *statement {
            Stmt::Let(name, value) => BoxStmt::Let(name.into(), boxed(value)),
            Stmt::Expr(value) => BoxStmt::Expr(boxed(value)),
        });
    }
    statements
}

fn boxed(expr: &Expr<'_>) -> BoxExpr {
    match *expr {
        Expr::Num(value) => BoxExpr::Num(value),
        Expr::Var(name) => BoxExpr::Var(name.into()),
        Expr::Neg(operand) => BoxExpr::Neg(allockit::Box::new(boxed(operand))),
        Expr::Binary(op, lhs, rhs) => {
            BoxExpr::Binary(op, allockit::Box::new(boxed(lhs)), allockit::Box::new(boxed(rhs)))
        }
        Expr::Call(name, args) => {
            let mut list = Vec::with_capacity(args.len());
            for arg in args {
                list.push(boxed(arg));
            }
            BoxExpr::Call(name.into(), list)
        }
    }
}
