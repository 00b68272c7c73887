//! The quarterly workforce dashboard: composition by sex, ethnic group and disability (with
//! declaration rates) by pay band cluster and organisation for each quarter; the series the
//! SPC charts read; representativeness of workforce and board against the local population;
//! parity targets per band; and the EDI Improvement Plan success metrics the data supports.
//!
//! The workforce is counted as in the WRES and WDES ([`crate::StaffRecord::in_workforce`]),
//! so a dashboard quarter ending 31 March agrees with the annual returns.

use std::collections::HashMap;

use equalis_vocab::{
    BoardMember, Census2021Group, Disability, EthnicGroup, PayBand, PayBandCluster, Sex,
};
use jiff::civil::Date;

use crate::counts::{DisabilityCounts, EthnicityCounts};
use crate::pay_gap::{self, PayGapOptions};
use crate::records::{LocalPopulation, NotSupplied, StaffRecord, Workforce};
use crate::select::{self, SurveyFigure};
use crate::{Figure, RateComparison, RelativeLikelihood, Scope, WorkforceError, wdes, wres};

/// Which staff a dashboard cell counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClusterKey {
    /// All staff.
    All,
    /// One pay band cluster.
    Cluster(PayBandCluster),
    /// Staff on other terms (band `other`), who belong to no cluster.
    OtherTerms,
}

impl ClusterKey {
    /// All, clusters 1–7, other terms: the dashboard's row order.
    pub const ALL: [ClusterKey; 9] = [
        ClusterKey::All,
        ClusterKey::Cluster(PayBandCluster::Cluster1),
        ClusterKey::Cluster(PayBandCluster::Cluster2),
        ClusterKey::Cluster(PayBandCluster::Cluster3),
        ClusterKey::Cluster(PayBandCluster::Cluster4),
        ClusterKey::Cluster(PayBandCluster::Cluster5),
        ClusterKey::Cluster(PayBandCluster::Cluster6),
        ClusterKey::Cluster(PayBandCluster::Cluster7),
        ClusterKey::OtherTerms,
    ];

    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            ClusterKey::All => "All staff",
            ClusterKey::Cluster(c) => c.label(),
            ClusterKey::OtherTerms => "Other terms",
        }
    }

    fn of(band: PayBand) -> ClusterKey {
        band.cluster()
            .map_or(ClusterKey::OtherTerms, ClusterKey::Cluster)
    }
}

/// Headcount of a group with its share.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupCount<G> {
    /// The group.
    pub group: G,
    /// Headcount.
    pub count: u64,
    /// % of the cell's headcount.
    pub pct: Figure,
}

/// Composition of one group of staff.
#[derive(Debug, Clone, PartialEq)]
pub struct Composition {
    /// Headcount.
    pub headcount: u64,
    /// By stated gender, in [`Sex::ALL`] order.
    pub sex: Vec<GroupCount<Sex>>,
    /// Stated male or female as % of headcount.
    pub sex_recorded_pct: Figure,
    /// By ethnic group, in [`EthnicGroup::ALL`] order (Not stated and Not known included).
    pub ethnic_group: Vec<GroupCount<EthnicGroup>>,
    /// White / BME / unknown, with the ethnicity declaration rate.
    pub ethnicity: EthnicityCounts,
    /// Disabled / non-disabled / unknown, with the disability declaration rate.
    pub disability: DisabilityCounts,
}

