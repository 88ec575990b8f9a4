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
//!   below checks it); it gives whole chunks back.
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

use std::alloc::System;
use std::fmt;
use std::hint::black_box;
use std::io::{self, IsTerminal};
use std::mem::{needs_drop, size_of, size_of_val};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use allockit::alloc::{Allocator, Global};
use allockit::wrappers::{Counting, CountingStats};
use allockit::{Bump, Vec};

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

// ----------------------------------------------------------------------------------------
// The syntax tree
// ----------------------------------------------------------------------------------------

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
}

impl BinOp {
    /// Binding strength: the higher, the tighter.
    fn precedence(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 2,
            BinOp::Pow => PREC_POW,
        }
    }

    /// `2 ^ 3 ^ 2` is `2 ^ (3 ^ 2)`; the others group to the left.
    fn is_right_associative(self) -> bool {
        self == BinOp::Pow
    }

    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::Pow => "^",
        }
    }
}

/// The precedence of `^`, which is also the operand of unary minus: `-2 ^ 2` is
/// `-(2 ^ 2)`, while `-2 * 3` is `(-2) * 3`.
const PREC_POW: u8 = 3;

/// An expression. Every child is a `&'b` reference into the bump, and so is every name:
/// the tree owns nothing, so it needs no destructor.
#[derive(Clone, Copy, Debug)]
enum Expr<'b> {
    /// An integer or float literal.
    Num(f64),
    /// A name bound by `let` (or unknown: the evaluator says so).
    Var(&'b str),
    /// Unary minus.
    Neg(&'b Expr<'b>),
    Binary(BinOp, &'b Expr<'b>, &'b Expr<'b>),
    /// A call: the function's name and the arguments, a slice in the bump.
    Call(&'b str, &'b [&'b Expr<'b>]),
}

/// A statement: `let name = expr;` or `expr;`.
#[derive(Clone, Copy, Debug)]
enum Stmt<'b> {
    Let(&'b str, &'b Expr<'b>),
    Expr(&'b Expr<'b>),
}

// The bump never runs destructors, so a node that owned heap memory (a `String`, a `Box`)
// would leak it. These types own nothing: the compiler checks it here.
const _: () = assert!(!needs_drop::<Expr<'static>>() && !needs_drop::<Stmt<'static>>());

/// Fully parenthesised, so the output shows how the parser grouped the operators.
impl fmt::Display for Expr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(value) => write!(f, "{value}"),
            Expr::Var(name) => f.write_str(name),
            Expr::Neg(operand) => write!(f, "(-{operand})"),
            Expr::Binary(op, lhs, rhs) => write!(f, "({lhs} {} {rhs})", op.symbol()),
            Expr::Call(name, args) => {
                write!(f, "{name}(")?;
                for (i, arg) in args.iter().enumerate() {
                    let comma = if i == 0 { "" } else { ", " };
                    write!(f, "{comma}{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}

// ----------------------------------------------------------------------------------------
// The tokenizer
// ----------------------------------------------------------------------------------------

/// What a token is. Its text stays in the source: lexing allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Num(f64),
    Ident,
    Let,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    LParen,
    RParen,
    Comma,
    Semi,
    Assign,
    Eof,
}

/// A token: its kind, its text (a slice of the source) and where it starts.
#[derive(Clone, Copy, Debug)]
struct Token<'s> {
    kind: Kind,
    text: &'s str,
    offset: usize,
}

impl Token<'_> {
    /// How an error message names the token.
    fn describe(&self) -> String {
        match self.kind {
            Kind::Eof => "the end of the input".to_string(),
            _ => format!("`{}`", self.text),
        }
    }

    fn binary_op(&self) -> Option<BinOp> {
        Some(match self.kind {
            Kind::Plus => BinOp::Add,
            Kind::Minus => BinOp::Sub,
            Kind::Star => BinOp::Mul,
            Kind::Slash => BinOp::Div,
            Kind::Percent => BinOp::Rem,
            Kind::Caret => BinOp::Pow,
            _ => return None,
        })
    }
}

/// A syntax error: where (a byte offset into the source) and what.
#[derive(Debug, PartialEq)]
struct ParseError {
    offset: usize,
    message: String,
}

impl ParseError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        ParseError { offset, message: message.into() }
    }
}

