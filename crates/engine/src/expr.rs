//! Conditions on sequence flows, gateways and multi-instance loops are written by modellers, not
//! by programmers, and arrive in BPMN files exported from Flowable, Camunda and SpiffWorkflow.
//! We never run a script engine (no JUEL runtime, no Python, no JavaScript), so this small
//! evaluator is the only thing that reads them. It understands the subset of JUEL
//! (`${input == 1}`, `#{...}`) and of Python (`work_done == 'Yes'`, `not done`) that conditions
//! actually use, can call nothing but a fixed list of pure functions, bounds the size and nesting
//! of what it accepts, and reports every failure as an error value: a condition is user input and
//! must never be able to panic the engine or reach the host.
//!
//! Where JUEL and Python disagree, one rule was chosen and kept:
//! - `/` always divides as floats (`3/5` is `0.6`); `%` keeps the sign of the dividend as in JUEL.
//! - `and`/`or` yield booleans as in JUEL, not one of their operands as in Python.
//! - `not` binds looser than comparisons (Python: `not a == b` is `not (a == b)`), while `!` binds
//!   tighter (JUEL: `!a == b` is `(!a) == b`).
//! - `==` never converts between types: `'1' == 1` is false rather than JUEL's true.
//! - Chained comparisons such as `0 < x < 10` are rejected, because JUEL and Python read them
//!   differently and a silent difference in a routing decision is worse than an error.
//! - A variable the process does not know is an error (as in Camunda), but a missing key of an
//!   object is `null`, because optional form fields are routinely absent.

// Every path below is reachable from modeller input; a panic would take a whole engine worker down.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::unreachable
)]

use std::cmp::Ordering;
use std::collections::BTreeSet;

use serde_json::{Number, Value};

/// Longest accepted condition, in characters; real conditions fit on a line, so more is a mistake.
pub const MAX_LEN: usize = 4096;
/// Deepest accepted nesting; it bounds the recursion of both the parser and the evaluator.
pub const MAX_DEPTH: usize = 64;
/// Longest string a concatenation may build, so a condition cannot exhaust memory.
const MAX_STRING: usize = 1 << 20;
/// 2^63: the first float above every `i64`, needed to compare and convert floats exactly.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Why a condition could not be parsed. Positions count characters from 0 in the original text,
/// wrapper included, so they point where the modeller sees the problem.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExprError {
    #[error("empty expression")]
    Empty,
    #[error("expression is {len} characters long, more than the limit of 4096")]
    TooLong { len: usize },
    #[error("nesting deeper than 64 levels at {pos}")]
    TooDeep { pos: usize },
    #[error("missing closing '}}' for the expression opened at {pos}")]
    UnclosedWrapper { pos: usize },
    #[error("unexpected character '{ch}' at {pos}")]
    UnexpectedChar { ch: char, pos: usize },
    #[error("unterminated string starting at {pos}")]
    UnterminatedString { pos: usize },
    #[error("invalid escape sequence at {pos}")]
    BadEscape { pos: usize },
    #[error("number {text} out of range at {pos}")]
    BadNumber { text: String, pos: usize },
    #[error("unexpected token '{token}' at {pos}")]
    UnexpectedToken { token: String, pos: usize },
    #[error("unexpected end of expression at {pos}")]
    UnexpectedEnd { pos: usize },
    #[error("unknown function {name} at {pos}")]
    UnknownFunction { name: String, pos: usize },
    #[error("function {name} takes {expected}, got {found} at {pos}")]
    Arity {
        name: String,
        expected: &'static str,
        found: usize,
        pos: usize,
    },
    #[error("chained comparison at {pos}; join the comparisons with and")]
    ChainedComparison { pos: usize },
}

impl ExprError {
    /// Where the problem is, for editors that underline it; `None` when it concerns the whole text.
    pub fn position(&self) -> Option<usize> {
        match self {
            Self::Empty | Self::TooLong { .. } => None,
            Self::TooDeep { pos }
            | Self::UnclosedWrapper { pos }
            | Self::UnexpectedChar { pos, .. }
            | Self::UnterminatedString { pos }
            | Self::BadEscape { pos }
            | Self::BadNumber { pos, .. }
            | Self::UnexpectedToken { pos, .. }
            | Self::UnexpectedEnd { pos }
            | Self::UnknownFunction { pos, .. }
            | Self::Arity { pos, .. }
            | Self::ChainedComparison { pos } => Some(*pos),
        }
    }
}

/// Why a parsed condition could not be evaluated against the process variables.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    #[error("unknown variable {0}")]
    UnknownVariable(String),
    #[error("type error: {0}")]
    Type(String),
    #[error("division by zero")]
    DivisionByZero,
    #[error("result out of range")]
    Overflow,
    #[error("index {index} out of range for length {len}")]
    IndexOutOfRange { index: i64, len: usize },
}

/// A parsed condition. Only [`Expr::parse`] builds one, which is what keeps the tree within
/// [`MAX_DEPTH`] and so keeps evaluation off the end of the stack.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    source: String,
    root: Node,
}

impl Expr {
    /// Parses a condition written bare or wrapped in `${…}` / `#{…}`.
    pub fn parse(src: &str) -> Result<Expr, ExprError> {
        let len = src.chars().count();
        if len > MAX_LEN {
            return Err(ExprError::TooLong { len });
        }
        let (inner, base) = strip_wrapper(src)?;
        if inner.trim().is_empty() {
            return Err(ExprError::Empty);
        }
        let toks = lex(inner, base)?;
        let mut parser = Parser {
            toks,
            i: 0,
            depth: 0,
            end: base + inner.chars().count(),
        };
        let root = parser.parse_ternary()?;
        if parser.peek().is_some() {
            return Err(parser.unexpected());
        }
        Ok(Expr {
            source: src.to_owned(),
            root,
        })
    }

    /// The text the condition was parsed from, exactly as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The root variable names the condition reads, sorted and without duplicates, so the model
    /// validator can check them against the process data before anything runs.
    pub fn variables(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        collect_vars(&self.root, &mut out);
        out.into_iter().collect()
    }

    /// Evaluates the condition; `vars` answers `None` for a variable the process does not have.
    pub fn eval(&self, vars: &dyn Fn(&str) -> Option<Value>) -> Result<Value, EvalError> {
        eval(&self.root, vars)
    }

    /// Evaluates the condition and takes the truthiness of the result, which is what a gateway
    /// needs to choose an outgoing flow.
    pub fn eval_bool(&self, vars: &dyn Fn(&str) -> Option<Value>) -> Result<bool, EvalError> {
        self.eval(vars).map(|v| truthy(&v))
    }
}

/// Returns the text inside a `${…}` or `#{…}` wrapper and the character offset where it starts.
fn strip_wrapper(src: &str) -> Result<(&str, usize), ExprError> {
    let trimmed = src.trim_start();
    let lead = src.chars().count() - trimmed.chars().count();
    let trimmed = trimmed.trim_end();
    let Some(opened) = trimmed
        .strip_prefix("${")
        .or_else(|| trimmed.strip_prefix("#{"))
    else {
        return Ok((trimmed, lead));
    };
    match opened.strip_suffix('}') {
        Some(inner) => Ok((inner, lead + 2)),
        None => Err(ExprError::UnclosedWrapper { pos: lead }),
    }
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(i64),
    Float(f64),
    Str(String),
    // Keywords stay words here because after `.` they are ordinary field names (`form.in`).
    Word(String),
    Sym(&'static str),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    pos: usize,
    // Kept so errors quote what the modeller wrote, not our reading of it.
    text: String,
}

fn slice_text(chars: &[char], start: usize, end: usize) -> String {
    chars
        .iter()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

fn is_cjk(c: char) -> bool {
    matches!(
        u32::from(c),
        0x3007
            | 0x3040..=0x30FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7AF
            | 0xF900..=0xFAFF
            | 0x20000..=0x2EBEF
            | 0x30000..=0x323AF
    )
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || is_cjk(c)
}

fn is_ident_continue(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit()
}

fn lex(src: &str, base: usize) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let pos = base + i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let tok = if c.is_ascii_digit() {
            let (tok, end) = lex_number(&chars, i, base)?;
            i = end;
            tok
        } else if c == '\'' || c == '"' {
            let (s, end) = lex_string(&chars, i, c, base)?;
            i = end;
            Tok::Str(s)
        } else if is_ident_start(c) {
            let mut end = i + 1;
            while chars.get(end).is_some_and(|&d| is_ident_continue(d)) {
                end += 1;
            }
            i = end;
            Tok::Word(slice_text(&chars, start, end))
        } else {
            let sym = match (c, chars.get(i + 1).copied()) {
                ('=', Some('=')) => "==",
                ('!', Some('=')) => "!=",
                ('<', Some('=')) => "<=",
                ('>', Some('=')) => ">=",
                ('&', Some('&')) => "&&",
                ('|', Some('|')) => "||",
                ('(', _) => "(",
                (')', _) => ")",
                ('[', _) => "[",
                (']', _) => "]",
                (',', _) => ",",
                ('.', _) => ".",
                ('?', _) => "?",
                (':', _) => ":",
                ('+', _) => "+",
                ('-', _) => "-",
                ('*', _) => "*",
                ('/', _) => "/",
                ('%', _) => "%",
                ('!', _) => "!",
                ('<', _) => "<",
                ('>', _) => ">",
                _ => return Err(ExprError::UnexpectedChar { ch: c, pos }),
            };
            i += sym.len();
            Tok::Sym(sym)
        };
        toks.push(Token {
            tok,
            pos,
            text: slice_text(&chars, start, i),
        });
    }
    Ok(toks)
}

