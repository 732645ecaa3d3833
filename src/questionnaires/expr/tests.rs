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
    // Keys match whole answers only, as in the official code (the prefix slip of 1.4.1 and 5.1.2).
    assert_eq!(eval("weightedCountMap(answers('many'), ['a', 'b', 'c'], [1, 1, 3])"), Value::Num(0.0));
    assert_eq!(
        eval("weightedCountMap(answers('many'), ['Categorie X: a', 'b', 'Categorie X: c'], [1, 1, 3])"),
        Value::Num(4.0)
    );
    assert_eq!(eval("weightedCountMap(answers('pick'), ['Buiten EER'], [1])"), Value::Num(0.0));
    // jexl's JavaScript: `==` converts, `in` does not; texts compare as texts; a list is true even when empty.
    assert_eq!(eval("'2' == 2"), Value::Bool(true));
    assert_eq!(eval("'2' in [2]"), Value::Bool(false));
    assert_eq!(eval("'10' < '9'"), Value::Bool(true));
    assert_eq!(eval("bool([])"), Value::Bool(false));
    assert_eq!(eval("[] && 1"), Value::Num(1.0));
    assert_eq!(eval("'ER' in 'Buiten EER'"), Value::Bool(true));
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

/// jexl 2.3.0's grammar where it differs from the conventional one.
#[test]
fn jexl_precedence() {
    // && and || on one level, left to right: (true || false) && false.
    assert_eq!(eval("true || false && false"), Value::Bool(false));
    assert!(reading_differs("true || false && false"));
    assert!(!reading_differs("true && false || true"));
    // == and < on one level: (1 == 1) < 2 is true < 2.
    assert_eq!(eval("1 == 1 < 2"), Value::Bool(true));
    assert!(reading_differs("k == 1 < 2"));
    // `!` binds tighter than `in`: (!'x') in ['x'] is false in ['x'].
    assert_eq!(eval("!'x' in ['x']"), Value::Bool(false));
    assert_eq!(eval("!('x' in ['x'])"), Value::Bool(false));
    assert_eq!(eval("!'x' in [false]"), Value::Bool(true));
    // A transform applies to the operand before it: 1 + (answers('many') | count).
    assert_eq!(eval("1 + answers('many') | count"), Value::Num(3.0));
    assert!(reading_differs("1 + answers('many') | count"));
    assert!(!reading_differs("answers('many') | count"));
    // Arithmetic as usual.
    assert_eq!(eval("2 * 3 + 4 / 2 - 1"), Value::Num(7.0));
}