impl Composition {
    /// Counts the staff given.
    pub fn of<'a>(staff: impl IntoIterator<Item = &'a StaffRecord>) -> Composition {
        let mut sex = [0u64; 4];
        let mut eth = [0u64; 7];
        let (mut w, mut b, mut u) = (0, 0, 0);
        let mut dis = [0u64; 3];
        let mut n = 0u64;
        for s in staff {
            n += 1;
            sex[Sex::ALL.iter().position(|x| *x == s.sex).unwrap_or(3)] += 1;
            let g = s.ethnic_category.group();
            eth[EthnicGroup::ALL.iter().position(|x| *x == g).unwrap_or(6)] += 1;
            match s.ethnic_category.is_bme() {
                Some(false) => w += 1,
                Some(true) => b += 1,
                None => u += 1,
            }
            dis[match s.disability {
                Disability::Disabled => 0,
                Disability::NotDisabled => 1,
                Disability::Unknown => 2,
            }] += 1;
        }
        const EMPTY: &str = "no staff in this group";
        Composition {
            headcount: n,
            sex: Sex::ALL
                .iter()
                .zip(sex)
                .map(|(&group, count)| GroupCount {
                    group,
                    count,
                    pct: Figure::percent(count as f64, n as f64, EMPTY),
                })
                .collect(),
            sex_recorded_pct: Figure::percent((sex[0] + sex[1]) as f64, n as f64, EMPTY),
            ethnic_group: EthnicGroup::ALL
                .iter()
                .zip(eth)
                .map(|(&group, count)| GroupCount {
                    group,
                    count,
                    pct: Figure::percent(count as f64, n as f64, EMPTY),
                })
                .collect(),
            ethnicity: EthnicityCounts::from_counts(w, b, u),
            disability: DisabilityCounts::from_counts(dis[0], dis[1], dis[2]),
        }
    }
}

/// One cell of the dashboard: a scope, a quarter end and a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardCell {
    /// Organisation or ICS.
    pub scope: Scope,
    /// Quarter end (the snapshot date).
    pub quarter_end: Date,
    /// Which staff.
    pub cluster: ClusterKey,
    /// Their composition.
    pub composition: Composition,
}

/// The dashboard: every scope ([`crate::all_scopes`] order), every snapshot date in the
/// staff data (ascending), every [`ClusterKey`] — always present, empty cells included, so
/// each series has a point for every quarter.
pub fn quarterly_dashboard(data: &Workforce) -> Vec<DashboardCell> {
    let dates = data.snapshot_dates();
    // Group once: (org, date, cluster) → staff, then build scopes from the groups, so the
    // cost is one pass over the staff rather than one per cell.
    let mut by_key: HashMap<(&str, Date, ClusterKey), Vec<&StaffRecord>> = HashMap::new();
    for s in data.staff.iter().filter(|s| s.in_workforce()) {
        by_key
            .entry((
                s.org_code.as_str(),
                s.snapshot_date,
                ClusterKey::of(s.pay_band),
            ))
            .or_default()
            .push(s);
    }
    let mut cells = Vec::new();
    for scope in crate::all_scopes(data) {
        for &date in &dates {
            for cluster in ClusterKey::ALL {
                let staff = by_key
                    .iter()
                    .filter(|((org, d, c), _)| {
                        *d == date
                            && scope.includes(org)
                            && (cluster == ClusterKey::All || *c == cluster)
                    })
                    .flat_map(|(_, v)| v.iter().copied());
                cells.push(DashboardCell {
                    scope: scope.clone(),
                    quarter_end: date,
                    cluster,
                    composition: Composition::of(staff),
                });
            }
        }
    }
    cells
}

/// A measure plotted over quarters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesMeasure {
    /// BME % of headcount.
    BmePct,
    /// BME % of staff with a known ethnicity.
    BmePctOfKnown,
    /// Female % of headcount.
    FemalePct,
    /// Disabled % of headcount.
    DisabledPct,
    /// Ethnicity declaration rate.
    EthnicityDeclarationPct,
    /// Disability declaration rate.
    DisabilityDeclarationPct,
}

/// One point of a quarterly series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    /// Quarter end.
    pub quarter_end: Date,
    /// Headcount behind the figure (the denominator SPC limits need).
    pub headcount: u64,
    /// The figure.
    pub value: Figure,
}