fn lex_number(chars: &[char], start: usize, base: usize) -> Result<(Tok, usize), ExprError> {
    let digit_at = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    let mut end = start;
    while digit_at(end) {
        end += 1;
    }
    let mut is_float = false;
    // A dot not followed by a digit is property access, so `a[0].b` still lexes.
    if chars.get(end) == Some(&'.') && digit_at(end + 1) {
        is_float = true;
        end += 1;
        while digit_at(end) {
            end += 1;
        }
    }
    if matches!(chars.get(end), Some('e' | 'E')) {
        let mut k = end + 1;
        if matches!(chars.get(k), Some('+' | '-')) {
            k += 1;
        }
        if digit_at(k) {
            is_float = true;
            end = k;
            while digit_at(end) {
                end += 1;
            }
        }
    }
    let text = slice_text(chars, start, end);
    let pos = base + start;
    let float = |text: &str| match text.parse::<f64>() {
        Ok(f) if f.is_finite() => Ok(Tok::Float(f)),
        _ => Err(ExprError::BadNumber {
            text: text.to_owned(),
            pos,
        }),
    };
    let tok = if is_float {
        float(&text)?
    } else {
        // Digits alone fail to parse only when too large for i64; a float is the closest reading.
        match text.parse::<i64>() {
            Ok(n) => Tok::Int(n),
            Err(_) => float(&text)?,
        }
    };
    Ok((tok, end))
}

fn lex_string(
    chars: &[char],
    start: usize,
    quote: char,
    base: usize,
) -> Result<(String, usize), ExprError> {
    let unterminated = ExprError::UnterminatedString { pos: base + start };
    let mut out = String::new();
    let mut i = start + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            return Err(unterminated);
        };
        if c == quote {
            return Ok((out, i + 1));
        }
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let bad = ExprError::BadEscape { pos: base + i };
        let Some(&e) = chars.get(i + 1) else {
            return Err(unterminated);
        };
        let (ch, used) = match e {
            '\\' => ('\\', 2),
            '\'' => ('\'', 2),
            '"' => ('"', 2),
            'n' => ('\n', 2),
            't' => ('\t', 2),
            'r' => ('\r', 2),
            '0' => ('\0', 2),
            'u' => {
                let hex = slice_text(chars, i + 2, i + 6);
                if hex.chars().count() != 4 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                    return Err(bad);
                }
                let ch = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or(bad)?;
                (ch, 6)
            }
            _ => return Err(bad),
        };
        out.push(ch);
        i += used;
    }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

// Operator chains are stored flat rather than as nested binary nodes: a 4096-character sum would
// otherwise be a tree thousands of levels deep, and evaluating or dropping it could overflow the
// stack of a worker thread.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Lit(Value),
    List(Vec<Node>),
    Var(String),
    Path(Box<Node>, Vec<Step>),
    Unary(UnOp, Box<Node>),
    Arith(Box<Node>, Vec<(ArithOp, Node)>),
    Compare(CmpOp, Box<Node>, Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(Node),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnOp {
    Not,
    Neg,
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl ArithOp {
    fn symbol(self) -> &'static str {
        match self {
            Self::Add => "+",
            Self::Sub => "-",
            Self::Mul => "*",
            Self::Div => "/",
            Self::Rem => "%",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::In => "in",
            Self::NotIn => "not in",
        }
    }
}

/// The whole list of callable functions. Anything else is refused when the model is parsed, so a
/// condition can never name something with side effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Func {
    Len,
    Abs,
    Min,
    Max,
    Str,
    Int,
    Float,
    Lower,
    Upper,
    Contains,
}

impl Func {
    fn lookup(name: &str) -> Option<Self> {
        Some(match name {
            "len" => Self::Len,
            "abs" => Self::Abs,
            "min" => Self::Min,
            "max" => Self::Max,
            "str" => Self::Str,
            "int" => Self::Int,
            "float" => Self::Float,
            "lower" => Self::Lower,
            "upper" => Self::Upper,
            "contains" => Self::Contains,
            _ => return None,
        })
    }

    /// Whether `n` arguments fit, and how to say what would.
    fn arity(self, n: usize) -> Result<(), &'static str> {
        match self {
            Self::Min | Self::Max if n >= 1 => Ok(()),
            Self::Min | Self::Max => Err("at least 1 argument"),
            Self::Contains if n == 2 => Ok(()),
            Self::Contains => Err("2 arguments"),
            _ if n == 1 => Ok(()),
            _ => Err("1 argument"),
        }
    }
}

/// Words with a meaning of their own; they cannot name variables, which keeps `not in`,
/// `a if c else b` and the JUEL operator words unambiguous.
const RESERVED: &[&str] = &[
    "true", "false", "True", "False", "null", "None", "not", "and", "or", "in", "if", "else",
    "empty", "div", "mod", "lt", "le", "gt", "ge", "eq", "ne",
];

// ---------------------------------------------------------------------------------------------
// Parser: one method per precedence level, lowest first.

struct Parser {
    toks: Vec<Token>,
    i: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn tok_at(&self, offset: usize) -> Option<&Tok> {
        self.toks.get(self.i + offset).map(|t| &t.tok)
    }

    fn at_sym(&self, s: &str) -> bool {
        matches!(self.tok_at(0), Some(Tok::Sym(x)) if *x == s)
    }

    fn at_word(&self, w: &str) -> bool {
        matches!(self.tok_at(0), Some(Tok::Word(x)) if x == w)
    }

    fn pos(&self) -> usize {
        self.peek().map_or(self.end, |t| t.pos)
    }

    fn bump(&mut self) {
        self.i += 1;
    }

    fn unexpected(&self) -> ExprError {
        match self.peek() {
            Some(t) => ExprError::UnexpectedToken {
                token: t.text.clone(),
                pos: t.pos,
            },
            None => ExprError::UnexpectedEnd { pos: self.end },
        }
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), ExprError> {
        if self.at_sym(s) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    // Every construct that makes the parser recurse passes through here, so the limit also
    // bounds the depth of the tree that eval walks.
    fn enter(&mut self, pos: usize) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError::TooDeep { pos });
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// JUEL `c ? a : b` and Python `a if c else b`, both right-associative.
    fn parse_ternary(&mut self) -> Result<Node, ExprError> {
        let first = self.parse_or()?;
        if self.at_sym("?") {
            let pos = self.pos();
            self.bump();
            self.enter(pos)?;
            let then = self.parse_ternary()?;
            self.expect_sym(":")?;
            let other = self.parse_ternary()?;
            self.leave();
            Ok(Node::Cond(Box::new(first), Box::new(then), Box::new(other)))
        } else if self.at_word("if") {
            let pos = self.pos();
            self.bump();
            self.enter(pos)?;
            let cond = self.parse_or()?;
            if !self.at_word("else") {
                return Err(self.unexpected());
            }
            self.bump();
            let other = self.parse_ternary()?;
            self.leave();
            Ok(Node::Cond(Box::new(cond), Box::new(first), Box::new(other)))
        } else {
            Ok(first)
        }
    }

    fn parse_or(&mut self) -> Result<Node, ExprError> {
        let mut items = vec![self.parse_and()?];
        while self.at_sym("||") || self.at_word("or") {
            self.bump();
            items.push(self.parse_and()?);
        }
        Ok(single_or(items, Node::Or))
    }

    fn parse_and(&mut self) -> Result<Node, ExprError> {
        let mut items = vec![self.parse_not()?];
        while self.at_sym("&&") || self.at_word("and") {
            self.bump();
            items.push(self.parse_not()?);
        }
        Ok(single_or(items, Node::And))
    }

    fn parse_not(&mut self) -> Result<Node, ExprError> {
        if !self.at_word("not") {
            return self.parse_cmp();
        }
        let pos = self.pos();
        self.bump();
        self.enter(pos)?;
        let operand = self.parse_not()?;
        self.leave();
        Ok(Node::Unary(UnOp::Not, Box::new(operand)))
    }

