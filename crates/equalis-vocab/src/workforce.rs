//! Workforce vocabulary: Agenda for Change pay bands and their reporting clusters,
//! disability declarations, board membership; and the clinical priority of a pathway.

use crate::VocabError;

/// A pay band as recorded in ESR-style extracts: Agenda for Change bands 1–9, very senior
/// managers, and the medical and dental grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PayBand {
    /// AfC band 1
    Band1,
    /// AfC band 2
    Band2,
    /// AfC band 3
    Band3,
    /// AfC band 4
    Band4,
    /// AfC band 5
    Band5,
    /// AfC band 6
    Band6,
    /// AfC band 7
    Band7,
    /// AfC band 8a
    Band8a,
    /// AfC band 8b
    Band8b,
    /// AfC band 8c
    Band8c,
    /// AfC band 8d
    Band8d,
    /// AfC band 9
    Band9,
    /// Very senior manager (including executive board members)
    Vsm,
    /// Medical: consultant (including senior medical managers)
    Consultant,
    /// Medical: non-consultant career grade
    CareerGrade,
    /// Medical: trainee grade
    Trainee,
    /// Other (e.g. staff not on AfC or medical terms)
    Other,
}

impl PayBand {
    /// Every band, in reporting order.
    pub const ALL: [PayBand; 17] = {
        use PayBand::*;
        [
            Band1,
            Band2,
            Band3,
            Band4,
            Band5,
            Band6,
            Band7,
            Band8a,
            Band8b,
            Band8c,
            Band8d,
            Band9,
            Vsm,
            Consultant,
            CareerGrade,
            Trainee,
            Other,
        ]
    };

    /// Parses `1`–`7`, `8a`–`8d`, `9`, `VSM`, `consultant`, `career_grade`, `trainee`,
    /// `other` (case-insensitive; `Band 5` is accepted too).
    pub fn parse(s: &str) -> Result<PayBand, VocabError> {
        let t = s.trim().to_ascii_lowercase();
        let t = t.strip_prefix("band").map(str::trim).unwrap_or(&t);
        PayBand::ALL.into_iter().find(|b| b.code().eq_ignore_ascii_case(t)).ok_or_else(|| {
            VocabError::new(
                "expected a pay band: 1-7, 8a-8d, 9, VSM, consultant, career_grade, trainee or other",
            )
        })
    }

    /// The code as stored.
    pub fn code(self) -> &'static str {
        use PayBand::*;
        match self {
            Band1 => "1",
            Band2 => "2",
            Band3 => "3",
            Band4 => "4",
            Band5 => "5",
            Band6 => "6",
            Band7 => "7",
            Band8a => "8a",
            Band8b => "8b",
            Band8c => "8c",
            Band8d => "8d",
            Band9 => "9",
            Vsm => "VSM",
            Consultant => "consultant",
            CareerGrade => "career_grade",
            Trainee => "trainee",
            Other => "other",
        }
    }

    /// The band as a report names it: `Band 5`, `Band 8a`, `VSM`, `Consultants`,
    /// `Non-consultant career grades`, `Trainee grades`, `Other terms`.
    pub fn label(self) -> &'static str {
        use PayBand::*;
        match self {
            Band1 => "Band 1",
            Band2 => "Band 2",
            Band3 => "Band 3",
            Band4 => "Band 4",
            Band5 => "Band 5",
            Band6 => "Band 6",
            Band7 => "Band 7",
            Band8a => "Band 8a",
            Band8b => "Band 8b",
            Band8c => "Band 8c",
            Band8d => "Band 8d",
            Band9 => "Band 9",
            Vsm => "VSM",
            Consultant => "Consultants",
            CareerGrade => "Non-consultant career grades",
            Trainee => "Trainee grades",
            Other => "Other terms",
        }
    }

    /// The WRES/Model Employer reporting cluster, if the band belongs to one.
    pub fn cluster(self) -> Option<PayBandCluster> {
        use PayBand::*;
        Some(match self {
            Band1 | Band2 | Band3 | Band4 => PayBandCluster::Cluster1,
            Band5 | Band6 | Band7 => PayBandCluster::Cluster2,
            Band8a | Band8b => PayBandCluster::Cluster3,
            Band8c | Band8d | Band9 | Vsm => PayBandCluster::Cluster4,
            Consultant => PayBandCluster::Cluster5,
            CareerGrade => PayBandCluster::Cluster6,
            Trainee => PayBandCluster::Cluster7,
            Other => return None,
        })
    }

    /// Whether this is a medical and dental grade (WRES indicator 1 subgroups).
    pub fn is_medical(self) -> bool {
        matches!(
            self,
            PayBand::Consultant | PayBand::CareerGrade | PayBand::Trainee
        )
    }

    /// Band 8c and above (8c, 8d, 9, VSM): "senior leadership" in EDI Improvement Plan
    /// success metric 2d.
    pub fn is_senior_leadership(self) -> bool {
        matches!(
            self,
            PayBand::Band8c | PayBand::Band8d | PayBand::Band9 | PayBand::Vsm
        )
    }
}

