//! The reference scenario: schoolchildren of the Republic of Sakha (Yakutia)
//! — Yakutsk and the uluses, Arctic ones included — apply for summer 2027
//! sessions at two international children's camps abroad: Songdowon in
//! Wonsan (DPRK) and Nairamdal near Ulaanbaatar (Mongolia).
//!
//! Everything about the children is synthetic. The programme's rules as
//! generated: scores from achievements (international 5, national 3,
//! regional 2, municipal 1 point each, capped per level) times 1.2 for
//! children of the uluses; children in state care form priority tier 1; up
//! to 5 ranked choices; at most 3 children of one school per session on
//! general places; places reserved for Arctic uluses and for other rural
//! uluses; ages checked on the first day; passports valid 6 months past the
//! session's end; some documents still unverified; a few sibling blocks.

use std::fmt::Write as _;

use time::{Date, Month};

use super::{Draw, Files, cumulative};

/// (district, kind, weight by pupils, schools)
pub(crate) const DISTRICTS: &[(&str, Kind, f64, &[&str])] = &[
    (
        "Якутск",
        Kind::City,
        40.0,
        &[
            "СОШ № 2 г. Якутска",
            "СОШ № 5 г. Якутска",
            "СОШ № 7 г. Якутска",
            "СОШ № 17 г. Якутска",
            "СОШ № 26 г. Якутска",
            "СОШ № 31 г. Якутска",
            "Лицей № 33 г. Якутска",
            "Якутская городская классическая гимназия",
            "Саха гимназия",
            "Республиканский лицей-интернат",
            "Якутская лингвистическая гимназия",
            "СОШ № 38 г. Якутска",
        ],
    ),
    (
        "Нерюнгринский район",
        Kind::Rural,
        6.0,
        &[
            "СОШ № 1 г. Нерюнгри",
            "Гимназия № 2 г. Нерюнгри",
            "СОШ № 13 г. Нерюнгри",
        ],
    ),
    (
        "Мирнинский район",
        Kind::Rural,
        6.0,
        &[
            "СОШ № 1 г. Мирного",
            "Политехнический лицей г. Мирного",
            "СОШ № 19 г. Удачного",
        ],
    ),
    (
        "Алданский район",
        Kind::Rural,
        3.5,
        &["СОШ № 1 г. Алдана", "СОШ № 2 г. Томмота"],
    ),
    (
        "Ленский район",
        Kind::Rural,
        2.5,
        &["СОШ № 2 г. Ленска", "СОШ № 4 г. Ленска"],
    ),
    (
        "Мегино-Кангаласский район",
        Kind::Rural,
        2.5,
        &["Нижне-Бестяхская СОШ", "Майинская СОШ № 1"],
    ),
    (
        "Хангаласский район",
        Kind::Rural,
        2.5,
        &["Покровская СОШ № 1", "Покровская СОШ № 2"],
    ),
    ("Намский район", Kind::Rural, 2.2, &["Намский лицей"]),
    ("Вилюйский район", Kind::Rural, 2.0, &["Вилюйская гимназия"]),
    (
        "Нюрбинский район",
        Kind::Rural,
        2.0,
        &["Нюрбинский технический лицей"],
    ),
    (
        "Сунтарский район",
        Kind::Rural,
        2.0,
        &["Сунтарская политехническая гимназия"],
    ),
    (
        "Чурапчинский район",
        Kind::Rural,
        1.8,
        &["Чурапчинская гимназия"],
    ),
    (
        "Усть-Алданский район",
        Kind::Rural,
        1.8,
        &["Борогонская СОШ № 1"],
    ),
    (
        "Верхневилюйский район",
        Kind::Rural,
        1.8,
        &["Верхневилюйская гимназия"],
    ),
    ("Амгинский район", Kind::Rural, 1.5, &["Амгинская СОШ № 1"]),
    (
        "Таттинский район",
        Kind::Rural,
        1.3,
        &["Ытык-Кюёльская СОШ № 1"],
    ),
    (
        "Оймяконский район",
        Kind::Arctic,
        0.8,
        &["Усть-Нерская СОШ"],
    ),
    ("Верхоянский район", Kind::Arctic, 0.8, &["Батагайская СОШ"]),
    ("Булунский район", Kind::Arctic, 0.8, &["СОШ № 1 п. Тикси"]),
    ("Абыйский район", Kind::Arctic, 0.5, &["Белогорская СОШ"]),
    ("Анабарский район", Kind::Arctic, 0.4, &["Саскылахская СОШ"]),
    ("Оленёкский район", Kind::Arctic, 0.4, &["Оленёкская СОШ"]),
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    City,
    Rural,
    Arctic,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::City => "city",
            Kind::Rural => "rural",
            Kind::Arctic => "arctic",
        }
    }

    fn reserve_group(self) -> &'static str {
        match self {
            Kind::City => "",
            Kind::Rural => "rural",
            Kind::Arctic => "arctic",
        }
    }
}

