//! Hospital activity codes: admission method, ICD-10 diagnoses, OPCS-4 procedures, and
//! the event types of the `events` dataset.

use crate::VocabError;

/// NHS Data Dictionary ADMISSION METHOD (hospital provider spell), 2 digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AdmissionMethod(u8);

/// The broad kind of an admission method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdmissionMethodKind {
    /// 11–13
    Elective,
    /// 21–28 (including 2A–2D, which extracts write as such)
    Emergency,
    /// 31–32
    Maternity,
    /// 81–83 and others
    Other,
}

impl AdmissionMethod {
    /// The codes in use: 11–13 elective, 21–25 and 28 emergency, 31–32 maternity,
    /// 81–83 other. (`2A`–`2D` are written as such by some systems; they are emergency.)
    pub fn parse(s: &str) -> Result<AdmissionMethod, VocabError> {
        let s = s.trim().to_ascii_uppercase();
        let code = match s.as_str() {
            "2A" => 26,
            "2B" => 27,
            "2C" => 29,
            "2D" => 30,
            _ => s.parse::<u8>().map_err(|_| bad_admission_method())?,
        };
        if s.len() != 2 {
            return Err(bad_admission_method());
        }
        match code {
            11..=13 | 21..=30 | 31 | 32 | 81..=83 => Ok(AdmissionMethod(code)),
            _ => Err(bad_admission_method()),
        }
    }

    /// Elective, emergency, maternity or other.
    pub fn kind(self) -> AdmissionMethodKind {
        match self.0 {
            11..=13 => AdmissionMethodKind::Elective,
            21..=30 => AdmissionMethodKind::Emergency,
            31 | 32 => AdmissionMethodKind::Maternity,
            _ => AdmissionMethodKind::Other,
        }
    }

    /// The code as stored.
    pub fn code(self) -> String {
        match self.0 {
            26 => "2A".into(),
            27 => "2B".into(),
            29 => "2C".into(),
            30 => "2D".into(),
            c => format!("{c:02}"),
        }
    }
}

fn bad_admission_method() -> VocabError {
    VocabError::new(
        "expected an admission method code: 11-13 elective, 21-28 or 2A-2D emergency, 31-32 maternity, 81-83 other",
    )
}

/// An ICD-10 code, normalised to the form without a dot (`J44.1` → `J441`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Icd10Code(String);

impl Icd10Code {
    /// A letter, two digits, then up to two more characters, optionally after a dot
    /// (`J44`, `J44.1`, `J441`, `E10.9`, `K02.1X`).
    pub fn parse(s: &str) -> Result<Icd10Code, VocabError> {
        let t: String = s
            .trim()
            .chars()
            .filter(|&c| c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        let b = t.as_bytes();
        let ok = (3..=5).contains(&b.len())
            && b[0].is_ascii_uppercase()
            && b[1].is_ascii_digit()
            && b[2].is_ascii_digit()
            && b[3..]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && s.trim().matches('.').count() <= 1;
        if ok {
            Ok(Icd10Code(t))
        } else {
            Err(VocabError::new(
                "expected an ICD-10 code such as J44.1 or J441",
            ))
        }
    }

    /// The code without a dot.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the code falls in the 3-character category range `from..=to`
    /// (e.g. `("J40", "J44")` for COPD).
    pub fn in_range(&self, from: &str, to: &str) -> bool {
        let head = &self.0[..3];
        head >= from && head <= to
    }
}

/// An OPCS-4 procedure code, normalised without the dot (`F10.4` → `F104`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Opcs4Code(String);

impl Opcs4Code {
    /// A letter and two digits, then an optional fourth digit, optionally after a dot.
    pub fn parse(s: &str) -> Result<Opcs4Code, VocabError> {
        let t: String = s
            .trim()
            .chars()
            .filter(|&c| c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        let b = t.as_bytes();
        let ok = (3..=4).contains(&b.len())
            && b[0].is_ascii_uppercase()
            && b[1..].iter().all(u8::is_ascii_digit);
        if ok {
            Ok(Opcs4Code(t))
        } else {
            Err(VocabError::new(
                "expected an OPCS-4 code such as F10.4 or F104",
            ))
        }
    }

    /// The code without a dot.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The event types of the `events` dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventType {
    /// Annual physical health check for a person with SMI; `value` unused.
    SmiHealthCheck,
    /// Annual health check for a person with a learning disability.
    LdHealthCheck,
    /// Flu vaccination.
    FluVaccination,
    /// Pneumococcal vaccination.
    PneumococcalVaccination,
    /// COVID-19 vaccination.
    CovidVaccination,
    /// Maternity booking; `value` is continuity of carer `Y`/`N`.
    MaternityBooking,
    /// Cancer diagnosis; `value` is the stage `1`–`4` or `X`.
    CancerDiagnosis,
    /// Blood pressure reading; `value` is `systolic/diastolic`.
    BpReading,
    /// Contact with children and young people's mental health services.
    CypMhContact,
}

impl EventType {
    /// Every type.
    pub const ALL: [EventType; 9] = [
        EventType::SmiHealthCheck,
        EventType::LdHealthCheck,
        EventType::FluVaccination,
        EventType::PneumococcalVaccination,
        EventType::CovidVaccination,
        EventType::MaternityBooking,
        EventType::CancerDiagnosis,
        EventType::BpReading,
        EventType::CypMhContact,
    ];

