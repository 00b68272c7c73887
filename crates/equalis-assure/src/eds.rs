//! NHS England's Equality Delivery System 2022 (EDS 2022): its three domains and eleven
//! outcomes as data, the scores 0–3, who rates each domain, and the domain and overall
//! ratings.
//!
//! **Source.** NHS England, *Equality Delivery System 2022* (August 2022): the EDS 2022
//! technical guidance and its "EDS ratings and score card". The outcomes' wording is the
//! guidance's, as printed in its reporting template (Domains 1 and 2 as published word for word
//! in Leeds Teaching Hospitals' EDS 2022 reports, Domain 3 in South Yorkshire ICB's —
//! `docs/ASSURANCE.md` records what was and was not checked against the primary text).
//!
//! **Scores** (score card): each outcome is rated 0 *Undeveloped activity*, 1 *Developing
//! activity*, 2 *Achieving activity* or 3 *Excelling activity*.
//!
//! **Domain 1 per service.** Domain 1 is assessed for each of a small number of services
//! (commonly two or three). An outcome's Domain 1 score is the mean of its scores across the
//! services assessed; this equals taking each service's Domain 1 total and averaging the
//! totals, which is how trusts' published score cards show it, so either reading gives the
//! same domain score. A service must be rated on all four outcomes to count.
//!
//! **Domain rating.** The score card gives each domain the sum of its outcomes' scores (out
//! of 12 for Domains 1 and 2, 9 for Domain 3); it names a rating band only for the overall
//! total, so a domain's rating here is its total, shown with its maximum.
//!
//! **Overall rating.** The sum of all eleven outcome scores (0–33): under 8 *Undeveloped*,
//! 8–21 *Developing*, 22–32 *Achieving*, 33 *Excelling*. These bands are the score card's as
//! the design notes record them; 8–21 is confirmed by a trust's published report, the others
//! are not checked against the primary text (one trust's page gives the Achieving band as "22
//! and 30"); they are therefore a value
//! ([`Bands`]) an organisation can change, with these as the default. A total that is not a
//! whole number (Domain 1 averaged over services) falls in the band whose range holds it:
//! 21.5 is Developing, because Achieving starts at 22.
//!
//! **Raters** (technical guidance): the evidence is reviewed and the outcomes rated *with*
//! stakeholders, not by the organisation alone: Domain 1 by patients, service users and
//! community groups (VCSE, Healthwatch); Domain 2 by staff, staff networks and trade unions;
//! Domain 3 by staff, staff networks, trade unions and an independent peer reviewer, never by
//! the board members whose leadership is rated. [`Domain::raters`] holds who may rate what.
//!
//! **Owner.** The reporting template's domain tables have an "Owner (Dept/Lead)" column: each
//! rating names the department or lead who owns the outcome ([`Rating::owner`]). The
//! template's other parts (cover, Domain 3's third parties, completed actions, action plan)
//! are [`template`].

pub mod template;

use std::fmt;

use equalis_assess::FieldErrors;

/// The three domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Domain {
    /// Domain 1: commissioned or provided services (assessed per service).
    Services,
    /// Domain 2: workforce health and well-being.
    Workforce,
    /// Domain 3: inclusive leadership.
    Leadership,
}

impl Domain {
    /// Every domain, in order.
    pub const ALL: [Domain; 3] = [Domain::Services, Domain::Workforce, Domain::Leadership];

    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            Domain::Services => 1,
            Domain::Workforce => 2,
            Domain::Leadership => 3,
        }
    }

    /// The guidance's name.
    pub fn title(self) -> &'static str {
        match self {
            Domain::Services => "Commissioned or provided services",
            Domain::Workforce => "Workforce health and well-being",
            Domain::Leadership => "Inclusive leadership",
        }
    }

    /// Its outcomes.
    pub fn outcomes(self) -> impl Iterator<Item = &'static Outcome> {
        OUTCOMES.iter().filter(move |o| o.domain == self)
    }

    /// The highest total: 3 for each outcome.
    pub fn max_score(self) -> u32 {
        3 * self.outcomes().count() as u32
    }

    /// Who may rate its outcomes.
    pub fn raters(self) -> &'static [RaterGroup] {
        match self {
            Domain::Services => &[RaterGroup::PatientsAndPublic, RaterGroup::CommunityGroups],
            Domain::Workforce => &[RaterGroup::Staff, RaterGroup::StaffNetworksAndUnions],
            Domain::Leadership => &[
                RaterGroup::Staff,
                RaterGroup::StaffNetworksAndUnions,
                RaterGroup::IndependentPeer,
            ],
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Domain {}: {}", self.number(), self.title())
    }
}

