//! From a raw record to a validated, derived, pseudonymised row — or a list of reasons.
//!
//! A [`Plan`] is made once per file from its header: which input column feeds each
//! contract field, and where each output column sits. [`Converter::convert`] then runs
//! the rules of every field on one record, writing into a reusable row buffer so the hot
//! loop allocates nothing. Every failing column is reported, not just the first, so one
//! pass over the rejects file is enough to fix a row.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

use arrow_schema::DataType;
use csv::ByteRecord;
use equalis_refdata::RefData;
use equalis_vocab as vocab;
use equalis_workspace::PseudonymKey;
use jiff::civil::Date;

use crate::contract::{Dataset, Field, Kind, Unique};

/// One output column of a stored dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct OutCol {
    /// Column name.
    pub name: String,
    /// Arrow type.
    pub ty: DataType,
}

fn col(name: &str, ty: DataType) -> OutCol {
    OutCol {
        name: name.to_owned(),
        ty,
    }
}

/// The output columns one contract field produces.
fn outputs(field: &Field) -> Vec<OutCol> {
    use DataType::*;
    let n = field.name;
    match field.kind {
        Kind::PersonId => vec![col("person_id", Utf8)],
        Kind::AgeOrDob | Kind::Age => vec![col("age", Int32), col("age_band", Utf8)],
        Kind::Ethnic => vec![col("ethnic_category", Utf8), col("ethnic_group", Utf8)],
        Kind::Lsoa => vec![
            col("lsoa_code", Utf8),
            col("lsoa_vintage", Utf8),
            col("lsoa21_code", Utf8),
            col("imd_decile", Int32),
            col("imd_quintile", Int32),
            col("imd_edition", Utf8),
            col("imd_bridged", Boolean),
            col("core20", Utf8),
            col("la_code", Utf8),
            col("local_authority", Utf8),
            col("sub_icb_code", Utf8),
            col("place", Utf8),
        ],
        Kind::TreatmentFunction => {
            vec![
                col("treatment_function_code", Utf8),
                col("treatment_function", Utf8),
            ]
        }
        Kind::AdmissionMethod => vec![col(n, Utf8), col("admission_method_kind", Utf8)],
        Kind::PayBand => vec![col(n, Utf8), col("pay_band_cluster", Utf8)],
        Kind::Date => vec![col(n, Date32)],
        Kind::Flag | Kind::RequiredFlag => vec![col(n, Boolean)],
        Kind::Int { .. } => vec![col(n, Int64)],
        Kind::Number { .. } => vec![col(n, Float64)],
        Kind::Pseudonym(_)
        | Kind::Text
        | Kind::Sex
        | Kind::Ods
        | Kind::Priority
        | Kind::Icd10
        | Kind::Opcs4
        | Kind::EventType
        | Kind::EventValue
        | Kind::Disability
        | Kind::BoardMember
        | Kind::Choice(_) => vec![col(n, Utf8)],
    }
}

/// Every column a dataset is stored with, in order, whatever file it came from (a file's
/// columns outside the contract, kept for some datasets, are not included).
pub fn stored_columns(dataset: Dataset) -> Vec<OutCol> {
    let mut columns: Vec<OutCol> = dataset.fields().iter().flat_map(outputs).collect();
    columns.extend(dataset_outputs(dataset));
    columns
}

/// Columns derived from several fields at once.
fn dataset_outputs(dataset: Dataset) -> Vec<OutCol> {
    match dataset {
        Dataset::WaitingList => {
            vec![
                col("days_waited", DataType::Int32),
                col("weeks_waited", DataType::Float64),
            ]
        }
        _ => vec![],
    }
}

/// A value in the row buffer. Text is a range of the converter's scratch string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Val<'a> {
    Null,
    Str(u32, u32),
    /// Text that outlives the row (a vocabulary label, reference data, a plan's age band),
    /// appended to the batch without first being copied into the scratch string.
    Ref(&'a str),
    I32(i32),
    I64(i64),
    F64(f64),
    Date(i32),
    Bool(bool),
}

/// A problem with one value of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The column (as named in the file, or the contract name).
    pub column: String,
    /// The value as read (redacted for NHS numbers).
    pub value: String,
    /// Why it was rejected, and what is accepted.
    pub reason: String,
}

struct Step {
    field: &'static Field,
    /// Input column of the field, if present in the file.
    input: Option<usize>,
    /// Input column of the alternative (`person_id`, `age`), if present.
    alt_input: Option<usize>,
    /// First output column.
    out: usize,
    /// Number of output columns.
    width: usize,
}

/// How one file's columns map onto a dataset.
pub struct Plan {
    dataset: Dataset,
    steps: Vec<Step>,
    /// Input columns kept as free-text features (volunteers), with their output index.
    extras: Vec<(usize, usize)>,
    /// Output schema.
    pub columns: Vec<OutCol>,
    /// The file's header, for naming columns in problems.
    headers: Vec<String>,
    /// Input index of `extract_date` / `snapshot_date` / `event_type` / `shortlisted`,
    /// for rules that span columns.
    idx_extract: Option<usize>,
    idx_snapshot: Option<usize>,
    idx_event_type: Option<usize>,
    /// Column names in the file that are not in the contract (ignored).
    pub ignored: Vec<String>,
    /// The ESP2013 band label of each age from 0 to 120, made once rather than per row.
    age_bands: Vec<String>,
}

/// A file-level problem with the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    /// The message.
    pub message: String,
}