/// The series of one measure for one scope and cluster, in quarter order, for SPC charts.
pub fn series(
    cells: &[DashboardCell],
    scope: &Scope,
    cluster: ClusterKey,
    measure: SeriesMeasure,
) -> Vec<SeriesPoint> {
    let mut points: Vec<SeriesPoint> = cells
        .iter()
        .filter(|c| &c.scope == scope && c.cluster == cluster)
        .map(|c| {
            let m = &c.composition;
            SeriesPoint {
                quarter_end: c.quarter_end,
                headcount: m.headcount,
                value: match measure {
                    SeriesMeasure::BmePct => m.ethnicity.bme_pct,
                    SeriesMeasure::BmePctOfKnown => m.ethnicity.bme_pct_of_known,
                    SeriesMeasure::FemalePct => m.sex[1].pct,
                    SeriesMeasure::DisabledPct => m.disability.disabled_pct,
                    SeriesMeasure::EthnicityDeclarationPct => m.ethnicity.declaration_rate_pct,
                    SeriesMeasure::DisabilityDeclarationPct => m.disability.declaration_rate_pct,
                },
            }
        })
        .collect();
    points.sort_by_key(|p| p.quarter_end);
    points
}

/// One Census 2021 group in a representativeness comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupRepresentation {
    /// The group.
    pub group: Census2021Group,
    /// Staff (or board members) in the group.
    pub count: u64,
    /// % of those with a known ethnicity.
    pub share_pct: Figure,
    /// Residents in the group.
    pub population: u64,
    /// % of residents.
    pub population_share_pct: Figure,
    /// `share_pct − population_share_pct`, percentage points.
    pub difference_pp: Figure,
    /// `share_pct / population_share_pct`: 1 is proportionate representation.
    pub representation_ratio: Figure,
}

/// How far a workforce and its board reflect the local population.
#[derive(Debug, Clone, PartialEq)]
pub struct Representativeness {
    /// Organisation or ICS.
    pub scope: Scope,
    /// Snapshot date.
    pub snapshot_date: Date,
    /// The population compared with.
    pub population_name: String,
    /// Workforce by Census 2021 group, in TS021 order.
    pub workforce: Vec<GroupRepresentation>,
    /// Workforce with Not stated or Not known ethnicity (left out of the shares).
    pub workforce_unknown: u64,
    /// Voting board members by Census 2021 group.
    pub board: Vec<GroupRepresentation>,
    /// Voting board members with unknown ethnicity.
    pub board_unknown: u64,
}

fn represent<'a>(
    people: impl Iterator<Item = &'a StaffRecord>,
    population: &LocalPopulation,
) -> (Vec<GroupRepresentation>, u64) {
    let mut counts = [0u64; 5];
    let mut unknown = 0;
    for p in people {
        match p.ethnic_category.census2021_group() {
            Some(g) => {
                counts[Census2021Group::ALL
                    .iter()
                    .position(|x| *x == g)
                    .unwrap_or(0)] += 1
            }
            None => unknown += 1,
        }
    }
    let known: u64 = counts.iter().sum();
    let pop_total = population.total();
    let rows = Census2021Group::ALL
        .iter()
        .zip(counts)
        .map(|(&group, count)| {
            let share =
                Figure::percent(count as f64, known as f64, "no one with a known ethnicity");
            let pop = population.count(group);
            let pop_share = Figure::percent(
                pop as f64,
                pop_total as f64,
                "the local population is empty",
            );
            let ratio = match (share, pop_share) {
                (Figure::Value(s), Figure::Value(p)) => {
                    Figure::ratio(s, p, "no residents of this group in the local population")
                }
                (Figure::Undefined { reason }, _) | (_, Figure::Undefined { reason }) => {
                    Figure::Undefined { reason }
                }
            };
            GroupRepresentation {
                group,
                count,
                share_pct: share,
                population: pop,
                population_share_pct: pop_share,
                difference_pp: share.minus(pop_share),
                representation_ratio: ratio,
            }
        })
        .collect();
    (rows, unknown)
}

