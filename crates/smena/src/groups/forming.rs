//! Forming a session's travel groups: pure, no I/O. Children leaving from
//! the same point travel together; each point's children are ordered by
//! sex, then age, and cut into as few groups as the programme's ratio
//! allows (`children_per_adult` × `adults_per_group` each), of sizes that
//! differ by one at most, so that girls travel with girls and children of
//! an age together as far as the numbers allow. Every group needs
//! `adults_per_group` adults at least, and one per `children_per_adult`
//! children.

use std::collections::BTreeMap;

pub use crate::domain::values::Sex;

/// A child with an accepted place, as group forming sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traveller {
    /// The application's id.
    pub id: i64,
    pub departure: String,
    /// Unknown until the family gives it: such children come last.
    pub sex: Option<Sex>,
    /// `YYYY-MM-DD`: sorts as dates do.
    pub birth_date: String,
}

/// The programme's chaperone rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ratio {
    /// At most this many children per adult (e.g. 8).
    pub children_per_adult: u32,
    /// At least this many adults with any group (e.g. 2).
    pub adults_per_group: u32,
}

impl Ratio {
    /// The most children one group takes: as many as its minimum of adults
    /// may look after.
    pub fn group_size(self) -> usize {
        (self.children_per_adult.max(1) * self.adults_per_group.max(1)) as usize
    }

    /// Adults a group of `children` needs.
    pub fn adults_for(self, children: usize) -> u32 {
        let per = self.children_per_adult.max(1) as usize;
        (children.div_ceil(per) as u32).max(self.adults_per_group.max(1))
    }
}

/// A group as formed: where it leaves from, its children (application
/// ids), and the adults it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Formed {
    pub departure: String,
    pub members: Vec<i64>,
    pub adults_needed: u32,
}

/// Forms the groups of one session's `children` under `ratio`.
pub fn form(children: &[Traveller], ratio: Ratio) -> Vec<Formed> {
    let mut by_point: BTreeMap<&str, Vec<&Traveller>> = BTreeMap::new();
    for c in children {
        by_point.entry(c.departure.as_str()).or_default().push(c);
    }
    let size = ratio.group_size();
    let mut groups = Vec::new();
    for (point, mut list) in by_point {
        // Known sex first (female, male), then unknown; older first; the
        // id last so that the same input always gives the same groups.
        list.sort_by(|a, b| {
            (a.sex.is_none(), a.sex, &a.birth_date, a.id).cmp(&(
                b.sex.is_none(),
                b.sex,
                &b.birth_date,
                b.id,
            ))
        });
        let count = list.len().div_ceil(size);
        let (base, extra) = (list.len() / count.max(1), list.len() % count.max(1));
        let mut rest = list.as_slice();
        for g in 0..count {
            let take = base + usize::from(g < extra);
            let (these, after) = rest.split_at(take);
            rest = after;
            groups.push(Formed {
                departure: point.to_string(),
                members: these.iter().map(|c| c.id).collect(),
                adults_needed: ratio.adults_for(take),
            });
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn traveller() -> impl Strategy<Value = (u8, Option<bool>, u16)> {
        (0u8..3, proptest::option::of(any::<bool>()), 0u16..2000)
    }

    proptest! {
        /// Nobody is left out or placed twice, no group is bigger than its
        /// adults may look after, groups never mix departure points, those
        /// of a point differ in size by one at most, and every group needs
        /// at least the programme's minimum of adults.
        #[test]
        fn groups_keep_the_ratio_and_leave_nobody_out(
            rows in proptest::collection::vec(traveller(), 0..200),
            per_adult in 1u32..12,
            adults in 1u32..4,
        ) {
            let children: Vec<Traveller> = rows
                .iter()
                .enumerate()
                .map(|(i, (point, sex, day))| Traveller {
                    id: i as i64,
                    departure: format!("point {point}"),
                    sex: sex.map(|f| if f { Sex::Female } else { Sex::Male }),
                    birth_date: format!("2012-01-01+{day:04}"),
                })
                .collect();
            let ratio = Ratio { children_per_adult: per_adult, adults_per_group: adults };
            let groups = form(&children, ratio);
            let mut seen: Vec<i64> = groups.iter().flat_map(|g| g.members.clone()).collect();
            seen.sort_unstable();
            prop_assert_eq!(seen, (0..children.len() as i64).collect::<Vec<_>>());
            for g in &groups {
                prop_assert!(!g.members.is_empty());
                prop_assert!(g.members.len() <= ratio.group_size());
                prop_assert!(g.adults_needed >= adults);
                prop_assert!(g.adults_needed as usize * per_adult as usize >= g.members.len());
                prop_assert!(g.members.iter().all(|m| children[*m as usize].departure == g.departure));
            }
            let mut sizes: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for g in &groups {
                sizes.entry(g.departure.as_str()).or_default().push(g.members.len());
            }
            for list in sizes.values() {
                let (lo, hi) = (list.iter().min().unwrap_or(&0), list.iter().max().unwrap_or(&0));
                prop_assert!(hi - lo <= 1, "{list:?}");
            }
            // As few groups as the ratio allows.
            for (point, list) in &sizes {
                let n = children.iter().filter(|c| c.departure == *point).count();
                prop_assert_eq!(list.len(), n.div_ceil(ratio.group_size()));
            }
        }
    }

    #[test]
    fn girls_travel_with_girls_as_far_as_the_numbers_allow() {
        let children: Vec<Traveller> = (0..32)
            .map(|i| Traveller {
                id: i,
                departure: "Якутск".into(),
                sex: Some(if i % 2 == 0 { Sex::Female } else { Sex::Male }),
                birth_date: format!("2012-01-{:02}", 1 + i % 28),
            })
            .collect();
        let ratio = Ratio {
            children_per_adult: 8,
            adults_per_group: 2,
        };
        let groups = form(&children, ratio);
        assert_eq!(groups.len(), 2);
        for g in &groups {
            let girls = g.members.iter().filter(|m| *m % 2 == 0).count();
            assert!(girls == 0 || girls == 16, "{g:?}");
            assert_eq!(g.adults_needed, 2);
        }
        assert_eq!(ratio.adults_for(17), 3);
        assert!(form(&[], ratio).is_empty());
    }
}
