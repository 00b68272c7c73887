//! The NHS and English-geography vocabulary that every other equalis crate speaks.
//!
//! Each type here validates on construction (`parse`), so a value that exists is a value
//! that is valid: later code never re-checks an ethnic category code or an LSOA format.
//! Nothing here does I/O; facts that need reference tables (which LSOA vintage a code
//! belongs to, its deprivation decile) live in `equalis-refdata`.
//!
//! **Invariant:** `NhsNumber` never prints its digits (`Debug` is redacted, there is no
//! `Display`); only `equalis-ingest` reads them, to pseudonymise, and `equalis-synth`
//! makes them, to write synthetic extracts as a real system would.

#![deny(missing_docs)]

mod codes;
mod dates;
mod error;
mod ethnicity;
mod geography;
mod nhs_number;
mod order;
mod people;
mod treatment_function;
mod workforce;

pub use codes::{AdmissionMethod, AdmissionMethodKind, EventType, Icd10Code, Opcs4Code};
pub use dates::parse_date;
pub use error::VocabError;
pub use ethnicity::{Census2021Group, EthnicCategory, EthnicGroup};
pub use geography::{Core20, Imd, ImdDecile, IodEdition, LsoaCode, LsoaVintage, OdsCode};
pub use nhs_number::{NhsNumber, REDACTED_NHS_NUMBER, redact_nhs_numbers};
pub use order::{NaturalKey, natural_cmp};
pub use people::{
    AgeBand, AgeBands, Flag, InclusionGroup, ProtectedCharacteristic, Register, Sex,
    person_flag_columns,
};
pub use treatment_function::TreatmentFunction;
pub use workforce::{BoardMember, Disability, PayBand, PayBandCluster, Priority};