    /// The contract name.
    pub fn name(self) -> &'static str {
        match self {
            EventType::SmiHealthCheck => "smi_health_check",
            EventType::LdHealthCheck => "ld_health_check",
            EventType::FluVaccination => "flu_vaccination",
            EventType::PneumococcalVaccination => "pneumococcal_vaccination",
            EventType::CovidVaccination => "covid_vaccination",
            EventType::MaternityBooking => "maternity_booking",
            EventType::CancerDiagnosis => "cancer_diagnosis",
            EventType::BpReading => "bp_reading",
            EventType::CypMhContact => "cyp_mh_contact",
        }
    }

    /// Parses a contract name.
    pub fn parse(s: &str) -> Result<EventType, VocabError> {
        let s = s.trim();
        EventType::ALL
            .into_iter()
            .find(|e| e.name() == s)
            .ok_or_else(|| {
                VocabError::new(format!(
                    "expected an event type: {}",
                    EventType::ALL.map(|e| e.name()).join(", ")
                ))
            })
    }

    /// Checks `value` against this type's rule and returns it normalised.
    pub fn check_value(self, value: &str) -> Result<String, VocabError> {
        let v = value.trim();
        match self {
            EventType::MaternityBooking => match v.to_ascii_uppercase().as_str() {
                "Y" | "N" => Ok(v.to_ascii_uppercase()),
                _ => Err(VocabError::new(
                    "maternity_booking needs value Y or N (continuity of carer)",
                )),
            },
            EventType::CancerDiagnosis => match v.to_ascii_uppercase().as_str() {
                "1" | "2" | "3" | "4" | "X" => Ok(v.to_ascii_uppercase()),
                _ => Err(VocabError::new(
                    "cancer_diagnosis needs value 1, 2, 3, 4 or X (stage)",
                )),
            },
            EventType::BpReading => {
                let parsed = v.split_once('/').and_then(|(s, d)| {
                    Some((s.trim().parse::<u16>().ok()?, d.trim().parse::<u16>().ok()?))
                });
                match parsed {
                    Some((s, d)) if (50..=300).contains(&s) && (20..=200).contains(&d) && s > d => {
                        Ok(format!("{s}/{d}"))
                    }
                    _ => Err(VocabError::new(
                        "bp_reading needs value systolic/diastolic in mmHg, e.g. 138/85",
                    )),
                }
            }
            _ => Ok(v.to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admission_methods() {
        assert_eq!(
            AdmissionMethod::parse("21").unwrap().kind(),
            AdmissionMethodKind::Emergency
        );
        assert_eq!(
            AdmissionMethod::parse("2A").unwrap().kind(),
            AdmissionMethodKind::Emergency
        );
        assert_eq!(AdmissionMethod::parse("2A").unwrap().code(), "2A");
        assert_eq!(
            AdmissionMethod::parse("11").unwrap().kind(),
            AdmissionMethodKind::Elective
        );
        assert!(AdmissionMethod::parse("14").is_err());
        assert!(AdmissionMethod::parse("1").is_err());
        assert!(AdmissionMethod::parse("99").is_err());
    }

    #[test]
    fn diagnosis_and_procedure_codes() {
        assert_eq!(Icd10Code::parse("J44.1").unwrap().as_str(), "J441");
        assert_eq!(Icd10Code::parse("j441").unwrap().as_str(), "J441");
        assert!(Icd10Code::parse("J44.1").unwrap().in_range("J40", "J44"));
        assert!(!Icd10Code::parse("J45").unwrap().in_range("J40", "J44"));
        assert!(Icd10Code::parse("441").is_err());
        assert!(Icd10Code::parse("J4").is_err());
        assert!(Icd10Code::parse("J4.4.1").is_err());
        assert_eq!(Opcs4Code::parse("F10.4").unwrap().as_str(), "F104");
        assert!(Opcs4Code::parse("F1A").is_err());
    }

    #[test]
    fn event_values() {
        assert_eq!(
            EventType::parse("bp_reading").unwrap(),
            EventType::BpReading
        );
        assert!(EventType::parse("blood_test").is_err());
        assert_eq!(
            EventType::BpReading.check_value("138/ 85").unwrap(),
            "138/85"
        );
        assert!(EventType::BpReading.check_value("85/138").is_err());
        assert!(EventType::CancerDiagnosis.check_value("5").is_err());
        assert_eq!(EventType::MaternityBooking.check_value("y").unwrap(), "Y");
    }
}