impl Plan {
    /// Matches a file's header to the dataset's fields (names compare case-insensitively).
    pub fn new(dataset: Dataset, headers: &[String]) -> Result<Plan, HeaderError> {
        let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let found = || headers.join(", ");
        // The same column twice would make "which value wins" a guess.
        for (i, h) in headers.iter().enumerate() {
            if !h.is_empty() && headers[..i].iter().any(|o| o.eq_ignore_ascii_case(h)) {
                return Err(HeaderError {
                    message: format!("column `{h}` appears twice in the header"),
                });
            }
        }
        let mut steps = Vec::new();
        let mut columns = Vec::new();
        let mut used = HashSet::new();
        for field in dataset.fields() {
            let input = find(field.name);
            let alt_input = field.alt.and_then(find);
            if field.required && input.is_none() && alt_input.is_none() {
                let message = match field.alt {
                    Some(alt) => format!(
                        "required column `{}` or `{alt}` is missing (found: {})",
                        field.name,
                        found()
                    ),
                    None => format!(
                        "required column `{}` is missing (found: {})",
                        field.name,
                        found()
                    ),
                };
                return Err(HeaderError { message });
            }
            used.extend(input);
            used.extend(alt_input);
            let outs = outputs(field);
            steps.push(Step {
                field,
                input,
                alt_input,
                out: columns.len(),
                width: outs.len(),
            });
            columns.extend(outs);
        }
        columns.extend(dataset_outputs(dataset));
        let mut extras = Vec::new();
        let mut ignored = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            if used.contains(&i) {
                continue;
            }
            if dataset.keeps_other_columns() && !h.is_empty() {
                extras.push((i, columns.len()));
                columns.push(col(&h.to_ascii_lowercase(), DataType::Utf8));
            } else {
                ignored.push(if h.is_empty() {
                    format!("(unnamed column {})", i + 1)
                } else {
                    h.clone()
                });
            }
        }
        Ok(Plan {
            dataset,
            steps,
            extras,
            columns,
            headers: headers.to_vec(),
            idx_extract: find("extract_date"),
            idx_snapshot: find("snapshot_date"),
            idx_event_type: find("event_type"),
            ignored,
            age_bands: {
                let bands = vocab::AgeBands::esp2013();
                (0..=120u8).map(|a| bands.band_of(a).label()).collect()
            },
        })
    }

    /// The output columns that hold pseudonyms (keyed hashes, as hex).
    pub(crate) fn pseudonym_columns(&self) -> Vec<&str> {
        self.steps
            .iter()
            .filter(|s| matches!(s.field.kind, Kind::PersonId | Kind::Pseudonym(_)))
            .map(|s| self.columns[s.out].name.as_str())
            .collect()
    }

    fn out_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// Runs a [`Plan`] over records.
pub struct Converter<'a> {
    plan: &'a Plan,
    pseudonyms: Pseudonymiser,
    edition: vocab::IodEdition,
    refdata: &'static RefData,
    /// The row buffer, one value per output column.
    pub(crate) vals: Vec<Val<'a>>,
    pub(crate) scratch: String,
    /// The file's extract date (population), as fixed by its first valid row.
    extract_date: Option<Date>,
    /// A duplicate-id problem found by the [`Sequencer`] for the row being converted.
    pending_dup: Option<Problem>,
    // Output indices used by cross-column rules.
    o_extract: Option<usize>,
    o_snapshot: Option<usize>,
    o_rtt_start: Option<usize>,
    o_days: Option<usize>,
    o_shortlisted: Option<usize>,
    o_appointed: Option<usize>,
    o_respondents: Option<usize>,
    o_positive: Option<usize>,
    o_min: Option<usize>,
    o_max: Option<usize>,
}

/// Identifiers seen so far in the file, for uniqueness rules. Hashes (not the ids) are
/// kept, so memory is 8 bytes per id. Per-snapshot sets are kept only for the snapshot
/// being read: extracts list one snapshot's rows together, and holding every snapshot's
/// ids would make memory grow with the file.
#[derive(Default)]
struct IdSets {
    in_file: HashSet<u64, PreHashed>,
    snapshot: Option<i32>,
    per_snapshot: HashSet<u64, PreHashed>,
    closed_snapshots: HashSet<i32>,
    reopened: Vec<i32>,
}

/// The people of a population version, for the rule that a person has one row: the first 64
/// bits of each person's pseudonym (already a uniform hash), with where the person was first
/// seen. A duplicate person would be joined to every one of their events twice.
///
/// Sixteen bytes a person (about 40 MB for a population of 1.1 million); two different
/// people share 64 bits with odds of about 1 in 30 million for a population of a million, and
/// such a row would be rejected with its reason, never merged.
pub struct People {
    seen: HashMap<u64, u64, PreHashed>,
    /// How a person's 64 bits are made: `None` from the pseudonym (needed when the people of
    /// a stored version, known only by pseudonym, are in the set), else by SipHash keyed at
    /// random of the same value, cheaper (BLAKE3 here cost 1.5% more of a population
    /// ingest's instructions, and the converters make the pseudonym anyway).
    fast: Option<std::collections::hash_map::RandomState>,
    /// The version appended to, whose people are already in.
    version: Option<u32>,
    /// The files of this call, by index, for naming where a first row was.
    files: Vec<String>,
}

impl People {
    /// An empty set: a new population version.
    pub fn new() -> People {
        People {
            seen: HashMap::with_hasher(PreHashed),
            fast: Some(std::collections::hash_map::RandomState::new()),
            version: None,
            files: Vec::new(),
        }
    }