/// Cuts a `&str` into tokens, one at a time.
struct Lexer<'s> {
    source: &'s str,
    position: usize,
}

impl<'s> Lexer<'s> {
    fn new(source: &'s str) -> Self {
        Lexer { source, position: 0 }
    }

    /// The next token, `Eof` at the end (again and again).
    fn next_token(&mut self) -> Result<Token<'s>, ParseError> {
        self.skip_blanks_and_comments();
        let start = self.position;
        let rest = &self.source[start..];
        let Some(c) = rest.chars().next() else {
            return Ok(Token { kind: Kind::Eof, text: "", offset: start });
        };
        let kind = match c {
            '0'..='9' => return self.number(),
            'a'..='z' | 'A'..='Z' | '_' => return Ok(self.identifier()),
            '+' => Kind::Plus,
            '-' => Kind::Minus,
            '*' => Kind::Star,
            '/' => Kind::Slash,
            '%' => Kind::Percent,
            '^' => Kind::Caret,
            '(' => Kind::LParen,
            ')' => Kind::RParen,
            ',' => Kind::Comma,
            ';' => Kind::Semi,
            '=' => Kind::Assign,
            _ => return Err(ParseError::new(start, format!("unexpected character `{c}`"))),
        };
        self.position += 1; // every punctuation character is one byte
        Ok(Token { kind, text: &self.source[start..self.position], offset: start })
    }

    fn skip_blanks_and_comments(&mut self) {
        loop {
            let rest = &self.source[self.position..];
            let trimmed = rest.trim_start();
            self.position += rest.len() - trimmed.len();
            if !trimmed.starts_with('#') {
                return;
            }
            self.position += trimmed.find('\n').unwrap_or(trimmed.len());
        }
    }

    /// Digits, then optionally `.` and more digits: `12`, `2.5`.
    fn number(&mut self) -> Result<Token<'s>, ParseError> {
        let start = self.position;
        self.eat_digits();
        if self.source[self.position..].starts_with('.') {
            let dot = self.position;
            self.position += 1;
            if self.eat_digits() == 0 {
                return Err(ParseError::new(
                    dot,
                    "a number cannot end with `.`: digits must follow it",
                ));
            }
        }
        let text = &self.source[start..self.position];
        let value: f64 =
            text.parse().map_err(|_| ParseError::new(start, format!("bad number `{text}`")))?;
        Ok(Token { kind: Kind::Num(value), text, offset: start })
    }

    /// Skips ASCII digits and says how many there were.
    fn eat_digits(&mut self) -> usize {
        let digits = self.source[self.position..].bytes().take_while(u8::is_ascii_digit).count();
        self.position += digits;
        digits
    }

    fn identifier(&mut self) -> Token<'s> {
        let start = self.position;
        let len = self.source[start..]
            .bytes()
            .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_')
            .count();
        self.position += len;
        let text = &self.source[start..self.position];
        let kind = if text == "let" { Kind::Let } else { Kind::Ident };
        Token { kind, text, offset: start }
    }
}

// ----------------------------------------------------------------------------------------
// The parser
// ----------------------------------------------------------------------------------------

/// How deeply the parser may nest (parentheses, unary minus, `^`, calls, and each operator
/// of a chain such as `1 + 2 + 3`). Deeper input is an error rather than a stack overflow,
/// and the limit also keeps the trees shallow enough for the recursive evaluator and
/// printers.
const MAX_DEPTH: usize = 64;

/// Parses `source` into statements whose nodes, names and lists all live in `bump`.
///
/// The result borrows the bump, not the source: names are copied into the bump.
fn parse<'b, A: Allocator>(source: &str, bump: &'b Bump<A>) -> Result<&'b [Stmt<'b>], ParseError> {
    let mut lexer = Lexer::new(source);
    let next = lexer.next_token()?;
    let mut parser = Parser { lexer, next, bump, depth: 0 };
    parser.program()
}

/// A recursive-descent parser with one token of lookahead; binary operators by
/// precedence climbing.
struct Parser<'s, 'b, A: Allocator> {
    lexer: Lexer<'s>,
    /// The lookahead: the next token, not yet consumed.
    next: Token<'s>,
    bump: &'b Bump<A>,
    depth: usize,
}