/// A session of the scenario; `popularity` weighs how often it is ranked.
pub(crate) struct SessionSpec {
    pub id: &'static str,
    pub camp: &'static str,
    pub country: &'static str,
    pub starts: (i32, u8, u8),
    pub ends: (i32, u8, u8),
    pub capacity: u32,
    pub min_age: u32,
    pub max_age: u32,
    pub reserves: &'static str,
    pub popularity: f64,
}

const SONGDOWON: &str = "Songdowon International Children's Camp";
const NAIRAMDAL: &str = "Nairamdal International Children's Centre";

pub(crate) const SESSIONS: &[SessionSpec] = &[
    SessionSpec {
        id: "songdowon-2027-1",
        camp: SONGDOWON,
        country: "DPRK",
        starts: (2027, 6, 20),
        ends: (2027, 7, 10),
        capacity: 30,
        min_age: 10,
        max_age: 15,
        reserves: "arctic:3;rural:8",
        popularity: 1.3,
    },
    SessionSpec {
        id: "songdowon-2027-2",
        camp: SONGDOWON,
        country: "DPRK",
        starts: (2027, 7, 15),
        ends: (2027, 8, 4),
        capacity: 30,
        min_age: 10,
        max_age: 15,
        reserves: "arctic:3;rural:8",
        popularity: 1.8,
    },
    SessionSpec {
        id: "songdowon-2027-3",
        camp: SONGDOWON,
        country: "DPRK",
        starts: (2027, 8, 8),
        ends: (2027, 8, 28),
        capacity: 24,
        min_age: 12,
        max_age: 16,
        reserves: "arctic:2;rural:6",
        popularity: 1.0,
    },
    SessionSpec {
        id: "nairamdal-2027-1",
        camp: NAIRAMDAL,
        country: "Mongolia",
        starts: (2027, 6, 25),
        ends: (2027, 7, 15),
        capacity: 25,
        min_age: 9,
        max_age: 14,
        reserves: "arctic:2;rural:6",
        popularity: 0.8,
    },
    SessionSpec {
        id: "nairamdal-2027-2",
        camp: NAIRAMDAL,
        country: "Mongolia",
        starts: (2027, 7, 20),
        ends: (2027, 8, 9),
        capacity: 25,
        min_age: 9,
        max_age: 14,
        reserves: "arctic:2;rural:6",
        popularity: 0.9,
    },
];

const APPLICANTS: usize = 420;
pub(crate) const SCHOOL_CAP: u32 = 3;
pub(crate) const PASSPORT_MONTHS: u32 = 6;
pub(crate) const RURAL_COEFFICIENT_TENTHS: u32 = 12;

pub(crate) fn date(d: (i32, u8, u8)) -> String {
    format!("{:04}-{:02}-{:02}", d.0, d.1, d.2)
}

