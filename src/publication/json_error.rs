//! serde_json's parse errors in Dutch: where (line and column) and what. The parser only says what in English;
//! its messages are matched against the fixed list it writes, and an unknown one (a newer version) gets the
//! Dutch description of its category instead, so no English reaches the user.

use serde_json::error::Category;

/// serde_json's messages (without " at line N column M") and what they mean.
const MESSAGES: [(&str, &str); 23] = [
    ("EOF while parsing a list", "onverwacht einde van het bestand: een lijst [ … ] wordt niet afgesloten"),
    ("EOF while parsing an object", "onverwacht einde van het bestand: een object { … } wordt niet afgesloten"),
    (
        "EOF while parsing a string",
        "onverwacht einde van het bestand: een tekst tussen aanhalingstekens wordt niet afgesloten",
    ),
    ("EOF while parsing a value", "onverwacht einde van het bestand: er ontbreekt een waarde"),
    ("expected `:`", "hier wordt een dubbele punt (:) verwacht"),
    ("expected `,` or `]`", "hier wordt een komma of ] verwacht"),
    ("expected `,` or `}`", "hier wordt een komma of } verwacht"),
    ("expected ident", "onbekend woord; alleen true, false en null zijn toegestaan"),
    (
        "expected value",
        "hier wordt een waarde verwacht (tekst tussen dubbele aanhalingstekens, een getal, een lijst of een object)",
    ),
    ("expected `\"`", "hier wordt een dubbel aanhalingsteken (\") verwacht"),
    ("invalid escape", "ongeldige escape-reeks na een backslash (\\)"),
    ("invalid number", "ongeldig getal"),
    ("number out of range", "getal te groot"),
    ("invalid unicode code point", "ongeldig Unicode-teken in een \\u-reeks"),
    (
        "control character (\\u0000-\\u001F) found while parsing a string",
        "een tekst bevat een stuurteken (zoals een tab of regeleinde); schrijf dat als \\t of \\n",
    ),
    ("key must be a string", "de naam van een veld moet tussen dubbele aanhalingstekens staan"),
    (
        "invalid value: expected key to be a number in quotes",
        "de naam van een veld moet een getal tussen aanhalingstekens zijn",
    ),
    ("float key must be finite (got NaN or +/-inf)", "de naam van een veld moet een eindig getal zijn"),
    ("lone leading surrogate in hex escape", "ongeldig Unicode-teken in een \\u-reeks (een halve surrogaat)"),
    ("trailing comma", "overbodige komma voor ] of }"),
    ("trailing characters", "na het einde van de JSON staat nog tekst"),
    ("unexpected end of hex escape", "onvolledige \\u-reeks"),
    ("recursion limit exceeded", "te diep geneste lijsten of objecten"),
];

/// "regel 3, kolom 14: onverwacht einde van het bestand: …" for a parse error.
pub fn dutch(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let what = text.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())).unwrap_or(&text);
    let meaning = MESSAGES.iter().find(|(en, _)| *en == what).map(|(_, nl)| *nl).unwrap_or(match e.classify() {
        Category::Eof => "onverwacht einde van het bestand",
        Category::Syntax => "ongeldige JSON-opbouw",
        Category::Data => "een waarde past niet",
        Category::Io => "het bestand kon niet worden gelezen",
    });
    if e.line() == 0 { meaning.to_string() } else { format!("regel {}, kolom {}: {meaning}", e.line(), e.column()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> String {
        dutch(&serde_json::from_str::<serde_json::Value>(text).unwrap_err())
    }

    #[test]
    fn parse_errors_are_dutch_with_their_place() {
        assert_eq!(of("{\"name\": "), "regel 1, kolom 9: onverwacht einde van het bestand: er ontbreekt een waarde");
        assert_eq!(
            of("[\n  {\"name\": \"a\"},\n  {\"name\": \"b\"\n"),
            "regel 4, kolom 0: onverwacht einde van het bestand: een object { … } wordt niet afgesloten"
        );
        assert_eq!(of("{\"a\": 1,}"), "regel 1, kolom 9: overbodige komma voor ] of }");
        assert_eq!(of("{\"a\": tru}"), "regel 1, kolom 10: onbekend woord; alleen true, false en null zijn toegestaan");
        assert_eq!(of("{a: 1}"), "regel 1, kolom 2: de naam van een veld moet tussen dubbele aanhalingstekens staan");
        assert_eq!(of("{} x"), "regel 1, kolom 4: na het einde van de JSON staat nog tekst");
    }

    #[test]
    fn every_message_of_the_parser_is_known() {
        // Each input triggers a different message; none may fall back to the category (or to English).
        for input in [
            "[1",
            "{\"a\": 1",
            "\"abc",
            "",
            "{\"a\" 1}",
            "[1 2]",
            "{\"a\": 1 \"b\"}",
            "nul",
            "{\"a\": }",
            "{1: 2}",
            "\"\\x\"",
            "-",
            "1e999999",
            "\"\\udc00\\u\"",
            "\"a\tb\"",
            "[1,]",
            "[] []",
            "\"\\u12\"",
            &"[".repeat(200),
        ] {
            let e = serde_json::from_str::<serde_json::Value>(input).unwrap_err();
            let text = e.to_string();
            let what = text.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())).unwrap_or(&text);
            assert!(MESSAGES.iter().any(|(en, _)| *en == what), "{input:?}: {what}");
            assert!(!of(input).contains(what), "{input:?}");
        }
    }
}