impl<'s, 'b, A: Allocator> Parser<'s, 'b, A> {
    /// Consumes the lookahead token and returns it.
    fn advance(&mut self) -> Result<Token<'s>, ParseError> {
        let token = self.next;
        self.next = self.lexer.next_token()?;
        Ok(token)
    }

    /// Consumes a token of `kind`, or fails with "expected `what`".
    fn expect(&mut self, kind: Kind, what: &str) -> Result<Token<'s>, ParseError> {
        if self.next.kind == kind { self.advance() } else { Err(self.unexpected(what)) }
    }

    /// "expected `what`, found ..." at the lookahead token.
    fn unexpected(&self, what: &str) -> ParseError {
        ParseError::new(
            self.next.offset,
            format!("expected {what}, found {}", self.next.describe()),
        )
    }

    /// `statement*`, collected in a `Vec` in the bump and then turned into a slice.
    fn program(&mut self) -> Result<&'b [Stmt<'b>], ParseError> {
        let mut statements: Vec<Stmt<'b>, &'b Bump<A>> = Vec::new_in(self.bump);
        while self.next.kind != Kind::Eof {
            let statement = self.statement()?;
            statements.push(statement);
        }
        // `leak` hands the elements over for as long as the allocator lives: for a bump,
        // until it is reset. Nothing leaks for real.
        Ok(statements.leak())
    }

    /// `let name = expr;` or `expr;`.
    fn statement(&mut self) -> Result<Stmt<'b>, ParseError> {
        if self.next.kind == Kind::Let {
            self.advance()?;
            let name = self.expect(Kind::Ident, "a name after `let`")?;
            let name: &'b str = self.bump.alloc_str(name.text);
            if self.next.kind != Kind::Assign {
                // Formatted only on the error path: a parse that succeeds allocates
                // nothing outside the bump (the memory section checks it).
                return Err(self.unexpected(&format!("`=` after `let {name}`")));
            }
            self.advance()?;
            let value = self.expression(0)?;
            self.expect(Kind::Semi, "an operator or `;`")?;
            Ok(Stmt::Let(name, value))
        } else {
            let value = self.expression(0)?;
            self.expect(Kind::Semi, "an operator or `;`")?;
            Ok(Stmt::Expr(value))
        }
    }

    /// Precedence climbing: an operand, then operators binding at least as tightly as
    /// `min_precedence`, each with a right-hand side parsed one level tighter (or at the
    /// same level, for the right-associative `^`).
    fn expression(&mut self, min_precedence: u8) -> Result<&'b Expr<'b>, ParseError> {
        let depth = self.depth;
        self.nest()?;
        let mut lhs = self.operand()?;
        while let Some(op) = self.next.binary_op() {
            let precedence = op.precedence();
            if precedence < min_precedence {
                break;
            }
            self.nest()?;
            self.advance()?;
            let rhs_min = if op.is_right_associative() { precedence } else { precedence + 1 };
            let rhs = self.expression(rhs_min)?;
            lhs = self.bump.alloc(Expr::Binary(op, lhs, rhs));
        }
        self.depth = depth;
        Ok(lhs)
    }

    /// One level deeper, or an error past [`MAX_DEPTH`].
    fn nest(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(self.next.offset, "expression nested too deeply"));
        }
        Ok(())
    }

    /// A number, a name, a call, `-operand` or `(expression)`.
    fn operand(&mut self) -> Result<&'b Expr<'b>, ParseError> {
        let token = self.next;
        let node = match token.kind {
            Kind::Num(value) => {
                self.advance()?;
                Expr::Num(value)
            }
            Kind::Ident => {
                self.advance()?;
                let name: &'b str = self.bump.alloc_str(token.text);
                if self.next.kind == Kind::LParen {
                    Expr::Call(name, self.arguments(name)?)
                } else {
                    Expr::Var(name)
                }
            }
            Kind::Minus => {
                self.advance()?;
                Expr::Neg(self.expression(PREC_POW)?)
            }
            Kind::LParen => {
                self.advance()?;
                let inner = self.expression(0)?;
                self.expect(Kind::RParen, "`)` or an operator")?;
                return Ok(inner); // parentheses only group: no node of their own
            }
            _ => return Err(self.unexpected("an expression")),
        };
        Ok(self.bump.alloc(node))
    }

    /// `( )` or `( expr {, expr} )`: the arguments, gathered in a `Vec` in the bump and
    /// handed back as a slice of it.
    fn arguments(&mut self, name: &str) -> Result<&'b [&'b Expr<'b>], ParseError> {
        self.expect(Kind::LParen, "`(`")?;
        let mut args: Vec<&'b Expr<'b>, &'b Bump<A>> = Vec::new_in(self.bump);
        if self.next.kind != Kind::RParen {
            loop {
                let arg = self.expression(0)?;
                args.push(arg);
                match self.next.kind {
                    Kind::Comma => self.advance()?,
                    Kind::RParen => break,
                    _ => {
                        return Err(self.unexpected(&format!("`,` or `)` in the call of `{name}`")));
                    }
                };
            }
        }
        self.advance()?; // the `)`
        Ok(args.leak())
    }
}

