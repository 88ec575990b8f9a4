//! The first sections of the tour, one function each: the program with line numbers,
//! the tokens of one line, the trees of a few statements, every statement's grouping and
//! value, and syntax and evaluation errors printed as values.

use allockit::Bump;

use crate::ast::Stmt;
use crate::eval::Env;
use crate::grammar::parse;
use crate::lexer::{Kind, Lexer};
use crate::style::{GREEN, RED, RESET, number, print_parse_error, result, say, section, style};
use crate::trees::{Census, print_tree};
use crate::{PROGRAM, SHOWN_TREES};

/// The source, with line numbers.
pub(crate) fn show_program() {
    section("The program");
    for (number, line) in PROGRAM.lines().enumerate() {
        println!("   {:>3} | {line}", number + 1);
    }
}

/// The tokens of one line: kinds and slices of the source, nothing allocated.
pub(crate) fn show_tokens() {
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
pub(crate) fn show_trees(program: &[Stmt<'_>]) {
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
pub(crate) fn show_values(program: &[Stmt<'_>]) {
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
pub(crate) fn show_errors() {
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
