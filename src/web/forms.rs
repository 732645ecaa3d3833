//! Field errors of a form: shown as an error summary at the top and next to each field (linked with
//! `aria-describedby`), with the user's input kept.

#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    errors: Vec<(&'static str, String)>,
}

impl FormErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        // One message per field: the first problem is the one to fix.
        if self.get(field).is_none() {
            self.errors.push((field, message.into()));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, String)> {
        self.errors.iter()
    }

    /// Text with a control character that PostgreSQL or the register cannot keep (NUL above all): the field
    /// gets a message naming it. Every text validator below checks this first, so each typed form answers
    /// such input on the field, with the rest of its input kept; the page echoes the input without the
    /// character (see [`super::render_status`]).
    fn forbidden_characters(&mut self, field: &'static str, label: &str, value: &str) -> bool {
        let bad = has_forbidden_control(value);
        if bad {
            self.add(
                field,
                format!(
                    "{} bevat een teken dat niet is toegestaan (een onzichtbaar stuurteken, bijvoorbeeld uit gekopieerde \
                     tekst). Het is hieronder weggelaten; controleer de invoer en sla opnieuw op.",
                    capitalise(label)
                ),
            );
        }
        bad
    }

    /// An optional text field: trimmed, at most `max` characters.
    pub fn optional(&mut self, field: &'static str, label: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if !self.forbidden_characters(field, label, v) && v.chars().count() > max {
            self.add(
                field,
                format!("{} mag hoogstens {max} tekens lang zijn (nu {}).", capitalise(label), v.chars().count()),
            );
        }
        v.to_string()
    }

    /// A required text field: trimmed, not empty, at most `max` characters.
    pub fn required(&mut self, field: &'static str, label: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if self.forbidden_characters(field, label, v) {
            return v.to_string();
        }
        if v.is_empty() {
            self.add(field, format!("Vul {label} in."));
        } else if v.chars().count() > max {
            self.add(
                field,
                format!("{} mag hoogstens {max} tekens lang zijn (nu {}).", capitalise(label), v.chars().count()),
            );
        }
        v.to_string()
    }

    /// A required e-mail address, lower-cased.
    pub fn email(&mut self, field: &'static str, label: &str, value: &str) -> String {
        let v = self.required(field, label, value, 254).to_lowercase();
        if !v.is_empty() && self.get(field).is_none() && !is_email(&v) {
            self.add(field, format!("Vul bij {label} een geldig e-mailadres in, zoals naam@organisatie.nl."));
        }
        v
    }
}

impl FormErrors {
    /// A written explanation (conditions, a reason, questions): required, at least `min` characters so that
    /// "ok" does not pass, at most `max`.
    pub fn note(&mut self, field: &'static str, what: &str, value: &str, min: usize, max: usize) -> String {
        let v = value.trim();
        let n = v.chars().count();
        if self.forbidden_characters(field, what, v) {
            return v.to_string();
        }
        if n == 0 {
            self.add(field, format!("Vul {what} in."));
        } else if n < min {
            self.add(field, format!("Schrijf bij {what} minstens {min} tekens."));
        } else if n > max {
            self.add(field, format!("{} mag hoogstens {max} tekens lang zijn (nu {n}).", capitalise(what)));
        }
        v.to_string()
    }

    /// An optional date (yyyy-mm-dd, as a date input sends it); empty is None without an error.
    pub fn date(&mut self, field: &'static str, what: &str, value: &str) -> Option<time::Date> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        let format = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(v, format) {
            Ok(d) if (1900..=2199).contains(&d.year()) => Some(d),
            Ok(_) => {
                self.add(field, format!("Vul bij {what} een datum tussen 1900 en 2199 in."));
                None
            }
            Err(_) => {
                self.add(field, format!("Vul bij {what} een geldige datum in, zoals 2027-03-31."));
                None
            }
        }
    }
}

/// A control character other than tab and line breaks: PostgreSQL refuses NUL in text, XML (the register's
/// exchange formats) refuses the others, and none of them belong in a register.
///
/// Read as bytes: every rendered page is checked, and decoding each character took 3 % of the server's time
/// on the application page (issue 24). Control characters are C0, DEL and C1 (U+0080–U+009F, in UTF-8 the
/// lead byte 0xC2 and a continuation byte up to 0x9F).
pub fn has_forbidden_control(v: &str) -> bool {
    let b = v.as_bytes();
    b.iter().enumerate().any(|(i, &c)| match c {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1F | 0x7F => true,
        0xC2 => b.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
        _ => false,
    })
}

pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// A pragmatic e-mail check: one @, something before, a dotted domain after, no spaces or control chars.
pub fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';'))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_agrees_with_the_character_rule_on_every_character() {
        let all = (0..=0x10FFFF).filter_map(char::from_u32);
        for c in all {
            let text = format!("aé{c}z");
            assert_eq!(has_forbidden_control(&text), is_forbidden_control(c), "U+{:04X}", c as u32);
        }
        assert!(!has_forbidden_control("Â\u{a0}€ tekst\r\n\t"), "0xC2 followed by 0xA0 and beyond is allowed");
    }

    #[test]
    fn required_and_email() {
        let mut e = FormErrors::new();
        assert_eq!(e.required("name", "de naam", "  Jan  ", 10), "Jan");
        assert!(e.is_empty());
        e.required("name", "de naam", "   ", 10);
        assert_eq!(e.get("name"), Some("Vul de naam in."));
        e.required("other", "de naam", "elf tekens!", 10);
        assert!(e.get("other").unwrap().starts_with("De naam mag hoogstens 10"));
        assert_eq!(e.email("email", "het e-mailadres", " Jan@Gemeente.NL "), "jan@gemeente.nl");
        assert!(e.get("email").is_none());
        e.email("email2", "het e-mailadres", "geen-adres");
        assert!(e.get("email2").is_some());
    }

    #[test]
    fn control_characters_are_named_on_their_field() {
        let mut e = FormErrors::new();
        for (field, value) in [("a", "Gemeente\u{0}Utrecht"), ("b", "x\u{7}"), ("c", "\u{1b}[31m"), ("d", "a\u{85}b")] {
            e.required(field, "de naam", value, 100);
            assert!(e.get(field).is_some_and(|m| m.starts_with("De naam bevat een teken dat niet is toegestaan")));
        }
        e.email("mail", "het e-mailadres", "jan\u{0}@gemeente.nl");
        assert!(e.get("mail").is_some_and(|m| m.starts_with("Het e-mailadres bevat een teken")));
        e.note("note", "de reden", "lang genoeg\u{0} hoor", 5, 100);
        assert!(e.get("note").is_some_and(|m| m.starts_with("De reden bevat een teken")));
        e.optional("opt", "de toelichting", "\u{0}", 100);
        assert!(e.get("opt").is_some());
        let mut fine = FormErrors::new();
        fine.note("note", "de reden", "regel een\r\nregel\ttwee", 5, 100);
        fine.optional("opt", "de toelichting", "", 100);
        assert!(fine.is_empty());
    }

    #[test]
    fn email_shapes() {
        assert!(is_email("a@b.nl"));
        assert!(!is_email("a@b"));
        assert!(!is_email("a b@c.nl"));
        assert!(!is_email("@c.nl"));
        assert!(!is_email("a@@c.nl"));
        assert!(!is_email("a@c.nl\n"));
    }
}

/// A submitted form as (name, value) pairs in order; repeated names are kept (checkboxes, list rows).
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// Control characters other than line breaks and tabs are dropped: PostgreSQL refuses NUL in text, and
    /// none of them belong in a register.
    pub fn parse(body: &[u8]) -> Self {
        Self::from_pairs(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())))
    }

    /// The same cleaning for fields that came another way (multipart uploads).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let clean =
            |s: &str| s.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t')).collect::<String>();
        Self(pairs.into_iter().map(|(k, v)| (clean(&k), clean(&v))).collect())
    }

    pub fn get(&self, key: &str) -> &str {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    pub fn has(&self, key: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == key && v == value)
    }

    pub fn push(&mut self, key: &str, value: impl Into<String>) {
        self.0.push((key.to_string(), value.into()));
    }

    /// Options for a select or radio group, with the submitted value selected.
    pub fn choices(&self, key: &str, options: &[(&str, &str)]) -> Vec<OptView> {
        let current = self.get(key);
        options
            .iter()
            .map(|(v, l)| OptView { value: v.to_string(), label: l.to_string(), selected: *v == current })
            .collect()
    }
}

/// One option of a select, radio group or checkbox list, as a template shows it.
#[derive(Debug, Clone)]
pub struct OptView {
    pub value: String,
    pub label: String,
    pub selected: bool,
}