    /// Adds the people of the version being appended to, from its stored `person_id`
    /// pseudonyms (32 hex characters); before any row is observed, as from then on people
    /// are keyed by pseudonym.
    pub fn add_existing<'p>(
        &mut self,
        version: u32,
        pseudonyms: impl IntoIterator<Item = &'p str>,
    ) {
        debug_assert!(self.files.is_empty(), "existing people come first");
        self.fast = None;
        self.version = Some(version);
        for p in pseudonyms {
            if let Some(k) = p.get(..16).and_then(|h| u64::from_str_radix(h, 16).ok()) {
                self.seen.entry(k).or_insert(0);
            }
        }
    }

    /// Starts the next file of the call, of `bytes` bytes. Room for its people is made at
    /// once (a population row is about 100 bytes): growing a set of a million step by step
    /// moves every entry several times, at a cache miss each.
    pub fn start_file(&mut self, name: String, bytes: u64) {
        self.files.push(name);
        self.seen
            .reserve(usize::try_from(bytes / 100).unwrap_or(usize::MAX));
    }

    /// Records a person at `line` of the current file; where they were first seen if not new.
    fn observe(&mut self, key: u64, line: u64) -> Option<u64> {
        // Origin: 0 for the version appended to, else (file index + 1) << 48 | line.
        let origin = ((self.files.len() as u64) << 48) | (line & ((1 << 48) - 1));
        match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(origin);
                None
            }
        }
    }

    /// Why a row repeats the person first seen at `origin`.
    fn reason(&self, origin: u64, what: &str) -> String {
        if origin == 0 {
            return format!(
                "this person is already in population version {}: --append adds people who are not in it yet (to load a new extract of everyone, ingest it without --append)",
                self.version.unwrap_or_default()
            );
        }
        let (file, line) = ((origin >> 48) as usize, origin & ((1 << 48) - 1));
        let place = if file == self.files.len() {
            format!("row {line}")
        } else {
            format!(
                "row {line} of `{}`",
                self.files.get(file - 1).map_or("", String::as_str)
            )
        };
        format!(
            "duplicate person: {place} has the same {what}; a population has one row per person"
        )
    }
}

impl Default for People {
    fn default() -> Self {
        People::new()
    }
}

/// How a person is known for the one-row-per-person rule.
struct PersonRule<'p> {
    people: &'p mut People,
    pseudonyms: Pseudonymiser,
    /// Input columns of `nhs_number` and of its alternative `person_id`.
    nhs: Option<usize>,
    alt: Option<usize>,
}

/// The part of the rules that depends on row order, run on the reader thread so that
/// conversion can be spread over several threads: identifier uniqueness (and, for the
/// population, one row per person), and the file's extract date (the first valid
/// `extract_date`).
pub struct Sequencer<'a> {
    plan: &'a Plan,
    /// The unique identifier field: its input column, rule and name.
    unique: Option<(usize, Unique, &'static str)>,
    person: Option<PersonRule<'a>>,
    seen: IdSets,
    hasher: std::collections::hash_map::RandomState,
    extract_date: Option<Date>,
    /// The last `snapshot_date` as written and as a day number: rows of one snapshot come
    /// together, so most rows repeat it and need no parsing.
    last_snapshot: (Vec<u8>, Option<i32>),
}

impl<'a> Sequencer<'a> {
    /// A sequencer for one file. `people` (with the key its pseudonyms are made with) is the
    /// population version's people so far, for datasets whose person is unique per version.
    pub fn new(plan: &'a Plan, people: Option<(&'a mut People, &PseudonymKey)>) -> Sequencer<'a> {
        let unique = plan
            .steps
            .iter()
            .find(|s| matches!(s.field.unique, Unique::InFile | Unique::PerSnapshot))
            .and_then(|s| Some((s.input?, s.field.unique, s.field.name)));
        let person = plan
            .steps
            .iter()
            .find(|s| s.field.unique == Unique::PerVersion)
            .zip(people)
            .map(|(s, (people, key))| PersonRule {
                people,
                pseudonyms: Pseudonymiser::new(key),
                nhs: s.input,
                alt: s.alt_input,
            });
        Sequencer {
            plan,
            unique,
            person,
            seen: IdSets::default(),
            hasher: std::collections::hash_map::RandomState::new(),
            extract_date: None,
            last_snapshot: (Vec::new(), None),
        }
    }

    /// The file's extract date so far: the first `extract_date` that parsed.
    pub fn extract_date(&self) -> Option<Date> {
        self.extract_date
    }

    /// Records one row (at `line` of the file), in file order; returns the duplicate problem
    /// if it has one.
    pub fn observe(&mut self, line: u64, rec: &ByteRecord) -> Option<Problem> {
        if rec.len() != self.plan.headers.len() {
            return None; // Rejected for its shape; its fields mean nothing.
        }
        if self.extract_date.is_none()
            && let Some(i) = self.plan.idx_extract
        {
            self.extract_date = std::str::from_utf8(&rec[i])
                .ok()
                .and_then(|s| parse_date(s).ok());
        }
        if self.person.is_some() {
            return self.observe_person(line, rec);
        }
        let (input, unique, name) = self.unique?;
        let id = trim(std::str::from_utf8(&rec[input]).ok()?);
        // Blank, over-long or otherwise invalid ids are rejected by their own rule.
        if id.is_empty() || longer_than_64(id) {
            return None;
        }
        let hash = self.hasher.hash_one(id);
        let fresh = match unique {
            Unique::No | Unique::PerVersion => true,
            Unique::InFile => self.seen.in_file.insert(hash),
            Unique::PerSnapshot => {
                let raw = &rec[self.plan.idx_snapshot?];
                if raw != self.last_snapshot.0.as_slice() {
                    let parsed = std::str::from_utf8(raw)
                        .ok()
                        .and_then(|s| vocab::parse_date(s).ok())
                        .map(days);
                    self.last_snapshot.0.clear();
                    self.last_snapshot.0.extend_from_slice(raw);
                    self.last_snapshot.1 = parsed;
                }
                let snap = self.last_snapshot.1?;
                if self.seen.snapshot != Some(snap) {
                    if let Some(prev) = self.seen.snapshot {
                        self.seen.closed_snapshots.insert(prev);
                    }
                    if self.seen.closed_snapshots.contains(&snap) {
                        self.seen.reopened.push(snap);
                    }
                    self.seen.snapshot = Some(snap);
                    self.seen.per_snapshot.clear();
                }
                self.seen.per_snapshot.insert(hash)
            }
        };
        if fresh {
            return None;
        }
        let scope = if unique == Unique::PerSnapshot {
            " in this snapshot"
        } else {
            ""
        };
        Some(Problem {
            column: name.into(),
            value: id.into(),
            reason: format!("duplicate {name}: an earlier row{scope} has the same id"),
        })
    }

    /// One row per person: the row's person, known as ingest will pseudonymise them (the
    /// `nhs_number` if it has one, else `person_id`), against everyone seen so far.
    fn observe_person(&mut self, line: u64, rec: &ByteRecord) -> Option<Problem> {
        let rule = self.person.as_mut()?;
        let text = |i: Option<usize>| {
            let i = i?;
            let t = trim(std::str::from_utf8(&rec[i]).ok()?);
            (!t.is_empty()).then_some((i, t))
        };
        let digits;
        // As the converter chooses: the NHS number when present, else the alternative.
        // (input column, the value pseudonymised, the value as shown in the rejects file)
        let (input, value, shown): (usize, &[u8], String) = match (text(rule.nhs), text(rule.alt)) {
            (Some((i, t)), _) => {
                // An invalid number is rejected by its own rule.
                digits = vocab::NhsNumber::parse(t).ok()?.digits();
                let shown = format!("[redacted: {} characters]", t.chars().count());
                (i, &digits, shown)
            }
            (None, Some((i, t))) if !longer_than_64(t) => (i, t.as_bytes(), t.to_owned()),
            _ => return None,
        };
        let redacted = input != rule.alt.unwrap_or(usize::MAX);
        let key = match &rule.people.fast {
            Some(sip) => sip.hash_one(value),
            None => {
                let hash = rule.pseudonyms.hash("person", value);
                let mut first8 = [0u8; 8];
                first8.copy_from_slice(&hash.as_bytes()[..8]);
                u64::from_be_bytes(first8)
            }
        };
        let origin = rule.people.observe(key, line)?;
        let what = if redacted { "NHS number" } else { "person_id" };
        Some(Problem {
            column: self.plan.headers[input].clone(),
            value: shown,
            reason: rule.people.reason(origin, what),
        })
    }

    /// Warnings about the order of rows (e.g. snapshots whose rows were not together).
    pub fn warnings(&self) -> Vec<String> {
        if self.seen.reopened.is_empty() {
            return Vec::new();
        }
        vec![format!(
            "rows of {} snapshot(s) were not listed together; pathway_id uniqueness was checked within each run of rows",
            self.seen.reopened.len()
        )]
    }
}

