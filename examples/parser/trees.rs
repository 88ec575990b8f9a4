//! Walking and drawing trees: the `Census` of a program's nodes, names and argument
//! lists, a node's children, `print_tree`, which draws a tree one node a line, and
//! `locate`, which says in which chunk of the bump, and where in it, a node lies.

use std::mem::size_of;

use allockit::{Bump, Vec};

use crate::ast::{Expr, Stmt};
use crate::style::{CYAN, RESET, style};

/// What a program's trees are made of, counted by walking them.
#[derive(Default)]
pub(crate) struct Census {
    pub(crate) nodes: usize,
    pub(crate) names: usize,
    pub(crate) name_bytes: usize,
    /// Children of `Neg` and `Binary` nodes: a `Box` each in the `Box` tree (arguments
    /// are stored in their list instead, and statements hold their root).
    pub(crate) boxed: usize,
    /// Argument lists that are not empty (an empty one allocates nothing).
    pub(crate) lists: usize,
    pub(crate) list_slots: usize,
}

impl Census {
    pub(crate) fn of(program: &[Stmt<'_>]) -> Self {
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
    pub(crate) fn bytes(&self, statements: usize) -> usize {
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
pub(crate) fn print_tree(
    expr: &Expr<'_>,
    lead: &str,
    child_lead: &str,
    place: &dyn Fn(&Expr<'_>) -> String,
) {
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
pub(crate) fn locate(bump: &Bump, node: &Expr<'_>) -> String {
    let address = (node as *const Expr<'_>).addr();
    for (i, chunk) in bump.chunks().enumerate() {
        let start = chunk.data_start.addr();
        if (start..start + chunk.capacity).contains(&address) {
            return format!("   chunk {i} +{:<5}", address - start);
        }
    }
    "   (not in the bump)".to_string()
}