/// One of the eleven outcomes.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Outcome {
    /// `1A` … `3C`.
    pub code: &'static str,
    /// Its domain.
    pub domain: Domain,
    /// The guidance's wording.
    pub wording: &'static str,
}

/// The eleven outcomes of EDS 2022, in the guidance's order.
pub const OUTCOMES: [Outcome; 11] = [
    Outcome {
        code: "1A",
        domain: Domain::Services,
        wording: "Patients (service users) have required levels of access to the service",
    },
    Outcome {
        code: "1B",
        domain: Domain::Services,
        wording: "Individual patients (service users) health needs are met",
    },
    Outcome {
        code: "1C",
        domain: Domain::Services,
        wording: "When patients (service users) use the service, they are free from harm",
    },
    Outcome {
        code: "1D",
        domain: Domain::Services,
        wording: "Patients (service users) report positive experiences of the service",
    },
    Outcome {
        code: "2A",
        domain: Domain::Workforce,
        wording: "When at work, staff are provided with support to manage obesity, diabetes, asthma, COPD and mental health conditions",
    },
    Outcome {
        code: "2B",
        domain: Domain::Workforce,
        wording: "When at work, staff are free from abuse, harassment, bullying and physical violence from any source",
    },
    Outcome {
        code: "2C",
        domain: Domain::Workforce,
        wording: "Staff have access to independent support and advice when suffering from stress, abuse, bullying harassment and physical violence from any source",
    },
    Outcome {
        code: "2D",
        domain: Domain::Workforce,
        wording: "Staff recommend the organisation as a place to work and receive treatment",
    },
    Outcome {
        code: "3A",
        domain: Domain::Leadership,
        wording: "Board members, system leaders (Band 9 and VSM) and those with line management responsibilities routinely demonstrate their understanding of, and commitment to, equality and health inequalities",
    },
    Outcome {
        code: "3B",
        domain: Domain::Leadership,
        wording: "Board/Committee papers (including minutes) identify equality and health inequalities related impacts and risks and how they will be mitigated and managed",
    },
    Outcome {
        code: "3C",
        domain: Domain::Leadership,
        wording: "Board members and system leaders (Band 9 and VSM) ensure levers are in place to manage performance and monitor progress with staff and patients",
    },
];

/// The outcome with this code (`1a` and `1A` alike).
pub fn outcome(code: &str) -> Option<&'static Outcome> {
    let code = code.trim();
    OUTCOMES.iter().find(|o| o.code.eq_ignore_ascii_case(code))
}

/// A score of one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Score {
    /// 0: Undeveloped activity.
    Undeveloped = 0,
    /// 1: Developing activity.
    Developing = 1,
    /// 2: Achieving activity.
    Achieving = 2,
    /// 3: Excelling activity.
    Excelling = 3,
}

impl Score {
    /// Every score, lowest first.
    pub const ALL: [Score; 4] = [
        Score::Undeveloped,
        Score::Developing,
        Score::Achieving,
        Score::Excelling,
    ];

    /// 0–3.
    pub fn points(self) -> u8 {
        self as u8
    }

    /// The score of 0–3.
    pub fn from_points(p: u8) -> Option<Score> {
        Score::ALL.get(usize::from(p)).copied()
    }

    /// The score card's words: `Achieving activity`.
    pub fn activity(self) -> String {
        format!("{} activity", self.label())
    }

    /// The guidance's name.
    pub fn label(self) -> &'static str {
        match self {
            Score::Undeveloped => "Undeveloped",
            Score::Developing => "Developing",
            Score::Achieving => "Achieving",
            Score::Excelling => "Excelling",
        }
    }
}

/// Who rated an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RaterGroup {
    /// Patients, service users and carers.
    PatientsAndPublic,
    /// Community and voluntary groups (VCSE), Healthwatch.
    CommunityGroups,
    /// Staff.
    Staff,
    /// Staff networks and trade unions.
    StaffNetworksAndUnions,
    /// An independent peer reviewer (another organisation's EDI lead, a partner).
    IndependentPeer,
}