/// A random day from `first` to `last` (year, month, day), as YYYY-MM-DD.
fn random_day(draw: &mut Draw, first: (i32, u8, u8), last: (i32, u8, u8)) -> String {
    let day = |(y, m, d): (i32, u8, u8)| {
        Month::try_from(m)
            .ok()
            .and_then(|m| Date::from_calendar_date(y, m, d).ok())
            .unwrap_or(Date::MIN)
    };
    let (start, end) = (day(first), day(last));
    let days = (end - start).whole_days().max(1) as u64 + 1;
    let d = start + time::Duration::days(draw.below(days) as i64);
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// Achievement points: (points each, probability, cap per level).
pub(crate) const LEVELS: &[(u32, f64, u32)] =
    &[(5, 0.05, 10), (3, 0.15, 9), (2, 0.35, 6), (1, 0.45, 3)];

fn score_tenths(draw: &mut Draw, kind: Kind) -> u32 {
    let achievements = draw.below(6);
    let mut per_level = [0u32; 4];
    for _ in 0..achievements {
        let level = draw.weighted(&cumulative(LEVELS.iter().map(|l| l.1)));
        per_level[level] += LEVELS[level].0;
    }
    let points: u32 = per_level.iter().zip(LEVELS).map(|(&p, l)| p.min(l.2)).sum();
    if kind == Kind::City {
        points * 10
    } else {
        points * RURAL_COEFFICIENT_TENTHS
    }
}

pub fn generate(seed: u64) -> Files {
    let mut draw = Draw::new(seed);
    let mut sessions = String::from(
        "session_id,capacity,camp,country,starts,ends,min_age,max_age,passport_months,school_cap,reserves\n",
    );
    for s in SESSIONS {
        let _ = writeln!(
            sessions,
            "{},{},{},{},{},{},{},{},{PASSPORT_MONTHS},{SCHOOL_CAP},{}",
            s.id,
            s.capacity,
            s.camp,
            s.country,
            date(s.starts),
            date(s.ends),
            s.min_age,
            s.max_age,
            s.reserves
        );
    }

    let district_weights = cumulative(DISTRICTS.iter().map(|d| d.2));
    let popularity = cumulative(SESSIONS.iter().map(|s| s.popularity));
    let mut applicants = String::from(
        "applicant_id,score,choice_1,choice_2,choice_3,choice_4,choice_5,tier,school,district,reserve_group,block,birth_date,passport_expires,documents_verified\n",
    );
    let mut n = 0;
    let mut family = 0;
    while n < APPLICANTS {
        let (district, kind, _, schools) = DISTRICTS[draw.weighted(&district_weights)];
        let school = schools[draw.below(schools.len() as u64) as usize];
        let wanted = [5, 5, 5, 5, 4, 4, 3, 3, 2, 1][draw.below(10) as usize];
        let mut choices: Vec<&str> = Vec::new();
        while choices.len() < wanted {
            let s = SESSIONS[draw.weighted(&popularity)].id;
            if !choices.contains(&s) {
                choices.push(s);
            }
        }
        let siblings = if draw.chance(0.05) && n + 2 <= APPLICANTS {
            2
        } else {
            1
        };
        let block = if siblings > 1 {
            family += 1;
            format!("family-{family:03}")
        } else {
            String::new()
        };
        for _ in 0..siblings {
            n += 1;
            let tier = u32::from(draw.chance(0.03));
            let score = score_tenths(&mut draw, kind);
            let birth = random_day(&mut draw, (2011, 1, 1), (2017, 6, 30));
            // Most passports are fine; some expire around the required date
            // (session end + 6 months), a few are missing.
            let passport = match draw.below(100) {
                0..=2 => String::new(),
                3..=9 => random_day(&mut draw, (2027, 10, 1), (2028, 4, 30)),
                _ => random_day(&mut draw, (2029, 1, 1), (2032, 12, 31)),
            };
            let verified = if draw.chance(0.94) { "yes" } else { "no" };
            let _ = write!(applicants, "SKH-27-{n:04},{}.{}", score / 10, score % 10);
            for k in 0..5 {
                let _ = write!(applicants, ",{}", choices.get(k).copied().unwrap_or(""));
            }
            let _ = writeln!(
                applicants,
                ",{tier},{school},{district},{},{block},{birth},{passport},{verified}",
                kind.reserve_group()
            );
        }
    }
    Files {
        sessions_csv: sessions,
        applicants_csv: applicants,
    }
}