/// Representativeness of the workforce and the voting board against the local population.
pub fn representativeness(
    data: &Workforce,
    scope: &Scope,
    snapshot_date: Date,
    population: &LocalPopulation,
) -> Representativeness {
    let snap = select::snapshot(data, scope, snapshot_date);
    let (workforce, workforce_unknown) = represent(
        snap.iter().copied().filter(|s| s.in_workforce()),
        population,
    );
    let (board, board_unknown) = represent(
        snap.iter().copied().filter(|s| {
            matches!(
                s.board_member,
                Some(BoardMember::VotingExec | BoardMember::VotingNonExec)
            )
        }),
        population,
    );
    Representativeness {
        scope: scope.clone(),
        snapshot_date,
        population_name: population.name.clone(),
        workforce,
        workforce_unknown,
        board,
        board_unknown,
    }
}

/// A band's BME share against the whole workforce's: the Model Employer parity target.
/// Shares are of staff with a known ethnicity, so differing declaration rates between bands
/// do not masquerade as differences in representation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParityTarget {
    /// Pay band.
    pub band: PayBand,
    /// Headcount, known ethnicity, BME.
    pub counts: EthnicityCounts,
    /// The whole workforce's BME % of known.
    pub workforce_bme_pct: Figure,
    /// Band BME % of known − workforce BME % of known, percentage points.
    pub gap_pp: Figure,
    /// Additional BME staff the band would need, at its current known headcount, to reach
    /// the workforce's share (zero when at or above parity; `None` if undefined).
    pub additional_bme_for_parity: Option<u64>,
}

/// Parity targets for every band (all of [`PayBand::ALL`], in order).
pub fn parity_targets(data: &Workforce, scope: &Scope, snapshot_date: Date) -> Vec<ParityTarget> {
    let staff = select::workforce(data, scope, snapshot_date);
    let overall = EthnicityCounts::from_categories(staff.iter().map(|s| s.ethnic_category));
    PayBand::ALL
        .into_iter()
        .map(|band| {
            let counts = EthnicityCounts::from_categories(
                staff
                    .iter()
                    .filter(|s| s.pay_band == band)
                    .map(|s| s.ethnic_category),
            );
            let additional = match overall.bme_pct_of_known {
                Figure::Value(p) if counts.white + counts.bme > 0 => {
                    let target = p / 100.0 * (counts.white + counts.bme) as f64;
                    // A tolerance keeps an exact share (e.g. 25% of 8 = 2) from rounding up.
                    let need = (target - counts.bme as f64 - 1e-9).ceil();
                    Some(if need > 0.0 { need as u64 } else { 0 })
                }
                _ => None,
            };
            ParityTarget {
                band,
                counts,
                workforce_bme_pct: overall.bme_pct_of_known,
                gap_pp: counts.bme_pct_of_known.minus(overall.bme_pct_of_known),
                additional_bme_for_parity: additional,
            }
        })
        .collect()
}

/// A group's share in part of the workforce against its share in the whole.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareAgainstWorkforce {
    /// Which staff.
    pub cluster: ClusterKey,
    /// The group's % (of known status) among these staff.
    pub share_pct: Figure,
    /// The group's % (of known status) in the whole workforce.
    pub workforce_share_pct: Figure,
    /// `share_pct − workforce_share_pct`, percentage points.
    pub gap_pp: Figure,
    /// Declaration rate among these staff.
    pub declaration_rate_pct: Figure,
}

/// Pay gap headlines for success metric 3a.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PayGapHeadlines {
    /// Gender: mean and median gap, %.
    pub gender: [Figure; 2],
    /// Ethnicity, White against ethnic minority: mean and median gap, %.
    pub ethnicity: [Figure; 2],
    /// Disability, non-disabled against Disabled: mean and median gap, %.
    pub disability: [Figure; 2],
}

