//! A list shown a page at a time, with its search kept: how many pages, which one (asked for, within those
//! there are), and the addresses of the pages before and after (`templates/partials/paging.html` shows them).

/// One page of a list.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

/// The number of pages of `found` items, `per_page` a page (at least one, empty or not).
pub fn pages(found: i64, per_page: i64) -> i64 {
    ((found + per_page - 1) / per_page).max(1)
}

/// The page asked for (the first when none) within the `pages` there are: a page past the end is the last.
pub fn clamp(asked: Option<u32>, pages: i64) -> i64 {
    i64::from(asked.unwrap_or(1)).clamp(1, pages.max(1))
}

impl Pager {
    /// Page `page` of `pages` at `path`, each address with `zoek` (when not empty) and `fragment` (the list's
    /// heading, so the reader lands at the list; empty for the top).
    pub fn new(path: &str, zoek: &str, fragment: &str, page: i64, pages: i64) -> Pager {
        let href = |n: i64| {
            let mut s = form_urlencoded::Serializer::new(String::new());
            if !zoek.is_empty() {
                s.append_pair("zoek", zoek);
            }
            s.append_pair("pagina", &n.to_string());
            let hash = if fragment.is_empty() { String::new() } else { format!("#{fragment}") };
            format!("{path}?{}{hash}", s.finish())
        };
        Pager {
            page,
            pages,
            prev_href: (page > 1).then(|| href(page - 1)),
            next_href: (page < pages).then(|| href(page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_their_addresses() {
        assert_eq!((pages(0, 50), pages(50, 50), pages(51, 50)), (1, 1, 2));
        assert_eq!((clamp(None, 3), clamp(Some(0), 3), clamp(Some(9), 3), clamp(Some(2), 0)), (1, 1, 3, 1));
        let p = Pager::new("/lijst", "a&b c", "kop", 2, 3);
        assert_eq!(p.prev_href.as_deref(), Some("/lijst?zoek=a%26b+c&pagina=1#kop"));
        assert_eq!(p.next_href.as_deref(), Some("/lijst?zoek=a%26b+c&pagina=3#kop"));
        let first = Pager::new("/lijst", "", "", 1, 1);
        assert_eq!((first.prev_href, first.next_href), (None, None));
        assert_eq!(Pager::new("/lijst", "", "", 1, 2).next_href.as_deref(), Some("/lijst?pagina=2"));
    }
}
