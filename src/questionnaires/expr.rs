//! The expression language of the government's assessment definitions (Pre-scan DPIA): `answers('1.1')`,
//! `bool(..)`, `countSelectedOptions('3.1')`, `weightedCountMap(list, keys, weights)`, `x | count`,
//! `scores.key`, `criteria.id`, bare score names, comparisons, `in [...]`, `&&`, `||`, `!`, `+ - * /` and
//! `c ? a : b`. Values behave as in the JavaScript the definitions were written for: `&&`/`||` return an
//! operand, `true + 1 == 2`, `null` counts as 0 in sums. Parsed once (a real parser), evaluated many times.

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    List(Vec<Value>),
}

impl Value {
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Num(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::Str(s.clone()),
            serde_json::Value::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(_) => Value::Null,
        }
    }

    /// JavaScript truthiness (an empty list is false here: "nothing selected").
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
        }
    }

    pub fn number(&self) -> f64 {
        match self {
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Num(n) => *n,
            Value::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
            Value::List(l) => l.len() as f64,
        }
    }

    fn loose_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Null, _) | (_, Value::Null) => false,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Str(_), _) | (_, Value::Str(_)) | (Value::List(_), _) | (_, Value::List(_)) => false,
            (a, b) => a.number() == b.number(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Lit(Value),
    /// A name: a score (`gewone_persoonsgegeven`), or a dotted one (`scores.ap`, `criteria.wetgeving`).
    Var(String),
    List(Vec<Expr>),
    Call(String, Vec<Expr>),
    Pipe(Box<Expr>, String),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
}

pub const FUNCTIONS: [&str; 4] = ["answers", "bool", "countSelectedOptions", "weightedCountMap"];
pub const FILTERS: [&str; 1] = ["count"];

/// What an expression can look up.
pub trait Env {
    fn answer(&self, id: &str) -> Value;
    fn var(&self, name: &str) -> Value;
}

impl Expr {
    pub fn eval(&self, env: &dyn Env) -> Value {
        match self {
            Expr::Lit(v) => v.clone(),
            Expr::Var(n) => env.var(n),
            Expr::List(items) => Value::List(items.iter().map(|e| e.eval(env)).collect()),
            Expr::Not(e) => Value::Bool(!e.eval(env).truthy()),
            Expr::Neg(e) => Value::Num(-e.eval(env).number()),
            Expr::Cond(c, a, b) => {
                if c.eval(env).truthy() {
                    a.eval(env)
                } else {
                    b.eval(env)
                }
            }
            Expr::Pipe(e, _count) => match e.eval(env) {
                Value::List(l) => Value::Num(l.len() as f64),
                Value::Null => Value::Num(0.0),
                _ => Value::Num(1.0),
            },
            Expr::Call(name, args) => call(name, args, env),
            Expr::Bin(op, a, b) => {
                let l = a.eval(env);
                match op {
                    Op::And => return if l.truthy() { b.eval(env) } else { l },
                    Op::Or => return if l.truthy() { l } else { b.eval(env) },
                    _ => {}
                }
                let r = b.eval(env);
                match op {
                    Op::Eq => Value::Bool(l.loose_eq(&r)),
                    Op::Ne => Value::Bool(!l.loose_eq(&r)),
                    Op::Lt => Value::Bool(l.number() < r.number()),
                    Op::Le => Value::Bool(l.number() <= r.number()),
                    Op::Gt => Value::Bool(l.number() > r.number()),
                    Op::Ge => Value::Bool(l.number() >= r.number()),
                    Op::In => Value::Bool(match &r {
                        Value::List(items) => items.iter().any(|i| i.loose_eq(&l)),
                        _ => false,
                    }),
                    Op::Add => match (&l, &r) {
                        (Value::Str(x), y) => Value::Str(format!("{x}{}", text(y))),
                        (x, Value::Str(y)) => Value::Str(format!("{}{y}", text(x))),
                        _ => Value::Num(l.number() + r.number()),
                    },
                    Op::Sub => Value::Num(l.number() - r.number()),
                    Op::Mul => Value::Num(l.number() * r.number()),
                    Op::Div => Value::Num(l.number() / r.number()),
                    Op::And | Op::Or => unreachable!("handled above"),
                }
            }
        }
    }

