//! The syntax tree: the binary operators with their precedence, the expression and
//! statement nodes that live in the bump (every child and every name a `&'b` reference
//! into it, so nothing needs a destructor), and the fully parenthesised `Display` of an
//! expression.

use std::fmt;
use std::mem::needs_drop;

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Pow,
}

impl BinOp {
    /// Binding strength: the higher, the tighter.
    pub(crate) fn precedence(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div | BinOp::Rem => 2,
            BinOp::Pow => PREC_POW,
        }
    }

    /// `2 ^ 3 ^ 2` is `2 ^ (3 ^ 2)`; the others group to the left.
    pub(crate) fn is_right_associative(self) -> bool {
        self == BinOp::Pow
    }

    pub(crate) fn symbol(self) -> &'static str {
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
pub(crate) const PREC_POW: u8 = 3;

/// An expression. Every child is a `&'b` reference into the bump, and so is every name:
/// the tree owns nothing, so it needs no destructor.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Expr<'b> {
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
pub(crate) enum Stmt<'b> {
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
