//! NHS Data Dictionary TREATMENT FUNCTION CODE: the specialty of an elective pathway.
//!
//! The table holds the codes in common use on referral-to-treatment waiting lists
//! (the Data Dictionary lists a few more rarely used ones; an unknown code is rejected
//! with a message, so a missing one shows up at once rather than being grouped silently).

use crate::VocabError;

/// A treatment function (specialty) code with its Data Dictionary name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TreatmentFunction(u16);

const TABLE: &[(u16, &str)] = &[
    (100, "General Surgery"),
    (101, "Urology"),
    (102, "Transplant Surgery"),
    (103, "Breast Surgery"),
    (104, "Colorectal Surgery"),
    (105, "Hepatobiliary and Pancreatic Surgery"),
    (106, "Upper Gastrointestinal Surgery"),
    (107, "Vascular Surgery"),
    (108, "Spinal Surgery Service"),
    (110, "Trauma and Orthopaedic"),
    (111, "Orthopaedic"),
    (115, "Trauma Surgery"),
    (120, "Ear Nose and Throat"),
    (130, "Ophthalmology"),
    (140, "Oral Surgery"),
    (141, "Restorative Dentistry"),
    (143, "Orthodontics"),
    (144, "Maxillofacial Surgery"),
    (145, "Oral and Maxillofacial Surgery"),
    (150, "Neurosurgical"),
    (160, "Plastic Surgery"),
    (161, "Burns Care"),
    (170, "Cardiothoracic Surgery"),
    (172, "Cardiac Surgery"),
    (173, "Thoracic Surgery"),
    (180, "Emergency Medicine"),
    (190, "Anaesthetics"),
    (191, "Pain Management"),
    (192, "Critical Care Medicine"),
    (211, "Paediatric Urology"),
    (214, "Paediatric Trauma and Orthopaedic"),
    (215, "Paediatric Ear Nose and Throat"),
    (216, "Paediatric Ophthalmology"),
    (217, "Paediatric Oral and Maxillofacial Surgery"),
    (218, "Paediatric Neurosurgery"),
    (219, "Paediatric Plastic Surgery"),
    (221, "Paediatric Cardiac Surgery"),
    (222, "Paediatric Thoracic Surgery"),
    (223, "Paediatric Epilepsy"),
    (242, "Paediatric Intensive Care"),
    (251, "Paediatric Gastroenterology"),
    (252, "Paediatric Endocrinology"),
    (253, "Paediatric Clinical Haematology"),
    (255, "Paediatric Clinical Immunology and Allergy"),
    (257, "Paediatric Dermatology"),
    (258, "Paediatric Respiratory Medicine"),
    (259, "Paediatric Nephrology"),
    (260, "Paediatric Medical Oncology"),
    (262, "Paediatric Rheumatology"),
    (263, "Paediatric Diabetes"),
    (290, "Community Paediatrics"),
    (291, "Paediatric Neurodisability"),
    (300, "General Internal Medicine"),
    (301, "Gastroenterology"),
    (302, "Endocrinology"),
    (303, "Clinical Haematology"),
    (306, "Hepatology"),
    (307, "Diabetes"),
    (310, "Audiological Medicine"),
    (311, "Clinical Genetics"),
    (313, "Clinical Immunology and Allergy"),
    (314, "Rehabilitation Medicine"),
    (315, "Palliative Medicine"),
    (320, "Cardiology"),
    (321, "Paediatric Cardiology"),
    (326, "Acute Internal Medicine"),
    (328, "Stroke Medicine"),
    (329, "Transient Ischaemic Attack"),
    (330, "Dermatology"),
    (340, "Respiratory Medicine"),
    (341, "Respiratory Physiology"),
    (343, "Adult Cystic Fibrosis"),
    (347, "Sleep Medicine"),
    (350, "Infectious Diseases"),
    (352, "Tropical Medicine"),
    (360, "Genitourinary Medicine"),
    (361, "Renal Medicine"),
    (370, "Medical Oncology"),
    (371, "Nuclear Medicine"),
    (400, "Neurology"),
    (401, "Clinical Neurophysiology"),
    (410, "Rheumatology"),
    (420, "Paediatrics"),
    (421, "Paediatric Neurology"),
    (422, "Neonatology"),
    (430, "Geriatric Medicine"),
    (450, "Dental Medicine"),
    (460, "Medical Ophthalmology"),
    (501, "Obstetrics"),
    (502, "Gynaecology"),
    (503, "Gynaecological Oncology"),
    (560, "Midwifery"),
    (650, "Physiotherapy"),
    (651, "Occupational Therapy"),
    (652, "Speech and Language Therapy"),
    (653, "Podiatry"),
    (654, "Dietetics"),
    (655, "Orthoptics"),
    (656, "Clinical Psychology"),
    (657, "Prosthetics"),
    (658, "Orthotics"),
    (662, "Optometry"),
    (663, "Podiatric Surgery"),
    (700, "Learning Disability"),
    (710, "Adult Mental Illness"),
    (711, "Child and Adolescent Psychiatry"),
    (712, "Forensic Psychiatry"),
    (713, "Medical Psychotherapy"),
    (715, "Old Age Psychiatry"),
    (720, "Eating Disorders"),
    (721, "Addiction Services"),
    (722, "Liaison Psychiatry"),
    (723, "Psychiatric Intensive Care"),
    (724, "Perinatal Psychiatry"),
    (800, "Clinical Oncology"),
    (811, "Interventional Radiology"),
    (812, "Diagnostic Imaging"),
    (840, "Audiology"),
];

impl TreatmentFunction {
    /// Parses a 3-digit treatment function code known to the table.
    pub fn parse(s: &str) -> Result<TreatmentFunction, VocabError> {
        let s = s.trim();
        let code: u16 = match s.parse() {
            Ok(c) if s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()) => c,
            _ => {
                return Err(VocabError::new(
                    "expected a 3-digit treatment function code",
                ));
            }
        };
        if TABLE.binary_search_by_key(&code, |&(c, _)| c).is_ok() {
            Ok(TreatmentFunction(code))
        } else {
            Err(VocabError::new(format!(
                "unknown treatment function code {code}"
            )))
        }
    }

    /// The 3-digit code.
    pub fn code(self) -> u16 {
        self.0
    }

    /// The Data Dictionary name.
    pub fn name(self) -> &'static str {
        match TABLE.binary_search_by_key(&self.0, |&(c, _)| c) {
            Ok(i) => TABLE[i].1,
            // Unreachable: only codes in the table are ever constructed.
            Err(_) => "Unknown treatment function",
        }
    }

    /// Every known treatment function.
    pub fn all() -> impl Iterator<Item = TreatmentFunction> {
        TABLE.iter().map(|&(c, _)| TreatmentFunction(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_parses() {
        assert!(TABLE.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(
            TreatmentFunction::parse("110").unwrap().name(),
            "Trauma and Orthopaedic"
        );
        assert_eq!(TreatmentFunction::parse("130").unwrap().code(), 130);
        assert_eq!(
            TreatmentFunction::parse("999").unwrap_err().0,
            "unknown treatment function code 999"
        );
        assert!(TreatmentFunction::parse("11").is_err());
        assert!(TreatmentFunction::parse("1100").is_err());
        assert!(TreatmentFunction::parse("C_110").is_err());
    }
}