    /// The comparison operator at the cursor and how many tokens it spans.
    fn cmp_op(&self) -> Option<(CmpOp, usize)> {
        let op = match self.tok_at(0)? {
            Tok::Sym("==") => CmpOp::Eq,
            Tok::Sym("!=") => CmpOp::Ne,
            Tok::Sym("<") => CmpOp::Lt,
            Tok::Sym("<=") => CmpOp::Le,
            Tok::Sym(">") => CmpOp::Gt,
            Tok::Sym(">=") => CmpOp::Ge,
            Tok::Word(w) => match w.as_str() {
                "eq" => CmpOp::Eq,
                "ne" => CmpOp::Ne,
                "lt" => CmpOp::Lt,
                "le" => CmpOp::Le,
                "gt" => CmpOp::Gt,
                "ge" => CmpOp::Ge,
                "in" => CmpOp::In,
                "not" if matches!(self.tok_at(1), Some(Tok::Word(n)) if n == "in") => {
                    return Some((CmpOp::NotIn, 2));
                }
                _ => return None,
            },
            _ => return None,
        };
        Some((op, 1))
    }

    fn parse_cmp(&mut self) -> Result<Node, ExprError> {
        let lhs = self.parse_add()?;
        let Some((op, len)) = self.cmp_op() else {
            return Ok(lhs);
        };
        self.i += len;
        let rhs = self.parse_add()?;
        if self.cmp_op().is_some() {
            return Err(ExprError::ChainedComparison { pos: self.pos() });
        }
        Ok(Node::Compare(op, Box::new(lhs), Box::new(rhs)))
    }

    fn parse_add(&mut self) -> Result<Node, ExprError> {
        let first = self.parse_mul()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.at_sym("+") {
                ArithOp::Add
            } else if self.at_sym("-") {
                ArithOp::Sub
            } else {
                break;
            };
            self.bump();
            rest.push((op, self.parse_mul()?));
        }
        Ok(arith_chain(first, rest))
    }

    fn parse_mul(&mut self) -> Result<Node, ExprError> {
        let first = self.parse_unary()?;
        let mut rest = Vec::new();
        loop {
            let op = if self.at_sym("*") {
                ArithOp::Mul
            } else if self.at_sym("/") || self.at_word("div") {
                ArithOp::Div
            } else if self.at_sym("%") || self.at_word("mod") {
                ArithOp::Rem
            } else {
                break;
            };
            self.bump();
            rest.push((op, self.parse_unary()?));
        }
        Ok(arith_chain(first, rest))
    }

    fn parse_unary(&mut self) -> Result<Node, ExprError> {
        let op = if self.at_sym("!") {
            UnOp::Not
        } else if self.at_sym("-") {
            UnOp::Neg
        } else if self.at_word("empty") {
            UnOp::Empty
        } else {
            return self.parse_postfix();
        };
        let pos = self.pos();
        self.bump();
        self.enter(pos)?;
        let operand = self.parse_unary()?;
        self.leave();
        Ok(Node::Unary(op, Box::new(operand)))
    }

    fn parse_postfix(&mut self) -> Result<Node, ExprError> {
        let base = self.parse_primary()?;
        let mut steps = Vec::new();
        loop {
            if self.at_sym(".") {
                self.bump();
                let name = match self.tok_at(0) {
                    Some(Tok::Word(w)) => w.clone(),
                    _ => return Err(self.unexpected()),
                };
                self.bump();
                steps.push(Step::Field(name));
            } else if self.at_sym("[") {
                let pos = self.pos();
                self.bump();
                self.enter(pos)?;
                let index = self.parse_ternary()?;
                self.expect_sym("]")?;
                self.leave();
                steps.push(Step::Index(index));
            } else {
                break;
            }
        }
        Ok(if steps.is_empty() {
            base
        } else {
            Node::Path(Box::new(base), steps)
        })
    }

    fn parse_primary(&mut self) -> Result<Node, ExprError> {
        let Some(Token { tok, pos, .. }) = self.peek().cloned() else {
            return Err(self.unexpected());
        };
        match tok {
            Tok::Int(n) => {
                self.bump();
                Ok(Node::Lit(Value::from(n)))
            }
            Tok::Float(f) => {
                let value = float_value(f).map_err(|_| ExprError::BadNumber {
                    text: f.to_string(),
                    pos,
                })?;
                self.bump();
                Ok(Node::Lit(value))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Node::Lit(Value::String(s)))
            }
            Tok::Word(w) => {
                let lit = match w.as_str() {
                    "true" | "True" => Value::Bool(true),
                    "false" | "False" => Value::Bool(false),
                    "null" | "None" => Value::Null,
                    other if RESERVED.contains(&other) => return Err(self.unexpected()),
                    _ => {
                        self.bump();
                        return if self.at_sym("(") {
                            self.parse_call(w, pos)
                        } else {
                            Ok(Node::Var(w))
                        };
                    }
                };
                self.bump();
                Ok(Node::Lit(lit))
            }
            Tok::Sym("(") => {
                self.bump();
                self.enter(pos)?;
                let inner = self.parse_ternary()?;
                self.expect_sym(")")?;
                self.leave();
                Ok(inner)
            }
            Tok::Sym("[") => {
                self.bump();
                self.enter(pos)?;
                let items = self.parse_items("]")?;
                self.leave();
                Ok(Node::List(items))
            }
            Tok::Sym(_) => Err(self.unexpected()),
        }
    }

    /// Comma-separated expressions up to `close`, which is consumed; a trailing comma is allowed
    /// as Python allows it.
    fn parse_items(&mut self, close: &str) -> Result<Vec<Node>, ExprError> {
        let mut items = Vec::new();
        while !self.at_sym(close) {
            items.push(self.parse_ternary()?);
            if self.at_sym(",") {
                self.bump();
            } else {
                break;
            }
        }
        self.expect_sym(close)?;
        Ok(items)
    }

    fn parse_call(&mut self, name: String, pos: usize) -> Result<Node, ExprError> {
        // Refused before its arguments are read, so the error names the function itself.
        let Some(func) = Func::lookup(&name) else {
            return Err(ExprError::UnknownFunction { name, pos });
        };
        self.bump();
        self.enter(pos)?;
        let args = self.parse_items(")")?;
        self.leave();
        func.arity(args.len())
            .map_err(|expected| ExprError::Arity {
                name,
                expected,
                found: args.len(),
                pos,
            })?;
        Ok(Node::Call(func, args))
    }
}

fn single_or(mut items: Vec<Node>, wrap: fn(Vec<Node>) -> Node) -> Node {
    if items.len() == 1 {
        if let Some(only) = items.pop() {
            return only;
        }
    }
    wrap(items)
}

fn arith_chain(first: Node, rest: Vec<(ArithOp, Node)>) -> Node {
    if rest.is_empty() {
        first
    } else {
        Node::Arith(Box::new(first), rest)
    }
}