    /// The question ids the expression reads through `answers(..)` and `countSelectedOptions(..)`.
    pub fn answer_ids(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Call(name, args) = e
                && (name == "answers" || name == "countSelectedOptions")
                && let Some(Expr::Lit(Value::Str(id))) = args.first()
            {
                out.push(id.clone());
            }
        });
        out
    }

    fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::List(items) | Expr::Call(_, items) => items.iter().for_each(|e| e.walk(f)),
            Expr::Pipe(e, _) | Expr::Not(e) | Expr::Neg(e) => e.walk(f),
            Expr::Bin(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::Cond(c, a, b) => {
                c.walk(f);
                a.walk(f);
                b.walk(f);
            }
            Expr::Lit(_) | Expr::Var(_) => {}
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Num(n) => n.to_string(),
        Value::Str(s) => s.clone(),
        Value::List(l) => l.iter().map(text).collect::<Vec<_>>().join(","),
    }
}

fn id_arg(args: &[Expr], env: &dyn Env) -> String {
    match args.first().map(|a| a.eval(env)) {
        Some(Value::Str(s)) => s,
        Some(other) => text(&other),
        None => String::new(),
    }
}

/// Checkbox values carry a category prefix ("Categorie betrokkenen: Kinderen jonger dan 16 jaar") that the
/// weight keys leave out ("Kinderen jonger dan 16 jaar"): a key matches the whole value or the part after ": ".
fn option_matches(value: &str, key: &str) -> bool {
    value == key || value.split_once(": ").is_some_and(|(_, rest)| rest == key)
}

fn call(name: &str, args: &[Expr], env: &dyn Env) -> Value {
    match name {
        "answers" => env.answer(&id_arg(args, env)),
        "bool" => Value::Bool(args.first().map(|a| a.eval(env)).is_some_and(|v| v.truthy())),
        "countSelectedOptions" => match env.answer(&id_arg(args, env)) {
            Value::List(l) => Value::Num(l.len() as f64),
            Value::Null => Value::Num(0.0),
            _ => Value::Num(1.0),
        },
        "weightedCountMap" => {
            let vals: Vec<Value> = args.iter().map(|a| a.eval(env)).collect();
            let (Some(Value::List(selected)), Some(Value::List(keys)), Some(Value::List(weights))) =
                (vals.first(), vals.get(1), vals.get(2))
            else {
                return Value::Num(0.0);
            };
            let total: f64 = selected
                .iter()
                .filter_map(|s| match s {
                    Value::Str(s) => keys.iter().position(|k| matches!(k, Value::Str(k) if option_matches(s, k))),
                    _ => None,
                })
                .map(|i| weights.get(i).map(Value::number).unwrap_or(0.0))
                .sum();
            Value::Num(total)
        }
        _ => Value::Null,
    }
}

/// Where and what, as for the decision tree's conditions.
pub use crate::aiact::expr::ParseError;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Sym(&'static str),
}

const SYMBOLS: [&str; 21] =
    ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "?", ":", "(", ")", "[", "]", ",", "|"];

