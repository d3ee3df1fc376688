//! Lists that stay fast at national scale: a page of a list is asked for
//! with its filters in the query string (`?q=…&status=…&sort=…&page=3`),
//! the database filters, sorts and counts, and only one page of rows
//! crosses to the page. Links to other pages keep the filters.

use serde::Deserialize;

/// Rows on one page of a list.
pub const PAGE_SIZE: u32 = 50;

/// What a list page is asked for.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub sort: String,
    /// Text, not a number: a hand-edited `page=abc` shows the first page
    /// rather than an error.
    #[serde(default)]
    pub page: String,
}

impl ListQuery {
    /// The search words, trimmed (at most 100 characters).
    pub fn search(&self) -> String {
        self.q.trim().chars().take(100).collect()
    }

    /// A LIKE pattern for the search words, `%` and `_` taken literally
    /// (they match any character, at worst a little more is found).
    pub fn like(&self) -> String {
        format!("%{}%", self.search().replace(['%', '_'], "_"))
    }

    /// The same pattern with the first letter capitalised: SQLite folds
    /// only ASCII, and a family types "иванов" for "Иванов".
    pub fn like_capitalised(&self) -> String {
        let s = self.search().replace(['%', '_'], "_");
        let mut chars = s.chars();
        let first: String = chars
            .next()
            .map(|c| c.to_uppercase().collect())
            .unwrap_or_default();
        format!("%{}{}%", first, chars.as_str())
    }

    pub fn number(&self) -> u32 {
        self.page.trim().parse::<u32>().unwrap_or(1).max(1)
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.number() - 1) * i64::from(PAGE_SIZE)
    }

    /// The ORDER BY of the sort asked for among `sorts` (code, ORDER BY),
    /// the first one when none or an unknown one is asked for.
    pub fn order<'a>(&self, sorts: &[(&str, &'a str)]) -> &'a str {
        sorts
            .iter()
            .find(|(code, _)| *code == self.sort)
            .or(sorts.first())
            .map_or("", |(_, order)| order)
    }
}

/// Where the list stands: which page of how many, and the links around.
pub struct Pager {
    pub number: u32,
    pub pages: u32,
    pub total: i64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The pager of `total` rows for `query` at `path`.
    pub fn new(path: &str, query: &ListQuery, total: i64) -> Pager {
        let pages = ((total.max(0) as u64).div_ceil(u64::from(PAGE_SIZE)).max(1)) as u32;
        let number = query.number().min(pages);
        let link = |n: u32| {
            let params = serde_urlencoded::to_string([
                ("q", query.q.as_str()),
                ("status", query.status.as_str()),
                ("sort", query.sort.as_str()),
                ("page", &n.to_string()),
            ])
            .unwrap_or_default();
            format!("{path}?{params}")
        };
        Pager {
            number,
            pages,
            total,
            previous: (number > 1).then(|| link(number - 1)),
            next: (number < pages).then(|| link(number + 1)),
        }
    }

    /// Rows before this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.number - 1) * i64::from(PAGE_SIZE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_keep_the_filters_and_stay_in_range() {
        let q = ListQuery {
            q: "Иванов & co".into(),
            status: "submitted".into(),
            sort: "school".into(),
            page: "9".into(),
        };
        let p = Pager::new("/coordinator/applications", &q, 120);
        assert_eq!((p.number, p.pages), (3, 3));
        assert!(p.next.is_none());
        let previous = p.previous.unwrap();
        assert!(
            previous.contains("status=submitted") && previous.contains("page=2"),
            "{previous}"
        );
        assert!(
            previous.contains("q=%D0%98"),
            "the search is kept, encoded: {previous}"
        );
        assert_eq!(Pager::new("/x", &ListQuery::default(), 0).pages, 1);
        assert_eq!(
            Pager::new("/coordinator/applications", &q, 120).offset(),
            100,
            "the third page, kept in range"
        );
        let sorts = [("name", "n"), ("school", "s")];
        assert_eq!(q.order(&sorts), "s");
        assert_eq!(
            ListQuery::default().order(&sorts),
            "n",
            "none asked: the first"
        );
        assert_eq!(q.offset(), 400);
        let odd = ListQuery {
            page: "abc".into(),
            ..ListQuery::default()
        };
        assert_eq!(odd.number(), 1);
        let lower = ListQuery {
            q: "иванов".into(),
            ..ListQuery::default()
        };
        assert_eq!(lower.like_capitalised(), "%Иванов%");
    }
}