fn collect_vars(node: &Node, out: &mut BTreeSet<String>) {
    match node {
        Node::Lit(_) => {}
        Node::Var(name) => {
            out.insert(name.clone());
        }
        Node::List(items) | Node::And(items) | Node::Or(items) | Node::Call(_, items) => {
            for item in items {
                collect_vars(item, out);
            }
        }
        Node::Path(base, steps) => {
            collect_vars(base, out);
            for step in steps {
                if let Step::Index(index) = step {
                    collect_vars(index, out);
                }
            }
        }
        Node::Unary(_, operand) => collect_vars(operand, out),
        Node::Arith(first, rest) => {
            collect_vars(first, out);
            for (_, n) in rest {
                collect_vars(n, out);
            }
        }
        Node::Compare(_, a, b) => {
            collect_vars(a, out);
            collect_vars(b, out);
        }
        Node::Cond(c, a, b) => {
            collect_vars(c, out);
            collect_vars(a, out);
            collect_vars(b, out);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

type Vars<'a> = &'a dyn Fn(&str) -> Option<Value>;

fn eval(node: &Node, vars: Vars<'_>) -> Result<Value, EvalError> {
    match node {
        Node::Lit(v) => Ok(v.clone()),
        Node::List(items) => items
            .iter()
            .map(|n| eval(n, vars))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Node::Var(name) => vars(name).ok_or_else(|| EvalError::UnknownVariable(name.clone())),
        Node::Path(base, steps) => {
            let mut value = eval(base, vars)?;
            for step in steps {
                value = match step {
                    Step::Field(name) => field(&value, name)?,
                    Step::Index(n) => index(&value, &eval(n, vars)?)?,
                };
            }
            Ok(value)
        }
        Node::Unary(op, operand) => {
            let v = eval(operand, vars)?;
            match op {
                UnOp::Not => Ok(Value::Bool(!truthy(&v))),
                UnOp::Empty => Ok(Value::Bool(is_empty(&v))),
                UnOp::Neg => negate(&v),
            }
        }
        Node::Arith(first, rest) => {
            let mut acc = eval(first, vars)?;
            for (op, n) in rest {
                acc = arith(*op, &acc, &eval(n, vars)?)?;
            }
            Ok(acc)
        }
        Node::Compare(op, a, b) => {
            let a = eval(a, vars)?;
            let b = eval(b, vars)?;
            compare(*op, &a, &b).map(Value::Bool)
        }
        Node::And(items) => {
            for item in items {
                if !truthy(&eval(item, vars)?) {
                    return Ok(Value::Bool(false));
                }
            }
            Ok(Value::Bool(true))
        }
        Node::Or(items) => {
            for item in items {
                if truthy(&eval(item, vars)?) {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        Node::Cond(c, a, b) => {
            if truthy(&eval(c, vars)?) {
                eval(a, vars)
            } else {
                eval(b, vars)
            }
        }
        Node::Call(func, args) => {
            let args = args
                .iter()
                .map(|n| eval(n, vars))
                .collect::<Result<Vec<_>, _>>()?;
            call(*func, args)
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    fn as_f64(self) -> f64 {
        match self {
            Self::Int(i) => i as f64,
            Self::Float(f) => f,
        }
    }

    fn is_zero(self) -> bool {
        match self {
            Self::Int(i) => i == 0,
            Self::Float(f) => f == 0.0,
        }
    }
}

fn num(n: &Number) -> Result<Num, EvalError> {
    if let Some(i) = n.as_i64() {
        return Ok(Num::Int(i));
    }
    // Only u64 above i64::MAX, or a huge number if serde_json's arbitrary_precision is on.
    match n.as_f64() {
        Some(f) if f.is_finite() => Ok(Num::Float(f)),
        _ => Err(EvalError::Overflow),
    }
}

fn float_value(f: f64) -> Result<Value, EvalError> {
    // JSON has no infinity or NaN; serde_json would silently turn them into null.
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or(EvalError::Overflow)
}

fn num_value(n: Num) -> Result<Value, EvalError> {
    match n {
        Num::Int(i) => Ok(Value::from(i)),
        Num::Float(f) => float_value(f),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "object",
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => num(n).map_or(true, |n| !n.is_zero()),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

fn type_error(msg: String) -> EvalError {
    EvalError::Type(msg)
}

/// Compares an integer with a float exactly; converting the integer to f64 would round above 2^53.
fn cmp_int_float(i: i64, f: f64) -> Ordering {
    if f >= TWO_POW_63 {
        return Ordering::Less;
    }
    if f < -TWO_POW_63 {
        return Ordering::Greater;
    }
    let whole = f.trunc();
    match i.cmp(&(whole as i64)) {
        Ordering::Equal => whole.partial_cmp(&f).unwrap_or(Ordering::Equal),
        other => other,
    }
}

fn num_cmp(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x.cmp(&y),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Num::Int(x), Num::Float(y)) => cmp_int_float(x, y),
        (Num::Float(x), Num::Int(y)) => cmp_int_float(y, x).reverse(),
    }
}

fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (num(x), num(y)) {
            (Ok(x), Ok(y)) => num_cmp(x, y) == Ordering::Equal,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| values_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| values_equal(p, q)))
        }
        _ => a == b,
    }
}

fn order(a: &Value, b: &Value, what: &str) -> Result<Ordering, EvalError> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Ok(num_cmp(num(x)?, num(y)?)),
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => Err(type_error(format!(
            "cannot order {} and {} with {what}",
            type_name(a),
            type_name(b)
        ))),
    }
}

fn contains(haystack: &Value, needle: &Value) -> Result<bool, EvalError> {
    match (haystack, needle) {
        (Value::Array(items), _) => Ok(items.iter().any(|x| values_equal(x, needle))),
        (Value::String(s), Value::String(n)) => Ok(s.contains(n.as_str())),
        (Value::Object(m), Value::String(k)) => Ok(m.contains_key(k)),
        _ => Err(type_error(format!(
            "cannot look for {} in {}",
            type_name(needle),
            type_name(haystack)
        ))),
    }
}

fn compare(op: CmpOp, a: &Value, b: &Value) -> Result<bool, EvalError> {
    Ok(match op {
        CmpOp::Eq => values_equal(a, b),
        CmpOp::Ne => !values_equal(a, b),
        CmpOp::In => contains(b, a)?,
        CmpOp::NotIn => !contains(b, a)?,
        CmpOp::Lt => order(a, b, op.symbol())? == Ordering::Less,
        CmpOp::Le => order(a, b, op.symbol())? != Ordering::Greater,
        CmpOp::Gt => order(a, b, op.symbol())? == Ordering::Greater,
        CmpOp::Ge => order(a, b, op.symbol())? != Ordering::Less,
    })
}

/// Integer arithmetic while it fits in i64, floats once it does not.
fn int_or_float(
    x: Num,
    y: Num,
    int_op: fn(i64, i64) -> Option<i64>,
    float_op: fn(f64, f64) -> f64,
) -> Num {
    if let (Num::Int(a), Num::Int(b)) = (x, y) {
        if let Some(r) = int_op(a, b) {
            return Num::Int(r);
        }
    }
    Num::Float(float_op(x.as_f64(), y.as_f64()))
}

fn arith(op: ArithOp, a: &Value, b: &Value) -> Result<Value, EvalError> {
    let (x, y) = match (a, b) {
        (Value::Number(x), Value::Number(y)) => (num(x)?, num(y)?),
        (Value::String(x), Value::String(y)) if op == ArithOp::Add => {
            if x.len() + y.len() > MAX_STRING {
                return Err(EvalError::Overflow);
            }
            return Ok(Value::String(format!("{x}{y}")));
        }
        _ => {
            return Err(type_error(format!(
                "cannot apply {} to {} and {}",
                op.symbol(),
                type_name(a),
                type_name(b)
            )))
        }
    };
    let result = match op {
        ArithOp::Add => int_or_float(x, y, i64::checked_add, |p, q| p + q),
        ArithOp::Sub => int_or_float(x, y, i64::checked_sub, |p, q| p - q),
        ArithOp::Mul => int_or_float(x, y, i64::checked_mul, |p, q| p * q),
        ArithOp::Div if y.is_zero() => return Err(EvalError::DivisionByZero),
        ArithOp::Div => Num::Float(x.as_f64() / y.as_f64()),
        ArithOp::Rem if y.is_zero() => return Err(EvalError::DivisionByZero),
        ArithOp::Rem => int_or_float(x, y, i64::checked_rem, |p, q| p % q),
    };
    num_value(result)
}

fn negate(v: &Value) -> Result<Value, EvalError> {
    let Value::Number(n) = v else {
        return Err(type_error(format!("cannot negate {}", type_name(v))));
    };
    num_value(match num(n)? {
        Num::Int(i) => i.checked_neg().map_or(Num::Float(-(i as f64)), Num::Int),
        Num::Float(f) => Num::Float(-f),
    })
}

fn field(base: &Value, name: &str) -> Result<Value, EvalError> {
    match base {
        Value::Object(m) => Ok(m.get(name).cloned().unwrap_or(Value::Null)),
        other => Err(type_error(format!(
            "cannot read field {name} of {}",
            type_name(other)
        ))),
    }
}

/// Resolves a list index, counting negative ones from the end as Python does.
fn list_position(index: &Value, len: usize) -> Result<usize, EvalError> {
    let Some(i) = index.as_i64() else {
        return Err(type_error(format!(
            "index must be an integer, not {}",
            type_name(index)
        )));
    };
    let signed_len = i64::try_from(len).map_err(|_| EvalError::Overflow)?;
    let p = if i < 0 {
        i.saturating_add(signed_len)
    } else {
        i
    };
    if !(0..signed_len).contains(&p) {
        return Err(EvalError::IndexOutOfRange { index: i, len });
    }
    usize::try_from(p).map_err(|_| EvalError::Overflow)
}

fn index(base: &Value, idx: &Value) -> Result<Value, EvalError> {
    match (base, idx) {
        (Value::Object(_), Value::String(k)) => field(base, k),
        (Value::Array(items), _) => {
            let p = list_position(idx, items.len())?;
            Ok(items.get(p).cloned().unwrap_or(Value::Null))
        }
        (Value::String(s), _) => {
            let p = list_position(idx, s.chars().count())?;
            Ok(s.chars()
                .nth(p)
                .map_or(Value::Null, |c| Value::String(c.to_string())))
        }
        _ => Err(type_error(format!(
            "cannot index {} with {}",
            type_name(base),
            type_name(idx)
        ))),
    }
}

fn float_to_int(f: f64) -> Result<i64, EvalError> {
    let whole = f.trunc();
    if (-TWO_POW_63..TWO_POW_63).contains(&whole) {
        Ok(whole as i64)
    } else {
        Err(EvalError::Overflow)
    }
}

/// Picks the smallest (`want == Less`) or largest element; one list argument means its elements,
/// as in Python's `min([1, 2])`.
fn extreme(args: Vec<Value>, want: Ordering, name: &str) -> Result<Value, EvalError> {
    let items = match <[Value; 1]>::try_from(args) {
        Ok([Value::Array(items)]) => items,
        Ok([single]) => vec![single],
        Err(args) => args,
    };
    let mut rest = items.into_iter();
    let Some(mut best) = rest.next() else {
        return Err(type_error(format!("{name} of an empty list")));
    };
    // A lone value must still be something min/max could have compared.
    order(&best, &best, name)?;
    for item in rest {
        if order(&item, &best, name)? == want {
            best = item;
        }
    }
    Ok(best)
}

fn call(func: Func, args: Vec<Value>) -> Result<Value, EvalError> {
    let mut it = args.into_iter();
    // Arity was checked by the parser; Null only stands in for an argument that cannot be missing.
    let a = it.next().unwrap_or(Value::Null);
    let unsupported = |name: &str, v: &Value| type_error(format!("{name} of {}", type_name(v)));
    match func {
        Func::Len => match &a {
            Value::String(s) => Ok(Value::from(s.chars().count())),
            Value::Array(items) => Ok(Value::from(items.len())),
            Value::Object(m) => Ok(Value::from(m.len())),
            other => Err(unsupported("len", other)),
        },
        Func::Abs => match &a {
            Value::Number(n) => num_value(match num(n)? {
                Num::Int(i) => i
                    .checked_abs()
                    .map_or(Num::Float((i as f64).abs()), Num::Int),
                Num::Float(f) => Num::Float(f.abs()),
            }),
            other => Err(unsupported("abs", other)),
        },
        Func::Str => Ok(Value::String(match a {
            Value::String(s) => s,
            other => other.to_string(),
        })),
        Func::Int => match &a {
            Value::Number(n) => match num(n)? {
                Num::Int(i) => Ok(Value::from(i)),
                Num::Float(f) => float_to_int(f).map(Value::from),
            },
            Value::String(s) => s
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| type_error(format!("cannot convert '{s}' to int"))),
            Value::Bool(b) => Ok(Value::from(i64::from(*b))),
            other => Err(unsupported("int", other)),
        },
        Func::Float => match &a {
            Value::Number(n) => float_value(num(n)?.as_f64()),
            // Rust would also accept "nan" and "inf", which JSON cannot carry.
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => float_value(f),
                _ => Err(type_error(format!("cannot convert '{s}' to float"))),
            },
            Value::Bool(b) => float_value(if *b { 1.0 } else { 0.0 }),
            other => Err(unsupported("float", other)),
        },
        Func::Lower => match &a {
            Value::String(s) => Ok(Value::String(s.to_lowercase())),
            other => Err(unsupported("lower", other)),
        },
        Func::Upper => match &a {
            Value::String(s) => Ok(Value::String(s.to_uppercase())),
            other => Err(unsupported("upper", other)),
        },
        Func::Contains => {
            let needle = it.next().unwrap_or(Value::Null);
            contains(&a, &needle).map(Value::Bool)
        }
        Func::Min => extreme(
            std::iter::once(a).chain(it).collect(),
            Ordering::Less,
            "min",
        ),
        Func::Max => extreme(
            std::iter::once(a).chain(it).collect(),
            Ordering::Greater,
            "max",
        ),
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn env<'a>(pairs: &'a [(&'a str, Value)]) -> impl Fn(&str) -> Option<Value> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn ev(src: &str, pairs: &[(&str, Value)]) -> Result<Value, EvalError> {
        Expr::parse(src)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .eval(&env(pairs))
    }

    fn val(src: &str) -> Value {
        ev(src, &[]).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    fn yes(src: &str, pairs: &[(&str, Value)]) -> bool {
        Expr::parse(src)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .eval_bool(&env(pairs))
            .unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    fn perr(src: &str) -> ExprError {
        Expr::parse(src).expect_err(src)
    }

    fn type_err(src: &str, pairs: &[(&str, Value)]) {
        match ev(src, pairs) {
            Err(EvalError::Type(_)) => {}
            other => panic!("{src}: expected a type error, got {other:?}"),
        }
    }

    // --- The conditions that motivated the module ------------------------------------------

    #[test]
    fn multi_instance_completion_condition() {
        let src = "${nrOfCompletedInstances/nrOfInstances >= 0.6 }";
        let three = [
            ("nrOfCompletedInstances", json!(3)),
            ("nrOfInstances", json!(5)),
        ];
        let two = [
            ("nrOfCompletedInstances", json!(2)),
            ("nrOfInstances", json!(5)),
        ];
        assert!(yes(src, &three));
        assert!(!yes(src, &two));
    }

    #[test]
    fn flowable_and_camunda_wrappers() {
        assert!(yes("${input <= 1}", &[("input", json!(1))]));
        assert!(!yes("${input <= 1}", &[("input", json!(2))]));
        assert!(yes("${input == 1}", &[("input", json!(1))]));
        assert!(yes("#{input == 1}", &[("input", json!(1))]));
        assert!(yes("  ${ input == 1 }\n", &[("input", json!(1))]));
    }

    #[test]
    fn spiffworkflow_python_conditions() {
        assert!(yes("not done", &[("done", json!(false))]));
        assert!(!yes("not done", &[("done", json!(true))]));
        assert!(yes("work_done == 'Yes'", &[("work_done", json!("Yes"))]));
        assert!(!yes("work_done == 'Yes'", &[("work_done", json!("No"))]));
        assert!(yes("objections > 0", &[("objections", json!(2))]));
        assert!(!yes("objections > 0", &[("objections", json!(0))]));
        assert!(yes("amount > 1000", &[("amount", json!(1000.5))]));
        assert!(!yes("amount > 1000", &[("amount", json!(1000))]));
        // `x &gt; 1` in the XML reaches us unescaped.
        assert!(yes("x > 1", &[("x", json!(2))]));
    }

    #[test]
    fn unknown_variable_is_an_error() {
        let err = ev("${iinput == 1}", &[("input", json!(1))]).unwrap_err();
        assert_eq!(err, EvalError::UnknownVariable("iinput".to_owned()));
        assert_eq!(err.to_string(), "unknown variable iinput");
        // Strict even where the value would not matter.
        assert!(matches!(
            ev("empty missing", &[]),
            Err(EvalError::UnknownVariable(_))
        ));
        assert!(matches!(
            ev("missing == null", &[]),
            Err(EvalError::UnknownVariable(_))
        ));
        assert!(matches!(
            ev("true and missing", &[]),
            Err(EvalError::UnknownVariable(_))
        ));
        assert!(matches!(
            ev("missing.a", &[]),
            Err(EvalError::UnknownVariable(_))
        ));
    }

    #[test]
    fn short_circuit_does_not_touch_the_other_side() {
        assert_eq!(val("false and missing"), json!(false));
        assert_eq!(val("false && missing"), json!(false));
        assert_eq!(val("true or missing"), json!(true));
        assert_eq!(val("true || missing"), json!(true));
        assert_eq!(val("true ? 1 : missing"), json!(1));
        assert_eq!(val("false ? missing : 2"), json!(2));
        assert_eq!(val("1 if true else missing"), json!(1));
        assert_eq!(val("missing if false else 2"), json!(2));
    }

    // --- Literals and variables ------------------------------------------------------------

    #[test]
    fn literals() {
        assert_eq!(val("42"), json!(42));
        assert_eq!(val("0.6"), json!(0.6));
        assert_eq!(val("1e3"), json!(1000.0));
        assert_eq!(val("2.5E-1"), json!(0.25));
        assert_eq!(val("'single'"), json!("single"));
        assert_eq!(val("\"double\""), json!("double"));
        assert_eq!(val("true"), json!(true));
        assert_eq!(val("True"), json!(true));
        assert_eq!(val("false"), json!(false));
        assert_eq!(val("False"), json!(false));
        assert_eq!(val("null"), Value::Null);
        assert_eq!(val("None"), Value::Null);
        assert_eq!(val("[1, 2]"), json!([1, 2]));
        assert_eq!(val("[]"), json!([]));
        assert_eq!(
            val("[1, 'a', [true], null,]"),
            json!([1, "a", [true], null])
        );
        // Too large for i64: read as the nearest float rather than refused.
        assert_eq!(
            val("9223372036854775808"),
            json!(9_223_372_036_854_775_808.0)
        );
    }

    #[test]
    fn string_escapes() {
        assert_eq!(val(r"'it\'s'"), json!("it's"));
        assert_eq!(val(r#""say \"hi\"""#), json!("say \"hi\""));
        assert_eq!(val(r"'a\\b'"), json!("a\\b"));
        assert_eq!(val(r"'a\nb\tc'"), json!("a\nb\tc"));
        assert_eq!(val(r"'\u4e2d'"), json!("中"));
        assert_eq!(val(r#"'say "hi"'"#), json!("say \"hi\""));
        assert!(matches!(perr(r"'\q'"), ExprError::BadEscape { pos: 1 }));
        assert!(matches!(perr(r"'\u12'"), ExprError::BadEscape { .. }));
        assert!(matches!(perr(r"'\ud800'"), ExprError::BadEscape { .. }));
        assert!(matches!(
            perr("'open"),
            ExprError::UnterminatedString { pos: 0 }
        ));
        assert!(matches!(
            perr("x == \"open"),
            ExprError::UnterminatedString { pos: 5 }
        ));
    }

    #[test]
    fn variables_properties_and_indexes() {
        let vars = [
            ("a", json!({"b": {"c": 5}, "k": "v", "list": [10, 20, 30]})),
            ("xs", json!([1, 2, 3])),
            ("金额", json!(2000)),
            ("申请人", json!({"姓名": "张三"})),
            ("snake_case_2", json!(1)),
        ];
        assert_eq!(ev("a.b.c", &vars), Ok(json!(5)));
        assert_eq!(ev("a['k']", &vars), Ok(json!("v")));
        assert_eq!(ev("a[\"b\"].c", &vars), Ok(json!(5)));
        assert_eq!(ev("a.list[1]", &vars), Ok(json!(20)));
        assert_eq!(ev("xs[0]", &vars), Ok(json!(1)));
        assert_eq!(ev("xs[-1]", &vars), Ok(json!(3)));
        assert_eq!(ev("xs[1 + 1]", &vars), Ok(json!(3)));
        assert_eq!(ev("'abc'[1]", &vars), Ok(json!("b")));
        assert_eq!(ev("a.missing", &vars), Ok(Value::Null));
        assert!(yes("a.missing == null", &vars));
        assert!(yes("金额 > 1000", &vars));
        assert!(yes("申请人.姓名 == '张三'", &vars));
        assert!(yes("snake_case_2 == 1", &vars));
        assert_eq!(
            ev("xs[3]", &vars),
            Err(EvalError::IndexOutOfRange { index: 3, len: 3 })
        );
        assert_eq!(
            ev("xs[-4]", &vars),
            Err(EvalError::IndexOutOfRange { index: -4, len: 3 })
        );
        type_err("xs['a']", &vars);
        type_err("xs[1.0]", &vars);
        type_err("a.b.c.d", &vars);
        type_err("a[0]", &vars);
        type_err("null.a", &vars);
        // A keyword after the dot is just a field name.
        assert_eq!(ev("o.in", &[("o", json!({"in": 1}))]), Ok(json!(1)));
    }

    // --- Operators -------------------------------------------------------------------------

    #[test]
    fn unary_operators() {
        let vars = [("x", json!(true)), ("n", json!(4))];
        assert_eq!(ev("!x", &vars), Ok(json!(false)));
        assert_eq!(ev("not x", &vars), Ok(json!(false)));
        assert_eq!(ev("!!x", &vars), Ok(json!(true)));
        assert_eq!(ev("not not x", &vars), Ok(json!(true)));
        assert_eq!(ev("-n", &vars), Ok(json!(-4)));
        assert_eq!(ev("--n", &vars), Ok(json!(4)));
        assert_eq!(val("-2.5"), json!(-2.5));
        assert_eq!(val("-9223372036854775807 - 1"), json!(i64::MIN));
        assert_eq!(
            val("-(-9223372036854775807 - 1)"),
            json!(9_223_372_036_854_775_808.0)
        );
        type_err("-'a'", &[]);
        type_err("-null", &[]);
    }

    #[test]
    fn juel_empty() {
        for (v, expected) in [
            (Value::Null, true),
            (json!(""), true),
            (json!([]), true),
            (json!({}), true),
            (json!("a"), false),
            (json!([0]), false),
            (json!({"a": null}), false),
            (json!(0), false),
            (json!(false), false),
        ] {
            assert_eq!(
                ev("empty x", &[("x", v.clone())]),
                Ok(json!(expected)),
                "{v}"
            );
        }
        assert_eq!(val("!empty ''"), json!(false));
    }

    #[test]
    fn arithmetic() {
        assert_eq!(val("1 + 2"), json!(3));
        assert_eq!(val("5 - 7"), json!(-2));
        assert_eq!(val("6 * 7"), json!(42));
        assert_eq!(val("3 / 5"), json!(0.6));
        assert_eq!(val("6 / 3"), json!(2.0));
        assert!(val("6 / 3").is_f64());
        assert_eq!(val("7 div 2"), json!(3.5));
        assert_eq!(val("7 % 3"), json!(1));
        assert_eq!(val("7 mod 3"), json!(1));
        assert_eq!(val("-7 % 3"), json!(-1));
        assert_eq!(val("7.5 % 2"), json!(1.5));
        assert_eq!(val("1.5 + 1"), json!(2.5));
        assert_eq!(val("0.1 * 10"), json!(1.0));
        assert!(val("2 * 3").is_i64());
        assert_eq!(val("'ab' + 'cd'"), json!("abcd"));
        assert_eq!(val("'中' + \"文\""), json!("中文"));
    }

    #[test]
    fn integer_overflow_falls_back_to_float() {
        assert_eq!(
            val("9223372036854775807 + 1"),
            json!(9_223_372_036_854_775_808.0)
        );
        assert_eq!(
            val("9223372036854775807 * 2"),
            json!(18_446_744_073_709_551_614.0)
        );
        assert_eq!(
            val("-9223372036854775807 - 2"),
            json!(-9_223_372_036_854_775_809.0)
        );
        assert_eq!(
            val("abs(-9223372036854775807 - 1)"),
            json!(9_223_372_036_854_775_808.0)
        );
        // Floats that leave the finite range have no JSON form.
        assert_eq!(ev("1e308 * 10", &[]), Err(EvalError::Overflow));
        assert_eq!(ev("-1e308 - 1e308", &[]), Err(EvalError::Overflow));
        assert_eq!(ev("1e308 / 0.1", &[]), Err(EvalError::Overflow));
    }

    #[test]
    fn division_by_zero() {
        for src in [
            "1 / 0",
            "1 div 0",
            "1 % 0",
            "1 mod 0",
            "1.5 / 0.0",
            "1 % 0.0",
            "x / 0",
        ] {
            assert_eq!(
                ev(src, &[("x", json!(3))]),
                Err(EvalError::DivisionByZero),
                "{src}"
            );
        }
        assert_eq!(EvalError::DivisionByZero.to_string(), "division by zero");
    }

    #[test]
    fn arithmetic_type_errors() {
        for src in [
            "1 + 'a'",
            "'a' + 1",
            "'a' - 'b'",
            "'a' * 2",
            "null + 1",
            "true + 1",
            "[1] + [2]",
        ] {
            type_err(src, &[]);
        }
        assert_eq!(
            ev("1 + 'a'", &[]).unwrap_err().to_string(),
            "type error: cannot apply + to number and string"
        );
    }

    #[test]
    fn comparisons() {
        let cases = [
            ("1 < 2", true),
            ("2 < 1", false),
            ("1 <= 1", true),
            ("2 <= 1", false),
            ("2 > 1", true),
            ("1 > 1", false),
            ("1 >= 1", true),
            ("0 >= 1", false),
            ("1 == 1", true),
            ("1 == 2", false),
            ("1 != 2", true),
            ("1 != 1", false),
            ("1 lt 2", true),
            ("1 le 1", true),
            ("2 gt 1", true),
            ("1 ge 2", false),
            ("1 eq 1", true),
            ("1 ne 1", false),
            ("1 == 1.0", true),
            ("1 < 1.5", true),
            ("2 > 1.5", true),
            ("-1 < -0.5", true),
            ("0.0 == -0.0", true),
            ("9007199254740993 > 9007199254740992.0", true),
            ("9223372036854775807 < 9223372036854775808", true),
            ("'abc' < 'abd'", true),
            ("'b' > 'abc'", true),
            ("'a' <= 'a'", true),
            ("'a' == 'a'", true),
            ("'a' == 'A'", false),
            ("'1' == 1", false),
            ("null == null", true),
            ("null != 0", true),
            ("true == true", true),
            ("true == 1", false),
            ("[1, 2] == [1, 2.0]", true),
            ("[1, 2] == [2, 1]", false),
            ("[1] != [1, 1]", true),
        ];
        for (src, expected) in cases {
            assert_eq!(val(src), json!(expected), "{src}");
        }
    }

    #[test]
    fn null_checks() {
        assert!(yes("x == null", &[("x", Value::Null)]));
        assert!(!yes("x == null", &[("x", json!(0))]));
        assert!(yes("x != null", &[("x", json!(""))]));
        assert!(yes("x == None", &[("x", Value::Null)]));
        let objs = [
            ("a", json!({"k": [1, {"z": 2}]})),
            ("b", json!({"k": [1.0, {"z": 2}]})),
        ];
        assert!(yes("a == b", &objs));
        let differ = [("a", json!({"k": 1})), ("b", json!({"k": 1, "j": 2}))];
        assert!(!yes("a == b", &differ));
        assert!(yes("a != b", &differ));
    }

    #[test]
    fn ordering_type_errors() {
        for src in [
            "'a' < 1",
            "1 > 'a'",
            "null < 1",
            "1 >= null",
            "true < false",
            "[1] < [2]",
            "x > 1",
        ] {
            type_err(src, &[("x", Value::Null)]);
        }
        assert_eq!(
            ev("'a' < 1", &[]).unwrap_err().to_string(),
            "type error: cannot order string and number with <"
        );
    }

    #[test]
    fn membership() {
        let vars = [("m", json!({"k": 1})), ("xs", json!([1, "a", null]))];
        assert!(yes("1 in xs", &vars));
        assert!(yes("1.0 in xs", &vars));
        assert!(yes("null in xs", &vars));
        assert!(!yes("2 in xs", &vars));
        assert!(yes("2 not in xs", &vars));
        assert!(yes("'ell' in 'hello'", &vars));
        assert!(!yes("'xyz' in 'hello'", &vars));
        assert!(yes("'k' in m", &vars));
        assert!(yes("'j' not in m", &vars));
        assert!(yes("'b' in ['a', 'b']", &vars));
        type_err("1 in 5", &vars);
        type_err("1 in 'abc'", &vars);
        type_err("1 in m", &vars);
        type_err("'a' in null", &vars);
    }

    #[test]
    fn logic_yields_booleans_from_truthiness() {
        assert_eq!(val("true && false"), json!(false));
        assert_eq!(val("true and true"), json!(true));
        assert_eq!(val("false || false"), json!(false));
        assert_eq!(val("false or true"), json!(true));
        assert_eq!(val("1 and 'x'"), json!(true));
        assert_eq!(val("0 or ''"), json!(false));
        assert_eq!(val("[] or [0]"), json!(true));
    }

    #[test]
    fn conditionals() {
        assert_eq!(val("true ? 'a' : 'b'"), json!("a"));
        assert_eq!(val("0 ? 'a' : 'b'"), json!("b"));
        assert_eq!(val("false ? 1 : true ? 2 : 3"), json!(2));
        assert_eq!(val("true ? false ? 1 : 2 : 3"), json!(2));
        assert_eq!(val("'a' if 1 > 0 else 'b'"), json!("a"));
        assert_eq!(val("1 if false else 2 if false else 3"), json!(3));
        assert!(matches!(
            perr("1 if true"),
            ExprError::UnexpectedEnd { pos: 9 }
        ));
        assert!(matches!(perr("true ? 1"), ExprError::UnexpectedEnd { .. }));
    }

    #[test]
    fn truthiness() {
        for (v, expected) in [
            (json!(true), true),
            (json!(false), false),
            (Value::Null, false),
            (json!(0), false),
            (json!(0.0), false),
            (json!(-0.0), false),
            (json!(2), true),
            (json!(-0.5), true),
            (json!(""), false),
            (json!("0"), true),
            (json!([]), false),
            (json!([false]), true),
            (json!({}), false),
            (json!({"a": 1}), true),
        ] {
            assert_eq!(yes("x", &[("x", v.clone())]), expected, "{v}");
            assert_eq!(yes("not x", &[("x", v.clone())]), !expected, "{v}");
        }
    }

    #[test]
    fn precedence() {
        let cases = [
            ("1 + 2 * 3 == 7", json!(true)),
            ("(1 + 2) * 3 == 9", json!(true)),
            ("10 - 2 - 3", json!(5)),
            ("12 / 2 / 3", json!(2.0)),
            ("7 % 4 * 2", json!(6)),
            ("2 * 3 % 4", json!(2)),
            ("-2 * 3", json!(-6)),
            ("- len('ab')", json!(-2)),
            ("-[1, 2][0]", json!(-1)),
            // `not` wraps the whole comparison, `!` only its operand.
            ("not 1 == 2", json!(true)),
            ("!1 == 2", json!(false)),
            ("not 1 in [2]", json!(true)),
            ("true or false and false", json!(true)),
            ("false and true or true", json!(true)),
            ("true || false && false", json!(true)),
            ("not false and false", json!(false)),
            ("1 + 2 in [3]", json!(true)),
            ("1 < 2 and 3 > 2", json!(true)),
            ("1 if false else 2 + 3", json!(5)),
            ("true ? 1 : 2 + 3", json!(1)),
            ("false or true ? 'y' : 'n'", json!("y")),
            ("'y' if true or false else 'n'", json!("y")),
            ("empty '' == true", json!(true)),
            ("1 + 2 == 3 ? 'ok' : 'no'", json!("ok")),
        ];
        for (src, expected) in cases {
            assert_eq!(val(src), expected, "{src}");
        }
        assert!(matches!(
            perr("1 < 2 == true"),
            ExprError::ChainedComparison { pos: 6 }
        ));
        assert!(matches!(
            perr("0 < x < 10"),
            ExprError::ChainedComparison { .. }
        ));
    }

    #[test]
    fn functions() {
        let vars = [("m", json!({"a": 1, "b": 2})), ("s", json!("AbC"))];
        let cases = [
            ("len('中文')", json!(2)),
            ("len([1, 2, 3])", json!(3)),
            ("len(m)", json!(2)),
            ("abs(-3)", json!(3)),
            ("abs(-2.5)", json!(2.5)),
            ("min(3, 1, 2)", json!(1)),
            ("max(3, 1.5, 2)", json!(3)),
            ("min([4, 2, 8])", json!(2)),
            ("max('a', 'c', 'b')", json!("c")),
            ("min(7)", json!(7)),
            ("str(1)", json!("1")),
            ("str(0.6)", json!("0.6")),
            ("str(true)", json!("true")),
            ("str(null)", json!("null")),
            ("str('x')", json!("x")),
            ("str([1, 'a'])", json!("[1,\"a\"]")),
            ("int('42')", json!(42)),
            ("int(' -7 ')", json!(-7)),
            ("int(3.9)", json!(3)),
            ("int(-3.9)", json!(-3)),
            ("int(true)", json!(1)),
            ("float(2)", json!(2.0)),
            ("float('1.5')", json!(1.5)),
            ("float(false)", json!(0.0)),
            ("lower(s)", json!("abc")),
            ("upper(s)", json!("ABC")),
            ("contains([1, 2], 2)", json!(true)),
            ("contains('abc', 'd')", json!(false)),
            ("contains(m, 'a')", json!(true)),
            ("len(str(12345)) == 5", json!(true)),
        ];
        for (src, expected) in cases {
            assert_eq!(ev(src, &vars), Ok(expected), "{src}");
        }
        for src in [
            "len(1)",
            "abs('a')",
            "min(1, 'a')",
            "max([])",
            "min(null)",
            "int('3.5')",
            "int('x')",
            "int(null)",
            "float('nan')",
            "float('inf')",
            "float([])",
            "lower(1)",
            "upper(null)",
            "contains(1, 1)",
        ] {
            type_err(src, &vars);
        }
        assert_eq!(ev("int(1e300)", &[]), Err(EvalError::Overflow));
    }

    #[test]
    fn unknown_functions_and_arity_are_parse_errors() {
        let err = perr("exec('rm -rf /')");
        assert_eq!(
            err,
            ExprError::UnknownFunction {
                name: "exec".to_owned(),
                pos: 0
            }
        );
        assert_eq!(err.to_string(), "unknown function exec at 0");
        assert!(matches!(
            perr("${__import__('os')}"),
            ExprError::UnknownFunction { pos: 2, .. }
        ));
        assert!(matches!(
            perr("len(eval('x'))"),
            ExprError::UnknownFunction { pos: 4, .. }
        ));
        assert_eq!(
            perr("len(1, 2)").to_string(),
            "function len takes 1 argument, got 2 at 0"
        );
        assert!(matches!(
            perr("contains(1)"),
            ExprError::Arity { found: 1, .. }
        ));
        assert!(matches!(perr("min()"), ExprError::Arity { found: 0, .. }));
        // Method calls are not a way around the whitelist.
        assert!(matches!(
            perr("a.getClass()"),
            ExprError::UnexpectedToken { .. }
        ));
        assert!(matches!(
            perr("(len)(x)"),
            ExprError::UnexpectedToken { .. }
        ));
    }

    // --- Parse errors and limits -----------------------------------------------------------

    #[test]
    fn parse_error_positions_and_messages() {
        let err = perr("(1 + 2))");
        assert_eq!(
            err,
            ExprError::UnexpectedToken {
                token: ")".to_owned(),
                pos: 7
            }
        );
        assert_eq!(err.to_string(), "unexpected token ')' at 7");
        assert_eq!(err.position(), Some(7));
        // Positions count from the start of the original text, wrapper included.
        assert!(matches!(
            perr("${(1 + 2))}"),
            ExprError::UnexpectedToken { pos: 9, .. }
        ));
        assert!(matches!(
            perr(" 申请人 = 1"),
            ExprError::UnexpectedChar { ch: '=', pos: 5 }
        ));
        assert!(matches!(
            perr("a & b"),
            ExprError::UnexpectedChar { ch: '&', pos: 2 }
        ));
        assert!(matches!(
            perr("a $ b"),
            ExprError::UnexpectedChar { ch: '$', .. }
        ));
        assert!(matches!(perr("1 +"), ExprError::UnexpectedEnd { pos: 3 }));
        assert!(matches!(
            perr("${a == 1"),
            ExprError::UnclosedWrapper { pos: 0 }
        ));
        assert!(matches!(perr("and"), ExprError::UnexpectedToken { .. }));
        assert!(matches!(perr("a not b"), ExprError::UnexpectedToken { .. }));
        assert!(matches!(perr("a."), ExprError::UnexpectedEnd { .. }));
        assert!(matches!(perr("a[1"), ExprError::UnexpectedEnd { .. }));
        assert!(matches!(
            perr("[1 2]"),
            ExprError::UnexpectedToken { pos: 3, .. }
        ));
        assert!(matches!(perr("1e999"), ExprError::BadNumber { .. }));
        assert!(matches!(
            perr("${a} && ${b}"),
            ExprError::UnexpectedChar { ch: '}', pos: 3 }
        ));
    }

    #[test]
    fn empty_input_is_rejected() {
        for src in ["", "   ", "${}", "${  }", "#{}", " \t\n"] {
            assert_eq!(perr(src), ExprError::Empty, "{src:?}");
        }
        assert_eq!(ExprError::Empty.position(), None);
    }

    #[test]
    fn length_limit() {
        // 1 + 2047 × "+1" = 4095 characters, plus a space: exactly at the limit.
        let at_limit = format!("1{} ", "+1".repeat(2047));
        assert_eq!(at_limit.chars().count(), MAX_LEN);
        // A long flat chain must evaluate without deep recursion.
        assert_eq!(val(&at_limit), json!(2048));
        let over = format!("{at_limit}1");
        assert_eq!(perr(&over), ExprError::TooLong { len: 4097 });
        // The limit counts characters, not bytes.
        let cjk = format!("'{}'", "中".repeat(4000));
        assert!(Expr::parse(&cjk).is_ok());
    }

    #[test]
    fn nesting_limit() {
        let nest = |n: usize| format!("{}1{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(val(&nest(MAX_DEPTH)), json!(1));
        assert!(matches!(
            perr(&nest(MAX_DEPTH + 1)),
            ExprError::TooDeep { pos: 64 }
        ));
        assert_eq!(val(&format!("{}true", "!".repeat(MAX_DEPTH))), json!(true));
        assert!(matches!(
            perr(&format!("{}true", "!".repeat(MAX_DEPTH + 1))),
            ExprError::TooDeep { .. }
        ));
        assert!(matches!(
            perr(&format!("{}x", "not ".repeat(MAX_DEPTH + 1))),
            ExprError::TooDeep { .. }
        ));
        assert!(matches!(
            perr(&format!("{}1", "-".repeat(MAX_DEPTH + 1))),
            ExprError::TooDeep { .. }
        ));
        let lists = format!(
            "{}1{}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(matches!(perr(&lists), ExprError::TooDeep { .. }));
        let calls = format!(
            "{}1{}",
            "abs(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(matches!(perr(&calls), ExprError::TooDeep { .. }));
        let ternaries = format!(
            "{}1{}",
            "true ? ".repeat(MAX_DEPTH + 1),
            " : 0".repeat(MAX_DEPTH + 1)
        );
        assert!(matches!(perr(&ternaries), ExprError::TooDeep { .. }));
        let conditionals = format!("1{}", " if false else 1".repeat(MAX_DEPTH + 1));
        assert!(matches!(perr(&conditionals), ExprError::TooDeep { .. }));
    }

    #[test]
    fn source_and_variables() {
        let src = "${b > 1 && a.c[x] == b && len(z) > 0 and 'q' in [w, 1]}";
        let expr = Expr::parse(src).unwrap();
        assert_eq!(expr.source(), src);
        assert_eq!(expr.variables(), ["a", "b", "w", "x", "z"]);
        assert!(Expr::parse("1 + 2").unwrap().variables().is_empty());
        assert_eq!(
            Expr::parse("c ? d : e if f else g").unwrap().variables(),
            ["c", "d", "e", "f", "g"]
        );
        assert_eq!(
            Expr::parse("-申请人.金额 * 2").unwrap().variables(),
            ["申请人"]
        );
        let same = Expr::parse(src).unwrap();
        assert_eq!(expr, same.clone());
    }

    #[test]
    fn eval_error_messages() {
        assert_eq!(EvalError::Overflow.to_string(), "result out of range");
        assert_eq!(
            EvalError::IndexOutOfRange { index: 3, len: 2 }.to_string(),
            "index 3 out of range for length 2"
        );
        assert_eq!(
            ev("xs.a", &[("xs", json!([1]))]).unwrap_err().to_string(),
            "type error: cannot read field a of list"
        );
    }

    // --- Properties ------------------------------------------------------------------------

    const FRAGMENTS: &[&str] = &[
        "a",
        "b",
        "m",
        "xs",
        "s",
        "missing",
        "1",
        "0",
        "-1",
        "2.5",
        "1e308",
        "9223372036854775807",
        "'s'",
        "\"t\"",
        "'\\u4e2d'",
        "(",
        ")",
        "[",
        "]",
        ",",
        ".",
        "+",
        "-",
        "*",
        "/",
        "%",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "&&",
        "||",
        "!",
        "?",
        ":",
        "and",
        "or",
        "not",
        "in",
        "if",
        "else",
        "empty",
        "div",
        "mod",
        "lt",
        "ge",
        "null",
        "None",
        "true",
        "False",
        "len(",
        "min(",
        "max(",
        "abs(",
        "int(",
        "float(",
        "str(",
        "lower(",
        "upper(",
        "contains(",
        "${",
        "#{",
        "}",
        "金额",
    ];

    fn sample_vars(name: &str) -> Option<Value> {
        match name {
            "a" => Some(json!(i64::MAX)),
            "b" => Some(json!(0.5)),
            "m" => Some(json!({"a": [1, {"b": null}], "in": "x"})),
            "xs" => Some(json!([1, "a", null, [2], {}])),
            "s" => Some(json!("中文")),
            "金额" => Some(json!(i64::MIN)),
            _ => None,
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_text(src in any::<String>()) {
            if let Ok(expr) = Expr::parse(&src) {
                let _ = expr.eval(&sample_vars);
            }
        }

        #[test]
        fn parse_and_eval_never_panic_on_token_soup(
            parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..30)
        ) {
            let src = parts.join(" ");
            if let Ok(expr) = Expr::parse(&src) {
                let _ = expr.eval(&sample_vars);
                let _ = expr.eval_bool(&sample_vars);
                let _ = expr.variables();
                // Parsing is deterministic, so the validator and the engine agree.
                prop_assert_eq!(Expr::parse(&src), Ok(expr));
            }
        }

        #[test]
        fn integer_comparison_agrees_with_rust(a in any::<i64>(), b in any::<i64>()) {
            let vars = [("a", json!(a)), ("b", json!(b))];
            let ops: [(&str, &str, bool); 6] = [
                ("<", "lt", a < b),
                ("<=", "le", a <= b),
                (">", "gt", a > b),
                (">=", "ge", a >= b),
                ("==", "eq", a == b),
                ("!=", "ne", a != b),
            ];
            for (sym, word, expected) in ops {
                prop_assert_eq!(yes(&format!("a {sym} b"), &vars), expected);
                prop_assert_eq!(yes(&format!("${{a {word} b}}"), &vars), expected);
                // Literals too, including i64::MIN whose digits alone overflow i64.
                prop_assert_eq!(yes(&format!("{a} {sym} {b}"), &[]), expected);
            }
        }

        #[test]
        fn integer_arithmetic_stays_integral_while_it_fits(a in any::<i64>(), b in any::<i64>()) {
            let vars = [("a", json!(a)), ("b", json!(b))];
            let sum = ev("a + b", &vars).unwrap();
            match a.checked_add(b) {
                Some(s) => prop_assert_eq!(sum, json!(s)),
                None => prop_assert_eq!(sum, json!(a as f64 + b as f64)),
            }
            let product = ev("a * b", &vars).unwrap();
            match a.checked_mul(b) {
                Some(p) => prop_assert_eq!(product, json!(p)),
                None => prop_assert!(product.is_f64()),
            }
        }
    }
}