fn tokenize(src: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let mut out = Vec::new();
    let b = src.as_bytes();
    let mut i = 0;
    let err = |position, message: String| Err(ParseError { position, message });
    while i < b.len() {
        let c = b[i] as char;
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let start = i;
            i += 1;
            let from = i;
            while i < b.len() && b[i] as char != c {
                i += 1;
            }
            if i >= b.len() {
                return err(start, "tekst zonder afsluitend aanhalingsteken".into());
            }
            out.push((start, Tok::Str(src[from..i].to_string())));
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < b.len() && ((b[i] as char).is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            match src[start..i].parse() {
                Ok(n) => out.push((start, Tok::Num(n))),
                Err(_) => return err(start, format!("ongeldig getal {}", &src[start..i])),
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && ((b[i] as char).is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            out.push((start, Tok::Ident(src[start..i].to_string())));
        } else if let Some(sym) = SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            out.push((i, Tok::Sym(sym)));
            i += sym.len();
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return err(i, format!("onverwacht teken '{ch}'"));
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }

    fn is(&self, sym: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym)
    }

    fn fail<T>(&self, message: String) -> Result<T, ParseError> {
        Err(ParseError { position: self.toks.get(self.at).map(|(p, _)| *p).unwrap_or(self.end), message })
    }

    fn expect(&mut self, sym: &str) -> Result<(), ParseError> {
        if self.is(sym) {
            self.at += 1;
            Ok(())
        } else {
            self.fail(format!("'{sym}' ontbreekt"))
        }
    }

    fn pipe(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.ternary()?;
        while self.is("|") {
            self.at += 1;
            match self.peek().cloned() {
                Some(Tok::Ident(f)) if FILTERS.contains(&f.as_str()) => {
                    self.at += 1;
                    e = Expr::Pipe(Box::new(e), f);
                }
                _ => return self.fail(format!("na '|' hoort een filter: {}", FILTERS.join(", "))),
            }
        }
        Ok(e)
    }

    fn ternary(&mut self) -> Result<Expr, ParseError> {
        let c = self.binary(0)?;
        if !self.is("?") {
            return Ok(c);
        }
        self.at += 1;
        let a = self.ternary()?;
        self.expect(":")?;
        let b = self.ternary()?;
        Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)))
    }

    /// Binary operators by precedence level (0 = loosest).
    fn binary(&mut self, level: usize) -> Result<Expr, ParseError> {
        const LEVELS: [&[(&str, Op)]; 6] = [
            &[("||", Op::Or)],
            &[("&&", Op::And)],
            &[("==", Op::Eq), ("!=", Op::Ne)],
            &[("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt), ("in", Op::In)],
            &[("+", Op::Add), ("-", Op::Sub)],
            &[("*", Op::Mul), ("/", Op::Div)],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        loop {
            let op = LEVELS[level].iter().find(|(s, _)| match self.peek() {
                Some(Tok::Sym(t)) => t == s,
                Some(Tok::Ident(w)) => w == s,
                _ => false,
            });
            let Some((_, op)) = op else { return Ok(left) };
            self.at += 1;
            let right = self.binary(level + 1)?;
            left = Expr::Bin(*op, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.is("!") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.is("-") {
            self.at += 1;
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some(tok) = self.peek().cloned() else { return self.fail("de uitdrukking houdt te vroeg op".into()) };
        self.at += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Lit(Value::Num(n))),
            Tok::Str(s) => Ok(Expr::Lit(Value::Str(s))),
            Tok::Sym("(") => {
                let e = self.pipe()?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Sym("[") => {
                let mut items = Vec::new();
                if !self.is("]") {
                    loop {
                        items.push(self.pipe()?);
                        if !self.is(",") {
                            break;
                        }
                        self.at += 1;
                    }
                }
                self.expect("]")?;
                Ok(Expr::List(items))
            }
            Tok::Ident(w) => match w.as_str() {
                "true" => Ok(Expr::Lit(Value::Bool(true))),
                "false" => Ok(Expr::Lit(Value::Bool(false))),
                "null" => Ok(Expr::Lit(Value::Null)),
                _ if self.is("(") => {
                    if !FUNCTIONS.contains(&w.as_str()) {
                        self.at -= 1;
                        return self.fail(format!("onbekende functie {w}(); bekend zijn: {}", FUNCTIONS.join(", ")));
                    }
                    self.at += 1;
                    let mut args = Vec::new();
                    if !self.is(")") {
                        loop {
                            args.push(self.pipe()?);
                            if !self.is(",") {
                                break;
                            }
                            self.at += 1;
                        }
                    }
                    self.expect(")")?;
                    Ok(Expr::Call(w, args))
                }
                _ => Ok(Expr::Var(w)),
            },
            Tok::Sym(s) => {
                self.at -= 1;
                self.fail(format!("onverwacht '{s}'"))
            }
        }
    }
}

pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = tokenize(src)?;
    let mut p = Parser { toks, at: 0, end: src.len() };
    let e = p.pipe()?;
    if p.at < p.toks.len() {
        return p.fail("onverwacht vervolg na een volledige uitdrukking".into());
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    struct Fixture {
        answers: BTreeMap<&'static str, Value>,
        vars: BTreeMap<&'static str, Value>,
    }

    impl Env for Fixture {
        fn answer(&self, id: &str) -> Value {
            self.answers.get(id).cloned().unwrap_or(Value::Null)
        }
        fn var(&self, name: &str) -> Value {
            self.vars.get(name).cloned().unwrap_or(Value::Null)
        }
    }

    fn eval(src: &str) -> Value {
        let env = Fixture {
            answers: BTreeMap::from([
                ("yes", Value::Bool(true)),
                ("no", Value::Bool(false)),
                ("pick", Value::Str("Buiten EER".into())),
                ("many", Value::List(vec![Value::Str("Categorie X: a".into()), Value::Str("Categorie X: c".into())])),
            ]),
            vars: BTreeMap::from([
                ("scores.s", Value::Num(2.0)),
                ("k", Value::Num(3.0)),
                ("criteria.c", Value::Bool(true)),
            ]),
        };
        parse(src).unwrap_or_else(|e| panic!("{src}: {e}")).eval(&env)
    }

    #[test]
    fn javascript_like_semantics() {
        assert_eq!(eval("answers('many') | count"), Value::Num(2.0));
        assert_eq!(eval("answers('none') | count"), Value::Num(0.0));
        assert_eq!(eval("countSelectedOptions('many') >= 2"), Value::Bool(true));
        assert_eq!(eval("bool(answers('yes')) && (scores.s || 0)"), Value::Num(2.0));
        assert_eq!(eval("(bool(answers('no')) && (scores.s || 0)) + (scores.missing || 0) + 1"), Value::Num(1.0));
        assert_eq!(eval("true + true"), Value::Num(2.0));
        assert_eq!(eval("answers('pick') == 'Buiten EER' ? 2 : 0"), Value::Num(2.0));
        assert_eq!(eval("answers('yes') == true ? 2 : answers('no') == true ? 1 : 0"), Value::Num(2.0));
        assert_eq!(eval("answers('pick') in ['Binnen EER', 'Buiten EER']"), Value::Bool(true));
        assert_eq!(eval("answers('none') == null"), Value::Bool(true));
        assert_eq!(eval("k >= 1 && k <= 6"), Value::Bool(true));
        assert_eq!(eval("!criteria.c || 1 - 1"), Value::Num(0.0));
        assert_eq!(eval("weightedCountMap(answers('many'), ['a', 'b', 'c'], [1, 1, 3])"), Value::Num(4.0));
        assert_eq!(eval("2 * 3 + 4 / 2"), Value::Num(8.0));
        assert_eq!(eval("bool(answers('none'))"), Value::Bool(false));
    }

    #[test]
    fn malformed_expressions_say_what_and_where() {
        for (src, what) in [
            ("answers('1.1' | count", "')' ontbreekt"),
            ("answers('1.1') | sum", "na '|' hoort een filter"),
            ("foo('x')", "onbekende functie foo()"),
            ("a ? b", "':' ontbreekt"),
            ("[1, 2", "']' ontbreekt"),
            ("'open", "afsluitend aanhalingsteken"),
            ("a == ", "te vroeg"),
            ("a b", "onverwacht vervolg"),
            ("a # b", "onverwacht teken '#'"),
            (") a", "onverwacht ')'"),
        ] {
            let e = parse(src).unwrap_err();
            assert!(e.message.contains(what), "{src:?}: {e}");
        }
    }
}