/// A hasher for values that are already hashes: the id sets store SipHash values, so
/// hashing them again would only cost time.
#[derive(Default, Clone, Copy)]
struct PreHashed;

impl BuildHasher for PreHashed {
    type Hasher = PassThrough;
    fn build_hasher(&self) -> PassThrough {
        PassThrough(0)
    }
}

struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

impl<'a> Converter<'a> {
    /// A converter for one file.
    pub fn new(plan: &'a Plan, key: &'a PseudonymKey, edition: vocab::IodEdition) -> Converter<'a> {
        Converter {
            plan,
            pseudonyms: Pseudonymiser::new(key),
            edition,
            refdata: RefData::get(),
            vals: vec![Val::Null; plan.columns.len()],
            scratch: String::with_capacity(1024),
            extract_date: None,
            pending_dup: None,
            o_extract: plan.out_index("extract_date"),
            o_snapshot: plan.out_index("snapshot_date"),
            o_rtt_start: plan.out_index("rtt_start_date"),
            o_days: plan.out_index("days_waited"),
            o_shortlisted: plan.out_index("shortlisted"),
            o_appointed: plan.out_index("appointed"),
            o_respondents: plan.out_index("respondents"),
            o_positive: plan.out_index("positive"),
            o_min: plan.out_index("min"),
            o_max: plan.out_index("max"),
        }
    }

    /// Sets the file's extract date as the [`Sequencer`] found it, for the rows that follow.
    pub fn set_extract_date(&mut self, date: Option<Date>) {
        self.extract_date = date;
    }

    /// Converts one record into the row buffer; on failure returns every problem found.
    /// `duplicate` is the [`Sequencer`]'s finding for this record.
    pub fn convert(
        &mut self,
        rec: &ByteRecord,
        duplicate: Option<Problem>,
        problems: &mut Vec<Problem>,
    ) -> bool {
        problems.clear();
        self.pending_dup = duplicate;
        self.scratch.clear();
        if rec.len() != self.plan.headers.len() {
            let mut why = "a truncated row, or an unquoted comma";
            if memchr::memchr2(b'\n', b'\r', rec.as_slice()).is_some() {
                why =
                    "a double quote on this row is probably unbalanced, joining the rows after it";
            }
            problems.push(Problem {
                column: "(row)".into(),
                value: format!("{} fields", rec.len()),
                reason: format!(
                    "row has {} fields but the header has {} ({why})",
                    rec.len(),
                    self.plan.headers.len()
                ),
            });
            return false;
        }
        let plan = self.plan;
        // Validated once for the whole record; see `field_text`.
        let whole = std::str::from_utf8(rec.as_slice()).ok();
        for step in &plan.steps {
            self.run_step(step, rec, whole, problems);
        }
        for &(input, out) in &plan.extras {
            match std::str::from_utf8(&rec[input]) {
                Ok(s) => self.vals[out] = self.push_str(s.trim()),
                Err(_) => problems.push(self.utf8_problem(input, &rec[input])),
            }
        }
        if problems.is_empty() {
            self.cross_rules(problems);
        }
        if !problems.is_empty() && memchr::memchr2(b'\n', b'\r', rec.as_slice()).is_some() {
            problems.push(joined_rows(rec));
        }
        problems.is_empty()
    }

    fn push_str(&mut self, s: &str) -> Val<'a> {
        let a = self.scratch.len() as u32;
        self.scratch.push_str(s);
        Val::Str(a, self.scratch.len() as u32)
    }

    fn utf8_problem(&self, input: usize, raw: &[u8]) -> Problem {
        Problem {
            column: self.plan.headers[input].clone(),
            value: String::from_utf8_lossy(raw).into_owned(),
            reason: "not valid UTF-8: save the file as UTF-8".into(),
        }
    }

    fn run_step(
        &mut self,
        step: &Step,
        rec: &ByteRecord,
        whole: Option<&str>,
        problems: &mut Vec<Problem>,
    ) {
        let field = step.field;
        // Choose the input: the field's own column if it has a value, else its alternative.
        let own = step.input.map(|i| (i, &rec[i]));
        let alt = step.alt_input.map(|i| (i, &rec[i]));
        let blank = |b: &[u8]| b.iter().all(|c| c.is_ascii_whitespace());
        let (input, raw, using_alt) = match (own, alt) {
            (Some((i, r)), _) if !blank(r) => (Some(i), r, false),
            (_, Some((i, r))) if !blank(r) => (Some(i), r, true),
            (Some((i, r)), _) => (Some(i), r, false),
            (None, Some((i, r))) => (Some(i), r, true),
            (None, None) => (None, &b""[..], false),
        };
        let Some(text) = field_text(rec, whole, input) else {
            if let Some(i) = input {
                problems.push(self.utf8_problem(i, raw));
            }
            return;
        };
        let text = trim(text);
        let plan = self.plan;
        let fail = |reason: String, problems: &mut Vec<Problem>| {
            let column = input.map_or(field.name, |i| plan.headers[i].as_str());
            let value = if field.name == "nhs_number" && !using_alt && !text.is_empty() {
                format!("[redacted: {} characters]", text.chars().count())
            } else {
                text.to_owned()
            };
            problems.push(Problem {
                column: column.to_owned(),
                value,
                reason,
            });
        };
        let o = step.out;
        if text.is_empty() {
            let required_value = matches!(
                field.kind,
                Kind::PersonId
                    | Kind::Text
                    | Kind::Date
                    | Kind::AgeOrDob
                    | Kind::Lsoa
                    | Kind::Ods
                    | Kind::TreatmentFunction
                    | Kind::AdmissionMethod
                    | Kind::Icd10
                    | Kind::EventType
                    | Kind::RequiredFlag
                    | Kind::PayBand
                    | Kind::Disability
                    | Kind::Int { .. }
                    | Kind::Choice(_)
                    | Kind::Pseudonym(_)
            ) && field.required;
            if required_value {
                let what = match field.alt {
                    Some(alt) => format!("{} or {alt}", field.name),
                    None => field.name.to_owned(),
                };
                fail(format!("{what} is required but blank"), problems);
                return;
            }
            // Blank in an optional column, or a code whose blank has a meaning. A column
            // absent from the file is null throughout: the engine can then take the value
            // from `population` by person, which a stored "not known" would prevent.
            match field.kind {
                _ if input.is_none() => {
                    for v in &mut self.vals[o..o + step.width] {
                        *v = Val::Null;
                    }
                }
                Kind::Sex => self.vals[o] = Val::Ref("X"),
                Kind::Ethnic => {
                    self.vals[o] = Val::Ref("99");
                    self.vals[o + 1] = Val::Ref(vocab::EthnicGroup::NotKnown.label());
                }
                _ => {
                    for v in &mut self.vals[o..o + step.width] {
                        *v = Val::Null;
                    }
                }
            }
            return;
        }
        match field.kind {
            Kind::PersonId => {
                let digits;
                let value: &[u8] = if using_alt {
                    if longer_than_64(text) {
                        return fail("person_id is longer than 64 characters".into(), problems);
                    }
                    text.as_bytes()
                } else {
                    match vocab::NhsNumber::parse(text) {
                        Ok(n) => {
                            digits = n.digits();
                            &digits
                        }
                        Err(e) => return fail(e.0, problems),
                    }
                };
                let a = self.scratch.len() as u32;
                self.pseudonyms.write("person", value, &mut self.scratch);
                self.vals[o] = Val::Str(a, self.scratch.len() as u32);
                if let Some(dup) = self.pending_dup.take() {
                    problems.push(dup);
                }
            }
            Kind::Pseudonym(domain) => {
                if longer_than_64(text) {
                    return fail(
                        format!("{} is longer than 64 characters", field.name),
                        problems,
                    );
                }
                let a = self.scratch.len() as u32;
                self.pseudonyms
                    .write(domain, text.as_bytes(), &mut self.scratch);
                self.vals[o] = Val::Str(a, self.scratch.len() as u32);
            }
            Kind::Text => {
                if longer_than_64(text) {
                    return fail("longer than 64 characters".into(), problems);
                }
                self.vals[o] = self.push_str(text);
                if let Some(dup) = self.pending_dup.take() {
                    problems.push(dup);
                }
            }
            Kind::Date => match parse_date(text) {
                Ok(d) => self.vals[o] = Val::Date(days(d)),
                Err(e) => fail(e, problems),
            },
            Kind::AgeOrDob | Kind::Age => {
                let age = if using_alt || field.kind == Kind::Age {
                    match text.parse::<i32>() {
                        Ok(a) if (0..=120).contains(&a) => a,
                        _ => {
                            return fail(
                                "expected an age: a whole number from 0 to 120".into(),
                                problems,
                            );
                        }
                    }
                } else {
                    let dob = match parse_date(text) {
                        Ok(d) => d,
                        Err(e) => return fail(e, problems),
                    };
                    let at = self
                        .plan
                        .idx_extract
                        .and_then(|i| std::str::from_utf8(&rec[i]).ok())
                        .and_then(|s| vocab::parse_date(s).ok());
                    let Some(at) = at else {
                        return fail(
                            "age cannot be derived: extract_date is not a valid date".into(),
                            problems,
                        );
                    };
                    if dob > at {
                        return fail("date_of_birth is after extract_date".into(), problems);
                    }
                    match age_at(dob, at) {
                        a if a <= 120 => a,
                        _ => return fail("date_of_birth gives an age over 120".into(), problems),
                    }
                };
                self.vals[o] = Val::I32(age);
                match usize::try_from(age)
                    .ok()
                    .and_then(|a| plan.age_bands.get(a))
                {
                    Some(label) => self.vals[o + 1] = Val::Ref(label),
                    None => fail("expected an age from 0 to 120".into(), problems),
                }
            }
            Kind::Sex => match vocab::Sex::parse(text) {
                Ok(s) => self.vals[o] = Val::Ref(s.code()),
                Err(e) => fail(e.0, problems),
            },
            Kind::Ethnic => match vocab::EthnicCategory::parse(text) {
                Ok(c) => {
                    self.vals[o] = Val::Ref(c.code());
                    self.vals[o + 1] = Val::Ref(c.group().label());
                }
                Err(e) => fail(e.0, problems),
            },
            Kind::Lsoa => {
                let code = match vocab::LsoaCode::parse(text) {
                    Ok(c) => c,
                    Err(e) => return fail(e.0, problems),
                };
                let facts = match self.refdata.resolve(code, self.edition) {
                    Ok(f) => f,
                    Err(e) => return fail(e.to_string(), problems),
                };
                self.vals[o] = self.push_str(code.as_str());
                self.vals[o + 1] = Val::Ref(facts.vintage.label());
                self.vals[o + 2] = Val::Ref(facts.lsoa21.as_str());
                self.vals[o + 3] = Val::I32(i32::from(facts.imd.decile.get()));
                self.vals[o + 4] = Val::I32(i32::from(facts.imd.decile.quintile()));
                self.vals[o + 5] = Val::Ref(facts.imd.edition.label());
                self.vals[o + 6] = Val::Bool(facts.bridged);
                self.vals[o + 7] = Val::Ref(facts.imd.decile.core20().label());
                self.vals[o + 8] = Val::Ref(&facts.la_code);
                self.vals[o + 9] = Val::Ref(&facts.la_name);
                self.vals[o + 10] = Val::Ref(&facts.sub_icb_code);
                self.vals[o + 11] = Val::Ref(&facts.sub_icb_name);
            }
            Kind::Ods => match vocab::OdsCode::parse(text) {
                Ok(c) => self.vals[o] = self.push_str(c.as_str()),
                Err(e) => fail(e.0, problems),
            },
            Kind::Flag | Kind::RequiredFlag => match vocab::Flag::parse(text) {
                Ok(f) => self.vals[o] = f.as_bool().map_or(Val::Null, Val::Bool),
                Err(e) => fail(e.0, problems),
            },
            Kind::TreatmentFunction => match vocab::TreatmentFunction::parse(text) {
                Ok(t) => {
                    let c = t.code();
                    let digits = [
                        b'0' + (c / 100) as u8,
                        b'0' + (c / 10 % 10) as u8,
                        b'0' + (c % 10) as u8,
                    ];
                    self.vals[o] = self.push_str(std::str::from_utf8(&digits).unwrap_or("000"));
                    self.vals[o + 1] = Val::Ref(t.name());
                }
                Err(e) => fail(e.0, problems),
            },
            Kind::Priority => match vocab::Priority::parse(text) {
                Ok(p) => self.vals[o] = p.map_or(Val::Null, |p| Val::Ref(p.code())),
                Err(e) => fail(e.0, problems),
            },
            Kind::AdmissionMethod => match vocab::AdmissionMethod::parse(text) {
                Ok(m) => {
                    self.vals[o] = self.push_str(&m.code());
                    let kind = match m.kind() {
                        vocab::AdmissionMethodKind::Elective => "elective",
                        vocab::AdmissionMethodKind::Emergency => "emergency",
                        vocab::AdmissionMethodKind::Maternity => "maternity",
                        vocab::AdmissionMethodKind::Other => "other",
                    };
                    self.vals[o + 1] = Val::Ref(kind);
                }
                Err(e) => fail(e.0, problems),
            },
            Kind::Icd10 => match vocab::Icd10Code::parse(text) {
                Ok(c) => self.vals[o] = self.push_str(c.as_str()),
                Err(e) => fail(e.0, problems),
            },
            Kind::Opcs4 => match vocab::Opcs4Code::parse(text) {
                Ok(c) => self.vals[o] = self.push_str(c.as_str()),
                Err(e) => fail(e.0, problems),
            },
            Kind::EventType => match vocab::EventType::parse(text) {
                Ok(t) => self.vals[o] = Val::Ref(t.name()),
                Err(e) => fail(e.0, problems),
            },
            Kind::EventValue => {
                // Checked against the event type; an invalid type is reported on its own.
                let ty = self
                    .plan
                    .idx_event_type
                    .and_then(|i| std::str::from_utf8(&rec[i]).ok())
                    .and_then(|s| vocab::EventType::parse(s).ok());
                match ty.map(|t| t.check_value(text)) {
                    Some(Ok(v)) => self.vals[o] = self.push_str(&v),
                    Some(Err(e)) => fail(e.0, problems),
                    None => self.vals[o] = self.push_str(text),
                }
            }
            Kind::PayBand => match vocab::PayBand::parse(text) {
                Ok(b) => {
                    self.vals[o] = Val::Ref(b.code());
                    self.vals[o + 1] = b.cluster().map_or(Val::Null, |c| Val::Ref(c.label()));
                }
                Err(e) => fail(e.0, problems),
            },
            Kind::Disability => match vocab::Disability::parse(text) {
                Ok(d) => self.vals[o] = Val::Ref(d.code()),
                Err(e) => fail(e.0, problems),
            },
            Kind::BoardMember => match vocab::BoardMember::parse(text) {
                Ok(b) => self.vals[o] = b.map_or(Val::Null, |b| Val::Ref(b.code())),
                Err(e) => fail(e.0, problems),
            },
            Kind::Int { min, max } => match text.parse::<i64>() {
                Ok(v) if (min..=max).contains(&v) => self.vals[o] = Val::I64(v),
                _ => fail(
                    format!("expected a whole number from {min} to {max}"),
                    problems,
                ),
            },
            Kind::Number { min, max } => match text.parse::<f64>() {
                Ok(v) if v.is_finite() && v >= min && v <= max => self.vals[o] = Val::F64(v),
                _ => fail(format!("expected a number from {min} to {max}"), problems),
            },
            Kind::Choice(words) => match words.iter().find(|w| w.eq_ignore_ascii_case(text)) {
                Some(w) => self.vals[o] = Val::Ref(w),
                None => fail(format!("expected one of: {}", words.join(", ")), problems),
            },
        }
    }

    /// Rules that span columns, run when every column passed its own rule.
    fn cross_rules(&mut self, problems: &mut Vec<Problem>) {
        let date = |v: Val| if let Val::Date(d) = v { Some(d) } else { None };
        match self.plan.dataset {
            Dataset::Population => {
                let extract = self.o_extract.and_then(|i| date(self.vals[i]));
                if let Some(e) = extract {
                    let e = from_days(e);
                    match self.extract_date {
                        Some(first) if first != e => problems.push(Problem {
                            column: "extract_date".into(),
                            value: e.to_string(),
                            reason: format!(
                                "extract_date must be the same for the whole file (the first row has {first})"
                            ),
                        }),
                        _ => {}
                    }
                }
            }
            Dataset::WaitingList => {
                let (Some(s), Some(r)) = (
                    self.o_snapshot.and_then(|i| date(self.vals[i])),
                    self.o_rtt_start.and_then(|i| date(self.vals[i])),
                ) else {
                    return;
                };
                if r > s {
                    problems.push(Problem {
                        column: "rtt_start_date".into(),
                        value: from_days(r).to_string(),
                        reason: format!(
                            "rtt_start_date is after snapshot_date {}: a clock cannot start after the snapshot",
                            from_days(s)
                        ),
                    });
                    return;
                }
                if let Some(o) = self.o_days {
                    self.vals[o] = Val::I32(s - r);
                    self.vals[o + 1] = Val::F64(f64::from(s - r) / 7.0);
                }
            }
            Dataset::Recruitment => {
                let flag = |i: Option<usize>| i.map(|i| self.vals[i]);
                if let (Some(Val::Bool(false)), Some(Val::Bool(true))) =
                    (flag(self.o_shortlisted), flag(self.o_appointed))
                {
                    problems.push(Problem {
                        column: "appointed".into(),
                        value: "Y".into(),
                        reason: "appointed but not shortlisted: appointed implies shortlisted"
                            .into(),
                    });
                }
            }
            Dataset::StaffSurvey => {
                if let (Some(Val::I64(n)), Some(Val::I64(p))) = (
                    self.o_respondents.map(|i| self.vals[i]),
                    self.o_positive.map(|i| self.vals[i]),
                ) && p > n
                {
                    problems.push(Problem {
                        column: "positive".into(),
                        value: p.to_string(),
                        reason: format!("positive ({p}) is more than respondents ({n})"),
                    });
                }
            }
            Dataset::Quotas => {
                if let (Some(Val::I64(lo)), Some(Val::I64(hi))) = (
                    self.o_min.map(|i| self.vals[i]),
                    self.o_max.map(|i| self.vals[i]),
                ) && lo > hi
                {
                    problems.push(Problem {
                        column: "min".into(),
                        value: lo.to_string(),
                        reason: format!("min ({lo}) is more than max ({hi})"),
                    });
                }
            }
            _ => {}
        }
    }
}