impl RaterGroup {
    /// Every group.
    pub const ALL: [RaterGroup; 5] = [
        RaterGroup::PatientsAndPublic,
        RaterGroup::CommunityGroups,
        RaterGroup::Staff,
        RaterGroup::StaffNetworksAndUnions,
        RaterGroup::IndependentPeer,
    ];

    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            RaterGroup::PatientsAndPublic => "patients_public",
            RaterGroup::CommunityGroups => "community_groups",
            RaterGroup::Staff => "staff",
            RaterGroup::StaffNetworksAndUnions => "staff_networks_unions",
            RaterGroup::IndependentPeer => "independent_peer",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            RaterGroup::PatientsAndPublic => "Patients, service users and carers",
            RaterGroup::CommunityGroups => "Community and voluntary groups, Healthwatch",
            RaterGroup::Staff => "Staff",
            RaterGroup::StaffNetworksAndUnions => "Staff networks and trade unions",
            RaterGroup::IndependentPeer => "Independent peer reviewer",
        }
    }

    /// Reads the stored name.
    pub fn parse(s: &str) -> Option<RaterGroup> {
        RaterGroup::ALL.into_iter().find(|g| g.name() == s.trim())
    }
}

/// One rating of one outcome (for one service in Domain 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// The outcome.
    pub outcome: &'static Outcome,
    /// The service rated (Domain 1 only).
    pub service: Option<String>,
    /// The score.
    pub score: Score,
    /// Who rated it.
    pub rater_group: RaterGroup,
    /// Evidence: links to equalis figures, impact assessments, engagement, or documents, one
    /// a line.
    pub evidence: String,
    /// The template's "Owner (Dept/Lead)" of the outcome; blank when not named.
    pub owner: String,
}

/// A rating as typed in its form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RatingInput {
    /// `outcome`, e.g. `1A`.
    pub outcome: String,
    /// `service` (Domain 1).
    pub service: String,
    /// `score`, 0–3.
    pub score: String,
    /// `rater_group`.
    pub rater_group: String,
    /// `evidence`.
    pub evidence: String,
    /// `owner`: the department or lead who owns the outcome.
    pub owner: String,
}

impl RatingInput {
    /// The rating, or every problem with it by field.
    pub fn validate(&self) -> Result<Rating, FieldErrors> {
        let mut errors = FieldErrors::new();
        let outcome = outcome(&self.outcome);
        if outcome.is_none() {
            errors.push("outcome", "Select the outcome rated, 1A to 3C");
        }
        let service = self.service.trim();
        match outcome.map(|o| o.domain) {
            Some(Domain::Services) if service.is_empty() => errors.push(
                "service",
                "Enter the service rated: Domain 1 is rated for each service",
            ),
            Some(Domain::Workforce | Domain::Leadership) if !service.is_empty() => errors.push(
                "service",
                "Leave the service blank: only Domain 1 is rated for each service",
            ),
            _ if service.chars().count() > 300 || service.contains(['\n', '\r']) => errors.push(
                "service",
                "Enter the service on one line, in 300 characters or fewer",
            ),
            _ => {}
        }
        let score = self
            .score
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(Score::from_points);
        if score.is_none() {
            errors.push(
                "score",
                "Select a score from 0 (Undeveloped) to 3 (Excelling)",
            );
        }
        let rater_group = RaterGroup::parse(&self.rater_group);
        match (rater_group, outcome) {
            (None, _) => errors.push("rater_group", "Select who rated the outcome"),
            (Some(g), Some(o)) if !o.domain.raters().contains(&g) => errors.push(
                "rater_group",
                format!(
                    "{} do not rate {}: the EDS 2022 guidance has it rated by {}",
                    g.label(),
                    o.domain,
                    o.domain
                        .raters()
                        .iter()
                        .map(|g| g.label().to_lowercase())
                        .collect::<Vec<_>>()
                        .join(", or ")
                ),
            ),
            _ => {}
        }
        if self.evidence.trim().is_empty() {
            errors.push("evidence", "Enter the evidence the score rests on");
        } else if self.evidence.chars().count() > 20_000 {
            errors.push(
                "evidence",
                "Enter the evidence in 20000 characters or fewer",
            );
        }
        let owner = self.owner.trim();
        if owner.chars().count() > 300 || owner.contains(['\n', '\r']) {
            errors.push(
                "owner",
                "Enter the owner (department or lead) on one line, in 300 characters or fewer",
            );
        }
        // Each part that could not be read has already pushed its error, so `errors` is not
        // empty in the `else` branch.
        let (Some(outcome), Some(score), Some(rater_group)) = (outcome, score, rater_group) else {
            return Err(errors);
        };
        errors.into_result()?;
        Ok(Rating {
            outcome,
            service: (!service.is_empty()).then(|| service.to_string()),
            score,
            rater_group,
            evidence: self.evidence.trim().to_string(),
            owner: owner.to_string(),
        })
    }
}