// ----------------------------------------------------------------------------------------
// The evaluator
// ----------------------------------------------------------------------------------------

/// The `let` bindings so far; a later `let` of the same name shadows the earlier one.
struct Env<'b> {
    bindings: Vec<(&'b str, f64)>,
}

impl<'b> Env<'b> {
    fn new() -> Self {
        Env { bindings: Vec::new() }
    }

    fn get(&self, name: &str) -> Option<f64> {
        self.bindings.iter().rev().find(|(n, _)| *n == name).map(|&(_, value)| value)
    }

    /// Runs a statement and returns its value (for `let`, the value bound).
    fn run(&mut self, statement: &Stmt<'b>) -> Result<f64, String> {
        match *statement {
            Stmt::Let(name, value) => {
                let value = self.eval(value)?;
                self.bindings.push((name, value));
                Ok(value)
            }
            Stmt::Expr(value) => self.eval(value),
        }
    }

    fn eval(&self, expr: &Expr<'_>) -> Result<f64, String> {
        match *expr {
            Expr::Num(value) => Ok(value),
            Expr::Var(name) => self.get(name).ok_or_else(|| format!("unknown name `{name}`")),
            Expr::Neg(operand) => Ok(-self.eval(operand)?),
            Expr::Binary(op, lhs, rhs) => {
                let (a, b) = (self.eval(lhs)?, self.eval(rhs)?);
                match op {
                    BinOp::Add => Ok(a + b),
                    BinOp::Sub => Ok(a - b),
                    BinOp::Mul => Ok(a * b),
                    BinOp::Div | BinOp::Rem if b == 0.0 => Err(format!("`{expr}` divides by zero")),
                    BinOp::Div => Ok(a / b),
                    BinOp::Rem => Ok(a % b),
                    BinOp::Pow => Ok(a.powf(b)),
                }
            }
            Expr::Call(name, args) => {
                let values =
                    args.iter().map(|arg| self.eval(arg)).collect::<Result<Vec<f64>, _>>()?;
                call_builtin(name, &values)
            }
        }
    }
}

/// The built-in functions: `sqrt`, `abs`, and `min` and `max` of one or more values.
fn call_builtin(name: &str, args: &[f64]) -> Result<f64, String> {
    match (name, args) {
        ("sqrt", &[x]) => Ok(x.sqrt()),
        ("abs", &[x]) => Ok(x.abs()),
        ("min", [first, rest @ ..]) => Ok(rest.iter().fold(*first, |m, &x| m.min(x))),
        ("max", [first, rest @ ..]) => Ok(rest.iter().fold(*first, |m, &x| m.max(x))),
        ("sqrt" | "abs", _) => Err(format!("`{name}` takes 1 argument, not {}", args.len())),
        ("min" | "max", _) => Err(format!("`{name}` needs at least 1 argument")),
        _ => Err(format!("unknown function `{name}`")),
    }
}

// ----------------------------------------------------------------------------------------
// The sections of the tour
// ----------------------------------------------------------------------------------------

/// The source, with line numbers.
fn show_program() {
    section("The program");
    for (number, line) in PROGRAM.lines().enumerate() {
        println!("   {:>3} | {line}", number + 1);
    }
}