/// Pay band clusters used in WRES reporting and the Model Employer goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PayBandCluster {
    /// Bands 1–4
    Cluster1,
    /// Bands 5–7
    Cluster2,
    /// Bands 8a–8b
    Cluster3,
    /// Bands 8c–9 and VSM
    Cluster4,
    /// Consultants
    Cluster5,
    /// Non-consultant career grades
    Cluster6,
    /// Trainee grades
    Cluster7,
}

impl PayBandCluster {
    /// A readable label.
    pub fn label(self) -> &'static str {
        match self {
            PayBandCluster::Cluster1 => "Bands 1-4",
            PayBandCluster::Cluster2 => "Bands 5-7",
            PayBandCluster::Cluster3 => "Bands 8a-8b",
            PayBandCluster::Cluster4 => "Bands 8c-9 and VSM",
            PayBandCluster::Cluster5 => "Consultants",
            PayBandCluster::Cluster6 => "Non-consultant career grades",
            PayBandCluster::Cluster7 => "Trainee grades",
        }
    }
}

/// A disability declaration in a workforce record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disability {
    /// Y: declared disabled
    Disabled,
    /// N: declared not disabled
    NotDisabled,
    /// U: unknown or prefer not to say
    Unknown,
}

impl Disability {
    /// Parses `Y`, `N` or `U` (blank is not accepted: the column is required).
    pub fn parse(s: &str) -> Result<Disability, VocabError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "Y" => Ok(Disability::Disabled),
            "N" => Ok(Disability::NotDisabled),
            "U" => Ok(Disability::Unknown),
            _ => Err(VocabError::new(
                "expected a disability declaration: Y, N or U",
            )),
        }
    }

    /// The code as stored.
    pub fn code(self) -> &'static str {
        match self {
            Disability::Disabled => "Y",
            Disability::NotDisabled => "N",
            Disability::Unknown => "U",
        }
    }
}

/// Board membership in a workforce record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoardMember {
    /// Voting executive director
    VotingExec,
    /// Voting non-executive director
    VotingNonExec,
    /// Non-voting board member
    NonVoting,
}

impl BoardMember {
    /// Parses `voting_exec`, `voting_non_exec`, `non_voting`; blank is `None`.
    pub fn parse(s: &str) -> Result<Option<BoardMember>, VocabError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" => Ok(None),
            "voting_exec" => Ok(Some(BoardMember::VotingExec)),
            "voting_non_exec" => Ok(Some(BoardMember::VotingNonExec)),
            "non_voting" => Ok(Some(BoardMember::NonVoting)),
            _ => Err(VocabError::new(
                "expected board membership: voting_exec, voting_non_exec, non_voting or blank",
            )),
        }
    }

    /// The code as stored.
    pub fn code(self) -> &'static str {
        match self {
            BoardMember::VotingExec => "voting_exec",
            BoardMember::VotingNonExec => "voting_non_exec",
            BoardMember::NonVoting => "non_voting",
        }
    }
}

/// Clinical priority of an elective pathway (P1 most urgent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// P1: within 72 hours
    P1,
    /// P2: within 1 month
    P2,
    /// P3: within 3 months
    P3,
    /// P4: more than 3 months
    P4,
}

impl Priority {
    /// Parses `P1`–`P4`; blank is `None`.
    pub fn parse(s: &str) -> Result<Option<Priority>, VocabError> {
        match s.trim().to_ascii_uppercase().as_str() {
            "" => Ok(None),
            "P1" => Ok(Some(Priority::P1)),
            "P2" => Ok(Some(Priority::P2)),
            "P3" => Ok(Some(Priority::P3)),
            "P4" => Ok(Some(Priority::P4)),
            _ => Err(VocabError::new(
                "expected a clinical priority: P1, P2, P3, P4 or blank",
            )),
        }
    }

    /// The code as stored.
    pub fn code(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_bands_parse_and_cluster() {
        for b in PayBand::ALL {
            assert_eq!(PayBand::parse(b.code()).unwrap(), b);
        }
        assert_eq!(PayBand::parse("Band 5").unwrap(), PayBand::Band5);
        assert_eq!(PayBand::parse("8A").unwrap(), PayBand::Band8a);
        assert_eq!(PayBand::parse("vsm").unwrap(), PayBand::Vsm);
        assert!(PayBand::parse("8e").is_err());
        assert!(PayBand::parse("10").is_err());
        assert_eq!(PayBand::Band8c.cluster(), Some(PayBandCluster::Cluster4));
        assert_eq!(PayBand::Other.cluster(), None);
        // Labels are words, never the stored code.
        assert_eq!(PayBand::CareerGrade.label(), "Non-consultant career grades");
        assert_eq!(PayBand::Band8a.label(), "Band 8a");
        for b in PayBand::ALL {
            assert!(!b.label().contains('_'), "{}", b.label());
        }
        assert!(PayBand::Vsm.is_senior_leadership());
        assert!(!PayBand::Band8b.is_senior_leadership());
    }

    #[test]
    fn other_codes() {
        assert_eq!(Disability::parse("y").unwrap(), Disability::Disabled);
        assert!(Disability::parse("").is_err());
        assert_eq!(BoardMember::parse("").unwrap(), None);
        assert!(BoardMember::parse("chair").is_err());
        assert_eq!(Priority::parse("p2").unwrap(), Some(Priority::P2));
        assert!(Priority::parse("P5").is_err());
    }
}