/// The problem of a rejected row with line breaks inside its fields: rows joined by a quote
/// left open (within the limit the reader allows), whose fix is the quote, not the values.
fn joined_rows(rec: &ByteRecord) -> Problem {
    let breaks: u64 = rec.iter().map(crate::source::field_breaks).sum();
    Problem {
        column: "(row)".into(),
        value: format!("{breaks} line break(s) inside quoted values"),
        reason: "a quoted value runs over more than one line: a double quote on this row is probably unbalanced, joining the rows after it".into(),
    }
}

/// Keys for the pseudonyms of one workspace, one per identifier domain (`person`,
/// `staff`, `household`), derived from the workspace key so that equal strings in
/// different domains never share a pseudonym.
pub struct Pseudonymiser {
    keys: Vec<(&'static str, [u8; 32])>,
}

impl Pseudonymiser {
    /// Derives the domain keys: BLAKE3 keyed with the workspace key, over the domain name.
    pub fn new(key: &PseudonymKey) -> Pseudonymiser {
        let keys = ["person", "staff", "household"]
            .into_iter()
            .map(|d| (d, *blake3::keyed_hash(key.bytes(), d.as_bytes()).as_bytes()))
            .collect();
        Pseudonymiser { keys }
    }

    /// The keyed hash a pseudonym is made from.
    fn hash(&self, domain: &str, value: &[u8]) -> blake3::Hash {
        let key = self
            .keys
            .iter()
            .find(|(d, _)| *d == domain)
            .map_or(&self.keys[0].1, |(_, k)| k);
        blake3::keyed_hash(key, value)
    }

