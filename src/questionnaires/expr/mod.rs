//! The expression language of the government's assessment definitions (Pre-scan DPIA): `answers('1.1')`,
//! `bool(..)`, `countSelectedOptions('3.1')`, `weightedCountMap(list, keys, weights)`, `x | count`,
//! `scores.key`, `criteria.id`, bare score names, comparisons, `in [...]`, `&&`, `||`, `!`, `+ - * /` and
//! `c ? a : b`. Values behave as in the JavaScript the definitions were written for: `&&`/`||` return an
//! operand, `true + 1 == 2`, `null` counts as 0 in sums. Parsed once (a real parser), evaluated many times.

mod parser;

/// Where and what, as for the decision tree's conditions.
pub use crate::aiact::expr::ParseError;
pub use parser::{parse, reading_differs};

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

    /// JavaScript truthiness, as jexl uses it (a list, even an empty one, is true).
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::List(_) => true,
        }
    }

    pub fn number(&self) -> f64 {
        match self {
            Value::Null => 0.0,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Num(n) => *n,
            Value::Str(s) if s.trim().is_empty() => 0.0,
            Value::Str(s) => s.trim().parse().unwrap_or(f64::NAN),
            // JavaScript turns a list into its text first ("" → 0, "3" → 3, "a,b" → NaN).
            Value::List(_) => Value::Str(text(self)).number(),
        }
    }

    /// JavaScript's `==` (jexl's): null only equals null, texts compare as texts, a list compares by its text
    /// (two lists are two objects, never equal), everything else as numbers.
    fn loose_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Null, _) | (_, Value::Null) => false,
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(_), Value::List(_)) => false,
            (Value::List(_), o) => Value::Str(text(self)).loose_eq(o),
            (o, Value::List(_)) => o.loose_eq(&Value::Str(text(other))),
            (a, b) => a.number() == b.number(),
        }
    }

    /// JavaScript's `===`, which jexl's `in` uses for a list.
    fn strict_eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Num(a), Value::Num(b)) => a == b,
            (Value::List(_), Value::List(_)) => false,
            (a, b) => a == b,
        }
    }

    /// JavaScript's `<` and friends: two texts compare as texts, anything else as numbers (NaN compares false).
    fn compare(&self, other: &Value) -> Option<std::cmp::Ordering> {
        let prim = |v: &Value| if let Value::List(_) = v { Value::Str(text(v)) } else { v.clone() };
        match (prim(self), prim(other)) {
            (Value::Str(a), Value::Str(b)) => Some(a.cmp(&b)),
            (a, b) => a.number().partial_cmp(&b.number()),
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
            // par-dpia-form's `count` transform: the length of a list, 0 for anything else.
            Expr::Pipe(e, _count) => match e.eval(env) {
                Value::List(l) => Value::Num(l.len() as f64),
                _ => Value::Num(0.0),
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
                    Op::Lt => Value::Bool(l.compare(&r).is_some_and(|o| o.is_lt())),
                    Op::Le => Value::Bool(l.compare(&r).is_some_and(|o| o.is_le())),
                    Op::Gt => Value::Bool(l.compare(&r).is_some_and(|o| o.is_gt())),
                    Op::Ge => Value::Bool(l.compare(&r).is_some_and(|o| o.is_ge())),
                    Op::In => Value::Bool(match (&l, &r) {
                        (_, Value::List(items)) => items.iter().any(|i| i.strict_eq(&l)),
                        (Value::Str(needle), Value::Str(hay)) => hay.contains(needle.as_str()),
                        (needle, Value::Str(hay)) => hay.contains(text(needle).as_str()),
                        _ => false,
                    }),
                    Op::Add => match (&l, &r) {
                        (Value::Str(_) | Value::List(_), _) | (_, Value::Str(_) | Value::List(_)) => {
                            Value::Str(format!("{}{}", text(&l), text(&r)))
                        }
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

    /// The variables the expression reads (`scores.x`, `criteria.y`).
    pub fn var_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.walk(&mut |e| {
            if let Expr::Var(name) = e {
                out.push(name.clone());
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

fn call(name: &str, args: &[Expr], env: &dyn Env) -> Value {
    match name {
        "answers" => env.answer(&id_arg(args, env)),
        // As par-dpia-form defines them: `bool` is true only for true or the text "true" (what a yes radio
        // button stores); `countSelectedOptions` counts a list and gives 0 for anything else.
        "bool" => Value::Bool(match args.first().map(|a| a.eval(env)) {
            Some(Value::Bool(b)) => b,
            Some(Value::Str(s)) => s == "true",
            _ => false,
        }),
        "countSelectedOptions" => match env.answer(&id_arg(args, env)) {
            Value::List(l) => Value::Num(l.len() as f64),
            _ => Value::Num(0.0),
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
                    // Exact keys, as the official code looks them up: an answer with a category prefix
                    // ("Categorie betrokkenen: …") never matches a key without it (a known slip, see
                    // reference/assessments/README.md), so those weights count 0 there and here.
                    Value::Str(s) => keys.iter().position(|k| matches!(k, Value::Str(k) if k == s)),
                    _ => None,
                })
                .map(|i| weights.get(i).map(Value::number).unwrap_or(0.0))
                .fold(0.0, |a, b| a + b);
            Value::Num(total)
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests;