/// The EDI Improvement Plan (June 2023) success metrics the datasets support.
#[derive(Debug, Clone, PartialEq)]
pub struct EdiSuccessMetrics {
    /// Organisation or ICS.
    pub scope: Scope,
    /// Snapshot date.
    pub snapshot_date: Date,
    /// 2a: relative likelihood of appointment from shortlisting, race (WRES 2).
    pub m2a_race: RelativeLikelihood,
    /// 2a: relative likelihood of appointment from shortlisting, disability (WDES 2).
    pub m2a_disability: RelativeLikelihood,
    /// 2c: BME share by cluster against the workforce (parity when the gap is zero).
    pub m2c_race: Vec<ShareAgainstWorkforce>,
    /// 2c: Disabled share by cluster against the workforce.
    pub m2c_disability: Vec<ShareAgainstWorkforce>,
    /// 2d: BME share in senior leadership (band 8c and above, VSM) against the workforce.
    pub m2d_race: ShareAgainstWorkforce,
    /// 2d: Disabled share in senior leadership against the workforce.
    pub m2d_disability: ShareAgainstWorkforce,
    /// 3a: gender, race and disability pay gaps (improvement is read year on year).
    pub m3a: PayGapHeadlines,
    /// 6a: bullying or harassment from managers or colleagues, all staff. Pooled from the
    /// WRES 6 White and BME rows, so respondents of unknown ethnicity are not included
    /// (`staff_survey`).
    pub m6a: Result<PooledSurvey, NotSupplied>,
    /// 6b: discrimination from managers or colleagues, all staff, pooled from WRES 8 likewise.
    pub m6b: Result<PooledSurvey, NotSupplied>,
}

fn share_rows(
    staff: &[&StaffRecord],
    overall_pct: Figure,
    pick: impl Fn(&[&StaffRecord]) -> (Figure, Figure),
) -> Vec<ShareAgainstWorkforce> {
    ClusterKey::ALL[1..]
        .iter()
        .map(|&cluster| {
            let part: Vec<&StaffRecord> = staff
                .iter()
                .copied()
                .filter(|s| ClusterKey::of(s.pay_band) == cluster)
                .collect();
            let (share, declared) = pick(&part);
            ShareAgainstWorkforce {
                cluster,
                share_pct: share,
                workforce_share_pct: overall_pct,
                gap_pp: share.minus(overall_pct),
                declaration_rate_pct: declared,
            }
        })
        .collect()
}

fn race(part: &[&StaffRecord]) -> (Figure, Figure) {
    let c = EthnicityCounts::from_categories(part.iter().map(|s| s.ethnic_category));
    (c.bme_pct_of_known, c.declaration_rate_pct)
}

fn disability(part: &[&StaffRecord]) -> (Figure, Figure) {
    let c = DisabilityCounts::from_declarations(part.iter().map(|s| s.disability));
    (c.disabled_pct_of_known, c.declaration_rate_pct)
}

/// A staff survey indicator pooled over groups: respondents and positives summed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PooledSurvey {
    /// Respondents.
    pub respondents: u64,
    /// Respondents answering the indicator's way.
    pub positive: u64,
    /// `positive / respondents × 100`.
    pub pct: Figure,
}

fn pooled(a: SurveyFigure, b: SurveyFigure) -> PooledSurvey {
    let respondents = a.respondents + b.respondents;
    let positive = a.positive + b.positive;
    PooledSurvey {
        respondents,
        positive,
        pct: Figure::percent(
            positive as f64,
            respondents as f64,
            "no staff survey respondents for this indicator",
        ),
    }
}

/// The reports the EDI Improvement Plan success metrics are read from, for one scope and
/// snapshot date.
#[derive(Debug, Clone, Copy)]
pub struct EdiSources<'r> {
    /// The WRES (2a race, 6a, 6b).
    pub wres: &'r wres::WresReport,
    /// The WDES (2a disability).
    pub wdes: &'r wdes::WdesReport,
    /// The gender pay gap (3a).
    pub gender: &'r pay_gap::GenderPayGap,
    /// The ethnicity pay gap (3a, binary comparison).
    pub ethnicity: &'r pay_gap::EthnicityPayGap,
    /// The disability pay gap (3a).
    pub disability: &'r pay_gap::DisabilityPayGap,
}