    /// Appends the pseudonym of `value` in `domain` to `out`: BLAKE3 keyed with the domain
    /// key, truncated to 128 bits, as 32 lower-case hex characters. Stable within a
    /// workspace, unrelated across workspaces, and not reversible without the key holder
    /// re-hashing their own list of identifiers.
    pub fn write(&self, domain: &str, value: &[u8], out: &mut String) {
        let hash = self.hash(domain, value);
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for b in &hash.as_bytes()[..16] {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

/// A workspace's pseudonyms of a key holder's own identifiers, made exactly as ingest made
/// them, so that `equalis reidentify` can match an original extract to pseudonymised results.
/// The key never leaves this crate.
pub struct Repseudonymiser(Pseudonymiser);

impl Repseudonymiser {
    /// Reads the workspace key, refusing it if it did not make the population's pseudonyms
    /// (every match would silently fail).
    pub fn open(
        ws: &equalis_workspace::Workspace,
    ) -> Result<Self, equalis_workspace::WorkspaceError> {
        let key = ws.key()?;
        if let Some(population) = ws.current_as_recorded(Dataset::Population.name())? {
            ws.check_key_is(&population, &key.fingerprint())?;
        }
        Ok(Self(Pseudonymiser::new(&key)))
    }

    /// The person pseudonym of an NHS number as written in an extract. The error says why the
    /// value is not an NHS number without repeating it.
    pub fn nhs_number(&self, text: &str) -> Result<String, String> {
        let n = vocab::NhsNumber::parse(text).map_err(|e| e.0)?;
        let mut out = String::with_capacity(32);
        self.0.write("person", &n.digits(), &mut out);
        Ok(out)
    }

    /// The household pseudonym of a `household_id` as written in an extract (trimmed, as
    /// ingest trims it); `None` when blank.
    pub fn household(&self, text: &str) -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(32);
        self.0.write("household", text.as_bytes(), &mut out);
        Some(out)
    }
}

/// The pseudonym of `value` in `domain` under the workspace key (see [`Pseudonymiser`]).
pub fn pseudonymise(key: &PseudonymKey, domain: &str, value: &[u8]) -> String {
    let mut out = String::with_capacity(32);
    Pseudonymiser::new(key).write(domain, value, &mut out);
    out
}

/// Field `input` of `rec` as text (empty when the file lacks the column), or `None` if it is
/// not valid UTF-8. `whole` is the record's bytes as text when they are valid UTF-8: a field
/// of valid text that starts and ends on character boundaries is valid itself, so a record is
/// validated once, not field by field (only a record that fails goes field by field, to name
/// the bad column).
fn field_text<'r>(
    rec: &'r ByteRecord,
    whole: Option<&'r str>,
    input: Option<usize>,
) -> Option<&'r str> {
    let Some(i) = input else { return Some("") };
    match whole {
        Some(w) => w.get(rec.range(i)?),
        None => std::str::from_utf8(&rec[i]).ok(),
    }
}

/// `str::trim`, without its Unicode scan when the text starts and ends with a visible ASCII
/// character (nearly every value of an extract): such text has nothing to trim.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Whether text has more than 64 characters; its byte length settles most cases.
fn longer_than_64(s: &str) -> bool {
    s.len() > 64 && s.chars().count() > 64
}

/// Dates equalis accepts: the vocabulary's forms, within 1890–2100 (a year outside that
/// is a typing error, not a fact about a patient).
fn parse_date(s: &str) -> Result<Date, String> {
    let d = vocab::parse_date(s).map_err(|e| e.0)?;
    if !(1890..=2100).contains(&d.year()) {
        return Err(format!("date {d} is outside 1890-2100"));
    }
    Ok(d)
}

const UNIX_EPOCH: Date = jiff::civil::date(1970, 1, 1);

/// Days since 1970-01-01, Arrow's Date32: the proleptic Gregorian day count by eras of
/// 400 years (H. Hinnant, "chrono-compatible low-level date algorithms"), two dates a row
/// being too many for a calendar-aware span. Tested against `jiff` for every day 1890–2100.
pub(crate) fn days(d: Date) -> i32 {
    let (m, day) = (i32::from(d.month()), i32::from(d.day()));
    let y = i32::from(d.year()) - i32::from(m <= 2);
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

pub(crate) fn from_days(n: i32) -> Date {
    UNIX_EPOCH
        .checked_add(jiff::Span::new().days(i64::from(n)))
        .unwrap_or(UNIX_EPOCH)
}

/// Completed years from `dob` to `at`.
fn age_at(dob: Date, at: Date) -> i32 {
    let mut age = i32::from(at.year()) - i32::from(dob.year());
    if (at.month(), at.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with every contract column is planned into exactly the stored columns.
    #[test]
    fn stored_columns_are_what_a_full_file_is_planned_into() {
        for dataset in Dataset::ALL {
            let headers: Vec<String> = dataset.fields().iter().map(|f| f.name.to_owned()).collect();
            let plan = Plan::new(dataset, &headers).unwrap();
            assert_eq!(plan.columns, stored_columns(dataset), "{}", dataset.name());
        }
    }

    #[test]
    fn day_numbers_match_jiff_for_every_day_from_1890_to_2100() {
        let mut d = jiff::civil::date(1890, 1, 1);
        while d.year() <= 2100 {
            let want = d
                .since((jiff::Unit::Day, UNIX_EPOCH))
                .map(|s| s.get_days())
                .unwrap();
            assert_eq!(days(d), want, "{d}");
            assert_eq!(from_days(days(d)), d);
            d = d.tomorrow().unwrap();
        }
        assert_eq!(days(UNIX_EPOCH), 0);
        assert_eq!(days(jiff::civil::date(2000, 3, 1)), 11_017);
    }

    #[test]
    fn trim_skips_only_what_has_nothing_to_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r",
            "\u{a0}X\u{a0}",
            "é",
            " é ",
            "ab",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn a_field_is_text_only_when_its_own_bytes_are() {
        let ok = ByteRecord::from(vec!["abc", "é", ""]);
        let whole = std::str::from_utf8(ok.as_slice()).ok();
        assert!(whole.is_some());
        assert_eq!(field_text(&ok, whole, Some(1)), Some("é"));
        assert_eq!(field_text(&ok, whole, Some(2)), Some(""));
        // "é" split across two fields: the record's bytes are valid text, neither field is.
        let split = ByteRecord::from(vec![&b"a\xC3"[..], &b"\xA9b"[..]]);
        let whole = std::str::from_utf8(split.as_slice()).ok();
        assert!(whole.is_some());
        assert_eq!(field_text(&split, whole, Some(0)), None);
        assert_eq!(field_text(&split, whole, Some(1)), None);
        // An invalid record still yields its valid fields.
        let bad = ByteRecord::from(vec![&b"\xFF"[..], &b"ok"[..]]);
        let whole = std::str::from_utf8(bad.as_slice()).ok();
        assert_eq!(field_text(&bad, whole, Some(0)), None);
        assert_eq!(field_text(&bad, whole, Some(1)), Some("ok"));
        assert_eq!(field_text(&bad, whole, None), Some(""));
    }

    #[test]
    fn length_limit_counts_characters_not_bytes() {
        assert!(!longer_than_64(&"a".repeat(64)));
        assert!(longer_than_64(&"a".repeat(65)));
        assert!(!longer_than_64(&"é".repeat(64)));
        assert!(longer_than_64(&"é".repeat(65)));
    }
}