/// The overall rating bands: the lowest total of each band above Undeveloped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    /// The lowest total rated Developing (8).
    pub developing: f64,
    /// The lowest total rated Achieving (22).
    pub achieving: f64,
    /// The lowest total rated Excelling (33).
    pub excelling: f64,
}

impl Default for Bands {
    /// The score card's: under 8, 8–21, 22–32, 33.
    fn default() -> Bands {
        Bands {
            developing: 8.0,
            achieving: 22.0,
            excelling: 33.0,
        }
    }
}

impl Bands {
    /// The band of a total.
    pub fn rate(&self, total: f64) -> Score {
        if total >= self.excelling {
            Score::Excelling
        } else if total >= self.achieving {
            Score::Achieving
        } else if total >= self.developing {
            Score::Developing
        } else {
            Score::Undeveloped
        }
    }

    /// Each band with the totals it holds, lowest first, in words: `Undeveloped activity:
    /// under 8`, `Developing activity: 8 to 21`, … (a band of one total, `33`, is that total).
    pub fn describe(&self) -> Vec<(Score, String)> {
        // Scores are whole numbers (Domain 1's mean aside), so with whole-number edges a band
        // ends one below the next band's lowest total; with a fractional edge, just under it.
        let n = edge_text;
        let span = |lo: f64, hi: f64| {
            let top = if hi.fract() == 0.0 {
                n(hi - 1.0)
            } else {
                format!("under {}", n(hi))
            };
            if top == n(lo) {
                top
            } else {
                format!("{} to {top}", n(lo))
            }
        };
        vec![
            (Score::Undeveloped, format!("under {}", n(self.developing))),
            (Score::Developing, span(self.developing, self.achieving)),
            (Score::Achieving, span(self.achieving, self.excelling)),
            (
                Score::Excelling,
                if self.excelling >= 33.0 {
                    n(33.0)
                } else {
                    format!("{} to 33", n(self.excelling))
                },
            ),
        ]
    }

    /// Bands must rise within 0–33.
    pub fn validate(&self) -> Result<(), String> {
        let ok = 0.0 < self.developing
            && self.developing < self.achieving
            && self.achieving < self.excelling
            && self.excelling <= 33.0;
        ok.then_some(()).ok_or_else(|| {
            format!(
                "EDS 2022 rating bands must rise within 0 to 33 (Developing {} < Achieving {} < Excelling {} ≤ 33)",
                self.developing, self.achieving, self.excelling
            )
        })
    }
}

/// A band edge as people read it: `8`, `21.5`.
fn edge_text(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// One outcome's score in the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeScore {
    /// The outcome.
    pub outcome: &'static Outcome,
    /// Its score: for Domain 1, the mean over the services rated on all four outcomes.
    pub score: Option<f64>,
}

/// One domain in the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainSummary {
    /// The domain.
    pub domain: Domain,
    /// Its outcomes' scores.
    pub outcomes: Vec<OutcomeScore>,
    /// The sum of its outcome scores, when every outcome is rated.
    pub total: Option<f64>,
    /// For Domain 1: each service rated on all four outcomes, with its total.
    pub services: Vec<(String, u32)>,
    /// For Domain 1: services rated on some outcomes only, which do not count yet.
    pub incomplete_services: Vec<String>,
}

/// The EDS 2022 summary: what the reporting template's summary page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The three domains.
    pub domains: Vec<DomainSummary>,
    /// The total of all eleven outcomes, when every one is rated.
    pub total: Option<f64>,
    /// The overall rating of the total.
    pub rating: Option<Score>,
    /// The outcomes not yet rated (for Domain 1: by no complete service).
    pub missing: Vec<&'static str>,
}