/// The tokens of one line: kinds and slices of the source, nothing allocated.
fn show_tokens() {
    section("Tokens");
    let line = "let area = pi * r ^ 2;";
    say(&format!("The tokenizer cuts `{line}` into tokens that borrow the source:"));
    let mut lexer = Lexer::new(line);
    let mut tokens = String::new();
    while let Ok(token) = lexer.next_token() {
        if token.kind == Kind::Eof {
            break;
        }
        let shown = match token.kind {
            Kind::Num(value) => format!("Num({value})"),
            Kind::Ident => format!("Ident({})", token.text),
            kind => format!("{kind:?}"),
        };
        tokens.push_str(&shown);
        tokens.push(' ');
    }
    result(format_args!("{}", tokens.trim_end()));
}

/// The trees of a few statements, drawn one node a line.
fn show_trees(program: &[Stmt<'_>]) {
    section("Parsing into the bump");
    let census = Census::of(program);
    say(&format!(
        "{} statements: {} nodes, {} names, {} argument lists, all in the bump.",
        program.len(),
        census.nodes,
        census.names,
        census.lists
    ));
    say("Some of the trees (parentheses leave no node: they only group):");
    for statement in program {
        if let Stmt::Let(name, value) = *statement {
            if SHOWN_TREES.contains(&name) {
                println!();
                println!("   let {name} =");
                print_tree(value, "   ", "   ", &|_| String::new());
            }
        }
    }
}

/// Every statement, fully parenthesised, and its value.
fn show_values(program: &[Stmt<'_>]) {
    section("Evaluating");
    say("Each statement as the parser grouped it, and its value:");
    println!();
    let mut env = Env::new();
    for statement in program {
        let shown = match statement {
            Stmt::Let(name, value) => format!("let {name} = {value}"),
            Stmt::Expr(value) => value.to_string(),
        };
        match env.run(statement) {
            Ok(value) => {
                println!("   {shown:<54} {}=> {}{}", style(GREEN), number(value), style(RESET))
            }
            Err(message) => {
                println!("   {shown:<54} {}error: {message}{}", style(RED), style(RESET))
            }
        }
    }
}

/// Bad inputs: each error is a value with an offset, printed with a caret.
fn show_errors() {
    section("Syntax errors are values");
    say("`parse` returns `Err(ParseError { offset, message })`; nothing panics:");
    let inputs = [
        "let total = 1;\nlet bigger = max(total, 2;\n",
        "let = 4;",
        "let r = 2.;",
        "let x = 3 $ 4;",
    ];
    for source in inputs {
        println!();
        let bump = Bump::new();
        match parse(source, &bump) {
            Err(error) => print_parse_error(source, &error),
            Ok(_) => result(format_args!("{source:?} parsed without error")),
        }
    }
    println!();
    say("The evaluator reports its errors the same way (nodes carry no offsets, so no caret):");
    let bump = Bump::new();
    let source = "let root = sqrt(2, 3);";
    if let Ok(program) = parse(source, &bump) {
        let mut env = Env::new();
        for statement in program {
            if let Err(message) = env.run(statement) {
                println!("   {source:<26} {}error: {message}{}", style(RED), style(RESET));
            }
        }
    }
}

/// The bump after one parse: its chunks, what the bytes hold, and where one tree lies.
fn memory_one_parse(program: &[Stmt<'_>], bump: &Bump) {
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
fn memory_many_parses(program: &[Stmt<'_>], n: usize) {
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

// ----------------------------------------------------------------------------------------
// Walking and drawing trees
// ----------------------------------------------------------------------------------------

/// What a program's trees are made of, counted by walking them.
#[derive(Default)]
struct Census {
    nodes: usize,
    names: usize,
    name_bytes: usize,
    /// Children of `Neg` and `Binary` nodes: a `Box` each in the `Box` tree (arguments
    /// are stored in their list instead, and statements hold their root).
    boxed: usize,
    /// Argument lists that are not empty (an empty one allocates nothing).
    lists: usize,
    list_slots: usize,
}

impl Census {
    fn of(program: &[Stmt<'_>]) -> Self {
        let mut census = Census::default();
        for statement in program {
            match *statement {
                Stmt::Let(name, value) => {
                    census.name(name);
                    census.expr(value);
                }
                Stmt::Expr(value) => census.expr(value),
            }
        }
        census
    }

    fn name(&mut self, name: &str) {
        self.names += 1;
        self.name_bytes += name.len();
    }

    fn expr(&mut self, expr: &Expr<'_>) {
        self.nodes += 1;
        match *expr {
            Expr::Var(name) => self.name(name),
            Expr::Call(name, args) => {
                self.name(name);
                if !args.is_empty() {
                    self.lists += 1;
                    self.list_slots += args.len();
                }
            }
            Expr::Neg(_) => self.boxed += 1,
            Expr::Binary(..) => self.boxed += 2,
            Expr::Num(_) => {}
        }
        for child in children(expr) {
            self.expr(child);
        }
    }

    /// Bytes of the bump that the program's data needs (no padding, no spare capacity).
    fn bytes(&self, statements: usize) -> usize {
        self.nodes * size_of::<Expr<'_>>()
            + self.name_bytes
            + self.list_slots * size_of::<&Expr<'_>>()
            + statements * size_of::<Stmt<'_>>()
    }
}

/// A node's children, left to right.
fn children<'b>(expr: &Expr<'b>) -> Vec<&'b Expr<'b>> {
    match *expr {
        Expr::Num(_) | Expr::Var(_) => Vec::new(),
        Expr::Neg(operand) => Vec::from([operand]),
        Expr::Binary(_, lhs, rhs) => Vec::from([lhs, rhs]),
        Expr::Call(_, args) => Vec::from(args),
    }
}

/// Draws `expr` one node a line; `place` may put a column before each node.
fn print_tree(expr: &Expr<'_>, lead: &str, child_lead: &str, place: &dyn Fn(&Expr<'_>) -> String) {
    let label = match *expr {
        Expr::Num(value) => format!("Num {value}"),
        Expr::Var(name) => format!("Var {name}"),
        Expr::Neg(_) => "Neg".to_string(),
        Expr::Binary(op, ..) => format!("Binary {}", op.symbol()),
        Expr::Call(name, args) => format!("Call {name} ({} arguments)", args.len()),
    };
    println!("{}{lead}{}{label}{}", place(expr), style(CYAN), style(RESET));
    let children = children(expr);
    for (i, child) in children.iter().enumerate() {
        let (branch, below) =
            if i + 1 == children.len() { ("└─ ", "   ") } else { ("├─ ", "│  ") };
        print_tree(child, &format!("{child_lead}{branch}"), &format!("{child_lead}{below}"), place);
    }
}

/// "chunk C +OFFSET": where `node` lies in `bump`.
fn locate(bump: &Bump, node: &Expr<'_>) -> String {
    let address = (node as *const Expr<'_>).addr();
    for (i, chunk) in bump.chunks().enumerate() {
        let start = chunk.data_start.addr();
        if (start..start + chunk.capacity).contains(&address) {
            return format!("   chunk {i} +{:<5}", address - start);
        }
    }
    "   (not in the bump)".to_string()
}

// ----------------------------------------------------------------------------------------
// Output helpers
// ----------------------------------------------------------------------------------------

/// Prints a syntax error: the message, then the line with a caret under the column.
fn print_parse_error(source: &str, error: &ParseError) {
    let offset = error.offset.min(source.len());
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[offset..].find('\n').map_or(source.len(), |i| offset + i);
    let line_number = source[..line_start].matches('\n').count() + 1;
    let before = &source[line_start..offset];
    let column = before.chars().count() + 1;
    // Tabs stay tabs, so the caret lines up however the terminal draws them.
    let pad: String = before.chars().map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    println!(
        "   {}error{}: {} (line {line_number}, column {column})",
        style(RED),
        style(RESET),
        error.message
    );
    println!("   {line_number:>3} | {}", &source[line_start..line_end]);
    println!("       | {pad}{}^{}", style(RED), style(RESET));
}

/// A value as people write it: integers without a fraction, others to 6 decimals.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value}")
    } else {
        let text = format!("{value:.6}");
        text.trim_end_matches('0').to_string()
    }
}

/// `1234567` as `1 234 567`.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(digit);
    }
    out
}

/// "1 tree", "2 trees".
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{} {noun}s", grouped(n)) }
}

/// Allocations per parse, to one decimal.
fn per_parse_figure(stats: CountingStats, n: usize) -> String {
    format!("{:.1}", stats.allocations as f64 / n as f64)
}

const BOLD: &str = "\x1b[1m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const RESET: &str = "\x1b[0m";

static COLOUR: OnceLock<bool> = OnceLock::new();

fn init_colour() {
    COLOUR.get_or_init(|| {
        io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    });
}

/// `code` if colour is on, else nothing.
fn style(code: &'static str) -> &'static str {
    if COLOUR.get().copied().unwrap_or(false) { code } else { "" }
}

/// A numbered section heading.
fn section(title: &str) {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let number = NEXT.fetch_add(1, Ordering::Relaxed);
    println!();
    println!("{}{number}. {title}{}", style(BOLD), style(RESET));
}

/// A line of explanation.
fn say(text: &str) {
    println!("   {text}");
}

/// A line stating what happened.
fn result(args: fmt::Arguments<'_>) {
    println!("   {}=> {args}{}", style(GREEN), style(RESET));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses and prints one expression statement, fully parenthesised.
    fn grouped_as(source: &str) -> String {
        let bump = Bump::new();
        match parse(source, &bump) {
            Ok([Stmt::Expr(value)]) => value.to_string(),
            other => panic!("{source:?}: {other:?}"),
        }
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(grouped_as("1 + 2 * 3;"), "(1 + (2 * 3))");
        assert_eq!(grouped_as("1 - 2 - 3;"), "((1 - 2) - 3)");
        assert_eq!(grouped_as("2 ^ 3 ^ 2;"), "(2 ^ (3 ^ 2))");
        assert_eq!(grouped_as("-2 ^ 2;"), "(-(2 ^ 2))");
        assert_eq!(grouped_as("-2 * 3;"), "((-2) * 3)");
        assert_eq!(grouped_as("2 ^ -1;"), "(2 ^ (-1))");
        assert_eq!(grouped_as("a % b / c;"), "((a % b) / c)");
        assert_eq!(grouped_as("f() + g(1, (2 + 3) * 4);"), "(f() + g(1, ((2 + 3) * 4)))");
    }

    #[test]
    fn the_program_evaluates() {
        let bump = Bump::new();
        let program = parse(PROGRAM, &bump).unwrap();
        let mut env = Env::new();
        let values: std::vec::Vec<f64> = program.iter().map(|s| env.run(s).unwrap()).collect();
        assert_eq!(values[4], 512.0); // tower
        assert_eq!(values[5], -4.0); // negated
        assert_eq!(values[6], 35.0); // mixed: 7 + 30 - (2 % 3)
        assert_eq!(values[7], 5.0); // hypotenuse
        assert_eq!(values[10], -4.5); // -(1 - 2.5) * -3
    }

    #[test]
    fn errors_point_at_the_offending_token() {
        let bump = Bump::new();
        let error = |source| parse(source, &bump).unwrap_err();
        assert_eq!(error("let = 4;").offset, 4);
        assert_eq!(error("let r = 2.;").offset, 9);
        assert_eq!(error("1 + ;").offset, 4);
        assert_eq!(error("(1 + 2;").offset, 6);
        assert_eq!(error("f(1 2);").offset, 4);
        assert_eq!(error("1 + 2").offset, 5); // missing `;` at the end of the input
        assert_eq!(error("é;").message, "unexpected character `é`");
    }

    /// Every prefix of the program and every one-character deletion parses or fails with
    /// an error, never a panic; deep nesting is an error too.
    #[test]
    fn bad_input_never_panics() {
        let bump = Bump::new();
        for (i, _) in PROGRAM.char_indices() {
            let _ = parse(&PROGRAM[..i], &bump);
            let mut deleted = PROGRAM.to_string();
            deleted.remove(i);
            if let Ok(program) = parse(&deleted, &bump) {
                let mut env = Env::new();
                for statement in program {
                    let _ = env.run(statement);
                }
            }
        }
        let deep = format!("{}1{};", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(parse(&deep, &bump).unwrap_err().message, "expression nested too deeply");
        let long = format!("{}1;", "1 + ".repeat(10_000));
        assert!(parse(&long, &bump).is_err());
        let tower = format!("{}2;", "2 ^ -".repeat(10_000));
        assert!(parse(&tower, &bump).is_err());
    }
}
