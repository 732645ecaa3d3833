//! Bar charts as SVG, drawn on the server: no JavaScript, no external library. The SVG is a named group
//! (its title) with a description holding every number; the page shows the same numbers as a table with links,
//! which is the keyboard path. Each bar is a link for mouse users, kept out of the tab order (no double tab
//! stops). Not `role="img"`: an image's children are presentational, so links inside it would be hidden.

/// One bar: what it counts, how many, and the register list that shows exactly those.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: i64,
    pub href: String,
}

#[derive(Debug, Clone)]
pub struct Chart {
    /// Unique on the page (for ids).
    pub id: &'static str,
    pub title: &'static str,
    /// One sentence on what is counted.
    pub about: &'static str,
    pub bars: Vec<Bar>,
}

const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 270;
const ROW: i64 = 30;
const BAR_HEIGHT: i64 = 20;
/// Room for the number after the longest bar.
const VALUE_ROOM: i64 = 60;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

impl Chart {
    pub fn total(&self) -> i64 {
        self.bars.iter().map(|b| b.value).sum()
    }

    /// The description: the numbers in words, for people who cannot see the bars.
    pub fn description(&self) -> String {
        let parts: Vec<String> = self.bars.iter().map(|b| format!("{}: {}", b.label, b.value)).collect();
        format!("{} {}.", self.about, parts.join("; "))
    }

    pub fn svg(&self) -> String {
        let max = self.bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
        let height = (self.bars.len() as i64).max(1) * ROW + 10;
        let room = WIDTH - LABEL_WIDTH - VALUE_ROOM;
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"app-chart\" viewBox=\"0 0 {WIDTH} {height}\" \
             role=\"group\" aria-labelledby=\"{id}-titel\" aria-describedby=\"{id}-beschrijving\" focusable=\"false\">\
             <title id=\"{id}-titel\">{title}</title><desc id=\"{id}-beschrijving\">{desc}</desc>",
            id = self.id,
            title = escape(self.title),
            desc = escape(&self.description()),
        );
        for (i, b) in self.bars.iter().enumerate() {
            let y = i as i64 * ROW + 5;
            // A bar of at least 2 px when the value is not zero, so it is visible.
            let w = if b.value == 0 { 0 } else { (b.value * room / max).max(2) };
            let text_y = y + BAR_HEIGHT / 2 + 5;
            out.push_str(&format!(
                "<a href=\"{href}\" tabindex=\"-1\" class=\"app-chart__link\">\
                 <text x=\"{lx}\" y=\"{text_y}\" text-anchor=\"end\" class=\"app-chart__label\">{label}</text>\
                 <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{w}\" height=\"{BAR_HEIGHT}\" class=\"app-chart__bar\"/>\
                 <text x=\"{vx}\" y=\"{text_y}\" class=\"app-chart__value\">{value}</text></a>",
                href = escape(&b.href),
                lx = LABEL_WIDTH - 8,
                label = escape(&b.label),
                vx = LABEL_WIDTH + w + 6,
                value = b.value,
            ));
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: &[i64]) -> Chart {
        Chart {
            id: "c",
            title: "Per status <test>",
            about: "Aantal toepassingen per status.",
            bars: values
                .iter()
                .enumerate()
                .map(|(i, v)| Bar {
                    label: format!("S{i} & co"),
                    value: *v,
                    href: format!("/register?status=s{i}&x=1"),
                })
                .collect(),
        }
    }

    #[test]
    fn bars_scale_to_the_largest_and_carry_their_numbers() {
        let svg = chart(&[10, 5, 0]).svg();
        let room = WIDTH - LABEL_WIDTH - VALUE_ROOM;
        assert!(svg.contains(&format!("width=\"{room}\"")), "largest bar fills the room");
        assert!(svg.contains(&format!("width=\"{}\"", room / 2)), "half the value, half the bar");
        assert!(svg.contains("width=\"0\""), "zero is no bar");
        assert_eq!(svg.matches("<a href=").count(), 3);
        assert_eq!(svg.matches("tabindex=\"-1\"").count(), 3, "bars stay out of the tab order");
    }

    #[test]
    fn text_is_escaped_and_described() {
        let c = chart(&[1, 2]);
        let svg = c.svg();
        assert!(svg.contains("<title id=\"c-titel\">Per status &lt;test&gt;</title>"));
        assert!(svg.contains("S0 &amp; co"));
        assert!(svg.contains("href=\"/register?status=s1&amp;x=1\""));
        assert!(!svg.contains("style="), "no inline styles: the CSP forbids them");
        assert_eq!(c.description(), "Aantal toepassingen per status. S0 & co: 1; S1 & co: 2.");
        assert!(svg.contains(
            "<desc id=\"c-beschrijving\">Aantal toepassingen per status. S0 &amp; co: 1; S1 &amp; co: 2.</desc>"
        ));
        assert_eq!(c.total(), 3);
    }

    #[test]
    fn a_small_value_stays_visible() {
        let svg = chart(&[1000, 1]).svg();
        assert!(svg.contains("width=\"2\""));
    }
}