/// Why ratings cannot be summarised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SummaryError {
    /// The same outcome was rated twice (for the same service in Domain 1).
    #[error("outcome {outcome}{} is rated twice: keep one rating", service.as_ref().map(|s| format!(" for {s}")).unwrap_or_default())]
    Duplicate {
        /// The outcome.
        outcome: &'static str,
        /// The service, in Domain 1.
        service: Option<String>,
    },
}

/// The domain and overall ratings of a year's ratings.
pub fn summarise(ratings: &[Rating], bands: &Bands) -> Result<Summary, SummaryError> {
    let mut seen: Vec<(&str, Option<&str>)> = Vec::new();
    for r in ratings {
        let key = (r.outcome.code, r.service.as_deref());
        if seen.contains(&key) {
            return Err(SummaryError::Duplicate {
                outcome: r.outcome.code,
                service: r.service.clone(),
            });
        }
        seen.push(key);
    }
    let mut domains = Vec::new();
    let mut missing = Vec::new();
    for domain in Domain::ALL {
        let mut services: Vec<(String, u32)> = Vec::new();
        let mut incomplete = Vec::new();
        if domain == Domain::Services {
            let mut names: Vec<&str> = ratings
                .iter()
                .filter(|r| r.outcome.domain == domain)
                .filter_map(|r| r.service.as_deref())
                .collect();
            names.sort_unstable();
            names.dedup();
            for name in names {
                let scores: Vec<u32> = domain
                    .outcomes()
                    .filter_map(|o| {
                        ratings
                            .iter()
                            .find(|r| r.outcome == o && r.service.as_deref() == Some(name))
                            .map(|r| u32::from(r.score.points()))
                    })
                    .collect();
                if scores.len() == domain.outcomes().count() {
                    services.push((name.to_string(), scores.iter().sum()));
                } else {
                    incomplete.push(name.to_string());
                }
            }
        }
        let outcomes: Vec<OutcomeScore> = domain
            .outcomes()
            .map(|o| {
                let score = if domain == Domain::Services {
                    let s: Vec<f64> = services
                        .iter()
                        .filter_map(|(name, _)| {
                            ratings
                                .iter()
                                .find(|r| r.outcome == o && r.service.as_deref() == Some(name))
                                .map(|r| f64::from(r.score.points()))
                        })
                        .collect();
                    (!s.is_empty()).then(|| s.iter().sum::<f64>() / s.len() as f64)
                } else {
                    ratings
                        .iter()
                        .find(|r| r.outcome == o)
                        .map(|r| f64::from(r.score.points()))
                };
                if score.is_none() {
                    missing.push(o.code);
                }
                OutcomeScore { outcome: o, score }
            })
            .collect();
        let total = outcomes.iter().map(|o| o.score).sum::<Option<f64>>();
        domains.push(DomainSummary {
            domain,
            outcomes,
            total,
            services,
            incomplete_services: incomplete,
        });
    }
    let total = domains.iter().map(|d| d.total).sum::<Option<f64>>();
    Ok(Summary {
        rating: total.map(|t| bands.rate(t)),
        domains,
        total,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rating(code: &str, service: Option<&str>, points: u8) -> Rating {
        let o = outcome(code).unwrap();
        Rating {
            outcome: o,
            service: service.map(String::from),
            score: Score::from_points(points).unwrap(),
            rater_group: o.domain.raters()[0],
            evidence: "x".into(),
            owner: String::new(),
        }
    }

    /// Every outcome scored `points`, Domain 1 for one service.
    fn all(points: u8) -> Vec<Rating> {
        OUTCOMES
            .iter()
            .map(|o| {
                rating(
                    o.code,
                    (o.domain == Domain::Services).then_some("Maternity"),
                    points,
                )
            })
            .collect()
    }

    #[test]
    fn the_guidance_has_three_domains_and_eleven_outcomes() {
        let counts: Vec<usize> = Domain::ALL.iter().map(|d| d.outcomes().count()).collect();
        assert_eq!(counts, [4, 4, 3]);
        assert_eq!(Domain::ALL.iter().map(|d| d.max_score()).sum::<u32>(), 33);
        assert_eq!(outcome("2b").unwrap().code, "2B");
        assert!(outcome("4A").is_none());
    }

    #[test]
    fn worked_overall_ratings_at_every_band_edge() {
        let b = Bands::default();
        for (total, band) in [
            (0.0, Score::Undeveloped),
            (7.0, Score::Undeveloped),
            (7.75, Score::Undeveloped),
            (8.0, Score::Developing),
            (21.0, Score::Developing),
            (21.5, Score::Developing),
            (22.0, Score::Achieving),
            (32.0, Score::Achieving),
            (32.5, Score::Achieving),
            (33.0, Score::Excelling),
        ] {
            assert_eq!(b.rate(total), band, "{total}");
        }
        // Every outcome Achieving: 22, Achieving; every outcome Excelling: 33.
        let s = summarise(&all(2), &b).unwrap();
        assert_eq!((s.total, s.rating), (Some(22.0), Some(Score::Achieving)));
        assert_eq!(
            s.domains
                .iter()
                .map(|d| d.total.unwrap())
                .collect::<Vec<_>>(),
            [8.0, 8.0, 6.0]
        );
        assert_eq!(
            summarise(&all(3), &b).unwrap().rating,
            Some(Score::Excelling)
        );
        assert_eq!(
            summarise(&all(0), &b).unwrap().rating,
            Some(Score::Undeveloped)
        );
        let mut one_short = all(3);
        one_short[10].score = Score::Achieving;
        assert_eq!(
            summarise(&one_short, &b).unwrap().rating,
            Some(Score::Achieving),
            "32 is not Excelling"
        );
    }

    #[test]
    fn domain_one_averages_over_complete_services() {
        let mut r: Vec<Rating> = all(2)
            .into_iter()
            .filter(|r| r.outcome.domain != Domain::Services)
            .collect();
        // Maternity 1,1,2,2 (6); Diabetes 3,3,2,2 (10): outcome means 2,2,2,2, domain total 8,
        // which is also the mean of the services' totals, (6 + 10) / 2.
        for (code, m, d) in [("1A", 1, 3), ("1B", 1, 3), ("1C", 2, 2), ("1D", 2, 2)] {
            r.push(rating(code, Some("Maternity"), m));
            r.push(rating(code, Some("Diabetes"), d));
        }
        // A third service rated on one outcome only does not count.
        r.push(rating("1A", Some("Stroke"), 0));
        let s = summarise(&r, &Bands::default()).unwrap();
        let d1 = &s.domains[0];
        assert_eq!(d1.total, Some(8.0));
        assert_eq!(
            d1.services,
            [("Diabetes".to_string(), 10), ("Maternity".to_string(), 6)]
        );
        assert_eq!(d1.incomplete_services, ["Stroke"]);
        assert_eq!(d1.outcomes[0].score, Some(2.0));
        // Uneven means: Maternity 1A 0, Diabetes 1A 1 → 0.5; total 22.5 − 2 + 0.5.
        let r2: Vec<Rating> = r
            .iter()
            .cloned()
            .map(|mut x| {
                if x.outcome.code == "1A" && x.service.as_deref() != Some("Stroke") {
                    x.score = if x.service.as_deref() == Some("Maternity") {
                        Score::Undeveloped
                    } else {
                        Score::Developing
                    };
                }
                x
            })
            .collect();
        let s = summarise(&r2, &Bands::default()).unwrap();
        assert_eq!(s.total, Some(20.5));
        assert_eq!(s.rating, Some(Score::Developing));
    }

    #[test]
    fn missing_outcomes_leave_the_total_open() {
        let mut r = all(2);
        r.retain(|x| x.outcome.code != "3B");
        let s = summarise(&r, &Bands::default()).unwrap();
        assert_eq!((s.total, s.rating), (None, None));
        assert_eq!(s.missing, ["3B"]);
        assert_eq!(s.domains[2].total, None);
        assert_eq!(s.domains[1].total, Some(8.0));
        let s = summarise(&[], &Bands::default()).unwrap();
        assert_eq!(s.missing.len(), 11);
    }

    #[test]
    fn a_second_rating_of_the_same_outcome_is_refused() {
        let mut r = all(1);
        r.push(rating("2A", None, 3));
        let e = summarise(&r, &Bands::default()).unwrap_err();
        assert_eq!(e.to_string(), "outcome 2A is rated twice: keep one rating");
        let mut r = all(1);
        r.push(rating("1A", Some("Maternity"), 3));
        assert!(
            summarise(&r, &Bands::default())
                .unwrap_err()
                .to_string()
                .contains("for Maternity")
        );
    }

    #[test]
    fn forms_name_their_fields() {
        let ok = RatingInput {
            outcome: "1a".into(),
            service: "Maternity".into(),
            score: "2".into(),
            rater_group: "patients_public".into(),
            evidence: "/results/smi_health_check".into(),
            owner: "Maternity services, Director of Midwifery".into(),
        };
        assert_eq!(ok.validate().unwrap().outcome.code, "1A");
        let mut no_service = ok.clone();
        no_service.service.clear();
        assert!(
            no_service
                .validate()
                .unwrap_err()
                .get("service")
                .unwrap()
                .contains("each service")
        );
        let mut staff_rate_services = ok.clone();
        staff_rate_services.rater_group = "staff".into();
        let e = staff_rate_services.validate().unwrap_err();
        assert!(e.get("rater_group").unwrap().contains("Domain 1"), "{e}");
        let board = RatingInput {
            outcome: "3A".into(),
            rater_group: "patients_public".into(),
            ..ok.clone()
        };
        let e = board.validate().unwrap_err();
        assert!(e.get("service").unwrap().contains("blank"));
        assert!(e.get("rater_group").is_some());
        let e = RatingInput::default().validate().unwrap_err();
        for f in ["outcome", "score", "rater_group", "evidence"] {
            assert!(e.get(f).is_some(), "{f}");
        }
        assert_eq!(
            ok.validate().unwrap().owner,
            "Maternity services, Director of Midwifery"
        );
        let two_lines = RatingInput {
            owner: "a\nb".into(),
            ..ok.clone()
        };
        assert!(two_lines.validate().unwrap_err().get("owner").is_some());
        let bad_score = RatingInput {
            score: "4".into(),
            ..ok
        };
        assert!(bad_score.validate().unwrap_err().get("score").is_some());
    }

    #[test]
    fn bands_read_as_the_score_card_gives_them() {
        let words: Vec<String> = Bands::default()
            .describe()
            .into_iter()
            .map(|(s, t)| format!("{}: {t}", s.activity()))
            .collect();
        assert_eq!(
            words,
            [
                "Undeveloped activity: under 8",
                "Developing activity: 8 to 21",
                "Achieving activity: 22 to 32",
                "Excelling activity: 33",
            ]
        );
        let leeds = Bands {
            excelling: 31.0,
            ..Bands::default()
        };
        assert_eq!(leeds.describe()[2].1, "22 to 30");
        assert_eq!(leeds.describe()[3].1, "31 to 33");
    }

    #[test]
    fn bands_must_rise() {
        assert!(Bands::default().validate().is_ok());
        assert!(
            Bands {
                developing: 8.0,
                achieving: 8.0,
                excelling: 33.0
            }
            .validate()
            .is_err()
        );
        assert!(
            Bands {
                developing: 8.0,
                achieving: 22.0,
                excelling: 34.0
            }
            .validate()
            .is_err()
        );
    }

    proptest! {
        /// The overall total is the sum of the domain totals, lies in 0–33, and raising any
        /// one score never lowers the rating.
        #[test]
        fn totals_add_up_and_are_monotone(points in proptest::collection::vec(0u8..=3, 11), i in 0usize..11) {
            let mut r: Vec<Rating> = OUTCOMES.iter().zip(&points).map(|(o, p)| rating(o.code, (o.domain == Domain::Services).then_some("S"), *p)).collect();
            let b = Bands::default();
            let s = summarise(&r, &b).unwrap();
            let total = s.total.unwrap();
            prop_assert_eq!(total, points.iter().map(|p| f64::from(*p)).sum::<f64>());
            prop_assert!((0.0..=33.0).contains(&total));
            if points[i] < 3 {
                r[i].score = Score::from_points(points[i] + 1).unwrap();
                let higher = summarise(&r, &b).unwrap();
                prop_assert!(higher.rating.unwrap() >= s.rating.unwrap());
            }
        }
    }
}