/// The EDI Improvement Plan success metrics 2a, 2c, 2d, 3a, 6a and 6b, computing the
/// reports they read.
pub fn edi_success_metrics(
    data: &Workforce,
    scope: &Scope,
    snapshot_date: Date,
    options: PayGapOptions,
) -> Result<EdiSuccessMetrics, WorkforceError> {
    let wres = wres::wres_unchecked(data, scope, snapshot_date)?;
    let wdes = wdes::wdes_unchecked(data, scope, snapshot_date)?;
    let gender = pay_gap::gender_unchecked(data, scope, snapshot_date);
    let ethnicity = pay_gap::ethnicity_unchecked(data, scope, snapshot_date, options);
    let disability = pay_gap::disability_unchecked(data, scope, snapshot_date, options);
    Ok(edi_success_metrics_from(
        data,
        EdiSources {
            wres: &wres,
            wdes: &wdes,
            gender: &gender,
            ethnicity: &ethnicity,
            disability: &disability,
        },
    ))
}

/// The EDI Improvement Plan success metrics from reports already computed (the scope and
/// snapshot date are the WRES report's; the other reports should share them).
pub fn edi_success_metrics_from(data: &Workforce, sources: EdiSources<'_>) -> EdiSuccessMetrics {
    let EdiSources {
        wres,
        wdes,
        gender: g,
        ethnicity: e,
        disability: d,
    } = sources;
    let (scope, snapshot_date) = (&wres.scope, wres.snapshot_date);
    let staff = select::workforce(data, scope, snapshot_date);
    let overall_race = wres.indicator1.overall.bme_pct_of_known;
    let overall_dis = wdes.metric1.overall.disabled_pct_of_known;
    let senior: Vec<&StaffRecord> = staff
        .iter()
        .copied()
        .filter(|s| s.pay_band.is_senior_leadership())
        .collect();
    // Band 8c and above is exactly cluster 4 (8c, 8d, 9, VSM).
    let senior_row = |pick: fn(&[&StaffRecord]) -> (Figure, Figure), overall: Figure| {
        let (share, declared) = pick(&senior);
        ShareAgainstWorkforce {
            cluster: ClusterKey::Cluster(PayBandCluster::Cluster4),
            share_pct: share,
            workforce_share_pct: overall,
            gap_pp: share.minus(overall),
            declaration_rate_pct: declared,
        }
    };
    let eg = e.binary.gaps[0];
    let dg = d.analysis.gaps[0];
    EdiSuccessMetrics {
        scope: scope.clone(),
        snapshot_date,
        m2a_race: likelihood(wres.indicator2.as_ref().map(|i| &i.comparison)),
        m2a_disability: likelihood(wdes.metric2.as_ref().map(|m| &m.comparison)),
        m2c_race: share_rows(&staff, overall_race, race),
        m2c_disability: share_rows(&staff, overall_dis, disability),
        m2d_race: senior_row(race, overall_race),
        m2d_disability: senior_row(disability, overall_dis),
        m3a: PayGapHeadlines {
            gender: [g.mean_gap_pct, g.median_gap_pct],
            ethnicity: [eg.mean_gap_pct, eg.median_gap_pct],
            disability: [dg.mean_gap_pct, dg.median_gap_pct],
        },
        m6a: wres.indicator6.map(|s| pooled(s.reference, s.comparison)),
        m6b: wres.indicator8.map(|s| pooled(s.reference, s.comparison)),
    }
}

/// A comparison's relative likelihood, or an undefined one naming the dataset it needs.
fn likelihood(c: Result<&RateComparison, &NotSupplied>) -> RelativeLikelihood {
    match c {
        Ok(c) => c.relative_likelihood,
        Err(n) => RelativeLikelihood {
            value: n.figure(),
            assessment: None,
        },
    }
}
