//! End-to-end tests of the synthetic ICS: determinism, every value valid under the
//! vocabulary rules, people in the ICB's own LSOAs, and every planted effect visible in
//! the raw files with simple counts.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use equalis_refdata::RefData;
use equalis_synth::{Dataset, SynthConfig, SynthError, generate};
use equalis_vocab::{
    AdmissionMethod, BoardMember, Disability, EthnicCategory, EventType, Flag, Icd10Code,
    IodEdition, LsoaCode, NhsNumber, OdsCode, Opcs4Code, PayBand, Priority, Sex, TreatmentFunction,
    parse_date,
};

fn run(dir: &Path, scale: f64, seed: u64, only: &[Dataset]) -> equalis_synth::Summary {
    let config = SynthConfig {
        icb: "QK1".into(),
        scale,
        seed,
        out: dir.to_owned(),
        only: only.to_vec(),
    };
    generate(&config, &|_| {}).expect("generation succeeds")
}

/// One scale-0.05 run of everything, shared by the tests in this file.
fn shared() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let t = tempfile::tempdir().expect("temp dir");
        let p = t.path().to_owned();
        run(&p, 0.05, 42, &[]);
        (t, p)
    })
    .1
}

/// Reads a CSV into a header index and rows.
fn read(dir: &Path, name: &str) -> (HashMap<String, usize>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(dir.join(format!("{name}.csv"))).expect("file exists");
    let header: HashMap<String, usize> = r
        .headers()
        .expect("header")
        .iter()
        .enumerate()
        .map(|(i, h)| (h.to_owned(), i))
        .collect();
    let rows = r
        .records()
        .map(|x| x.expect("valid CSV").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn hash_dir(dir: &Path) -> String {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    let mut h = blake3::Hasher::new();
    for n in names {
        h.update(n.as_encoded_bytes());
        h.update(&std::fs::read(dir.join(&n)).expect("read"));
    }
    h.finalize().to_hex().to_string()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    let c = tempfile::tempdir().expect("tmp");
    run(a.path(), 0.005, 42, &[]);
    run(b.path(), 0.005, 42, &[]);
    run(c.path(), 0.005, 43, &[]);
    assert_eq!(hash_dir(a.path()), hash_dir(b.path()));
    assert_ne!(hash_dir(a.path()), hash_dir(c.path()));
    // Generating a subset gives the same bytes for that subset: streams are independent.
    let d = tempfile::tempdir().expect("tmp");
    run(d.path(), 0.005, 42, &[Dataset::Staff, Dataset::Events]);
    for f in ["staff.csv", "events.csv"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).expect("a"),
            std::fs::read(d.path().join(f)).expect("d"),
            "{f}"
        );
    }
    assert!(!d.path().join("waiting_list.csv").exists());
}

#[test]
fn every_file_has_the_contract_columns() {
    let dir = shared();
    for d in Dataset::ALL {
        let (h, rows) = read(dir, d.name());
        assert_eq!(h.len(), d.header().len(), "{}", d.name());
        assert!(!rows.is_empty(), "{} has rows", d.name());
    }
    let expect = |name: &str, cols: &[&str]| {
        let (h, _) = read(dir, name);
        for c in cols {
            assert!(h.contains_key(*c), "{name} lacks {c}");
        }
    };
    expect(
        "population",
        &[
            "nhs_number",
            "household_id",
            "date_of_birth",
            "sex",
            "ethnic_category",
            "lsoa_code",
            "gp_practice_code",
            "pcn_code",
            "registration_date",
            "learning_disability",
            "autism",
            "smi",
            "copd",
            "hypertension",
            "diabetes",
            "homeless",
            "carer",
            "armed_forces",
            "refugee_or_asylum_seeker",
            "gypsy_roma_traveller",
            "extract_date",
        ],
    );
    expect(
        "waiting_list",
        &[
            "pathway_id",
            "nhs_number",
            "snapshot_date",
            "provider_code",
            "treatment_function_code",
            "priority",
            "rtt_start_date",
            "age",
            "sex",
            "ethnic_category",
            "lsoa_code",
            "learning_disability",
        ],
    );
    expect(
        "staff",
        &[
            "staff_id",
            "org_code",
            "snapshot_date",
            "staff_group",
            "clinical",
            "pay_band",
            "ethnic_category",
            "disability",
            "sex",
            "age",
            "bank",
            "fte",
            "ordinary_pay",
            "pay_period_days",
            "weekly_hours",
            "bonus_pay_12m",
            "full_pay_relevant",
            "board_member",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("planted_effects.json")).expect("json"),
    )
    .expect("valid JSON");
    assert_eq!(json["effects"].as_array().map(Vec::len), Some(9));
    assert!(
        std::fs::read_to_string(dir.join("README.md"))
            .expect("readme")
            .contains("waiting_list.csv")
    );
}

#[test]
fn population_values_are_valid_and_in_the_icb() {
    let dir = shared();
    let rd = RefData::get();
    let icb_lsoas: HashSet<LsoaCode> = rd.lsoas_in_icb("QK1").iter().map(|g| g.lsoa21).collect();
    let (h, rows) = read(dir, "population");
    let mut seen = HashSet::new();
    let mut households: HashMap<String, String> = HashMap::new();
    let mut missing_eth = 0;
    let mut sex_x = 0;
    let mut core20 = 0;
    for r in &rows {
        let nhs = NhsNumber::parse(&r[h["nhs_number"]]).expect("nhs number");
        assert!(r[h["nhs_number"]].starts_with('9'));
        assert!(seen.insert(nhs), "NHS numbers are unique");
        let dob = parse_date(&r[h["date_of_birth"]]).expect("dob");
        let reg = parse_date(&r[h["registration_date"]]).expect("registration");
        assert!(reg >= dob);
        if Sex::parse(&r[h["sex"]]).expect("sex") == Sex::NotKnown {
            sex_x += 1;
        }
        let eth = EthnicCategory::parse(&r[h["ethnic_category"]]).expect("eth");
        if matches!(eth, EthnicCategory::Z | EthnicCategory::NotKnown) {
            missing_eth += 1;
        }
        let lsoa = LsoaCode::parse(&r[h["lsoa_code"]]).expect("lsoa");
        assert!(icb_lsoas.contains(&lsoa), "{lsoa} in QK1");
        let facts = rd.resolve(lsoa, IodEdition::Iod2025).expect("resolves");
        if facts.imd.decile.get() <= 2 {
            core20 += 1;
        }
        OdsCode::parse(&r[h["gp_practice_code"]]).expect("practice");
        OdsCode::parse(&r[h["pcn_code"]]).expect("pcn");
        for c in [
            "learning_disability",
            "autism",
            "smi",
            "copd",
            "hypertension",
            "diabetes",
            "homeless",
            "carer",
            "armed_forces",
            "refugee_or_asylum_seeker",
            "gypsy_roma_traveller",
        ] {
            Flag::parse(&r[h[c]]).expect("flag");
        }
        assert_eq!(r[h["extract_date"]], "2026-03-31");
        // A household lives in one LSOA.
        let hh = households
            .entry(r[h["household_id"]].clone())
            .or_insert_with(|| r[h["lsoa_code"]].clone());
        assert_eq!(*hh, r[h["lsoa_code"]]);
    }
    let n = rows.len() as f64;
    // Scale 0.05 of LLR's ≈1.1 million.
    assert!((50_000.0..62_000.0).contains(&n), "{n}");
    let miss = f64::from(missing_eth) / n;
    assert!((0.03..0.12).contains(&miss), "missing ethnicity {miss}");
    assert!(f64::from(sex_x) / n < 0.005);
    // LLR: Leicester city makes roughly a fifth of the ICB Core20.
    let c20 = f64::from(core20) / n;
    assert!((0.12..0.35).contains(&c20), "Core20 share {c20}");
    let sizes = rows.len() as f64 / households.len() as f64;
    assert!((1.8..3.2).contains(&sizes), "mean household size {sizes}");
    let practices: HashSet<&str> = rows
        .iter()
        .map(|r| r[h["gp_practice_code"]].as_str())
        .collect();
    assert!(
        (90..150).contains(&practices.len()),
        "{} practices",
        practices.len()
    );
}

/// IMD decile of an LSOA code string.
fn decile(lsoa: &str) -> u8 {
    let code = LsoaCode::parse(lsoa).expect("lsoa");
    RefData::get()
        .resolve(code, IodEdition::Iod2025)
        .expect("resolves")
        .imd
        .decile
        .get()
}

#[test]
fn waiting_list_is_a_valid_persistent_queue() {
    let dir = shared();
    let (h, rows) = read(dir, "waiting_list");
    let mut per_snapshot: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut starts: HashMap<&str, &str> = HashMap::new();
    let mut providers = HashSet::new();
    let mut priorities: HashMap<&str, usize> = HashMap::new();
    for r in &rows {
        let snap = parse_date(&r[h["snapshot_date"]]).expect("snapshot");
        let start = parse_date(&r[h["rtt_start_date"]]).expect("start");
        assert!(start <= snap);
        assert_eq!(snap.weekday(), jiff_weekday_sunday());
        NhsNumber::parse(&r[h["nhs_number"]]).expect("nhs");
        OdsCode::parse(&r[h["provider_code"]]).expect("provider");
        providers.insert(r[h["provider_code"]].as_str());
        TreatmentFunction::parse(&r[h["treatment_function_code"]]).expect("tf");
        Priority::parse(&r[h["priority"]]).expect("priority");
        *priorities.entry(r[h["priority"]].as_str()).or_default() += 1;
        r[h["age"]].parse::<u8>().expect("age");
        Sex::parse(&r[h["sex"]]).expect("sex");
        EthnicCategory::parse(&r[h["ethnic_category"]]).expect("eth");
        LsoaCode::parse(&r[h["lsoa_code"]]).expect("lsoa");
        Flag::parse(&r[h["learning_disability"]]).expect("ld");
        let id = r[h["pathway_id"]].as_str();
        assert!(
            per_snapshot
                .entry(r[h["snapshot_date"]].as_str())
                .or_default()
                .insert(id),
            "pathway id unique within a snapshot"
        );
        // A pathway keeps its clock start.
        assert_eq!(
            *starts.entry(id).or_insert(&r[h["rtt_start_date"]]),
            r[h["rtt_start_date"]]
        );
    }
    assert!(per_snapshot.len() >= 104, "two years of weekly snapshots");
    assert!(providers.len() >= 3);
    let p4 = priorities["P4"] as f64 / rows.len() as f64;
    assert!(p4 > 0.4, "mostly P4: {p4}");
    assert!(priorities.contains_key(""), "some blank priorities");
    // List size ≈ 13% of the population per snapshot.
    let (_, pop) = read(dir, "population");
    let per_week = rows.len() as f64 / per_snapshot.len() as f64;
    let share = per_week / pop.len() as f64;
    assert!((0.10..0.17).contains(&share), "list share {share}");
    // Pathways persist: most of one week's list is on the next.
    let mut weeks: Vec<&&str> = per_snapshot.keys().collect();
    weeks.sort();
    let (a, b) = (&per_snapshot[*weeks[50]], &per_snapshot[*weeks[51]]);
    let kept = a.intersection(b).count() as f64 / a.len() as f64;
    assert!((0.85..0.99).contains(&kept), "kept {kept}");
}

fn jiff_weekday_sunday() -> jiff::civil::Weekday {
    jiff::civil::Weekday::Sunday
}

/// Mean weeks waited of Core20 ÷ not Core20 for a provider over a range of snapshots.
fn wait_ratio(dir: &Path, provider: &str, weeks: std::ops::Range<usize>) -> f64 {
    let (h, rows) = read(dir, "waiting_list");
    let mut snaps: Vec<&str> = rows
        .iter()
        .map(|r| r[h["snapshot_date"]].as_str())
        .collect();
    snaps.sort();
    snaps.dedup();
    let keep: HashSet<&str> = snaps[weeks].iter().copied().collect();
    let mut deciles: HashMap<&str, u8> = HashMap::new();
    let (mut sum, mut n) = ([0.0f64; 2], [0.0f64; 2]);
    for r in rows.iter().filter(|r| r[h["provider_code"]] == provider) {
        if !keep.contains(r[h["snapshot_date"]].as_str()) {
            continue;
        }
        let lsoa = r[h["lsoa_code"]].as_str();
        let d = *deciles.entry(lsoa).or_insert_with(|| decile(lsoa));
        let snap = parse_date(&r[h["snapshot_date"]]).expect("date");
        let start = parse_date(&r[h["rtt_start_date"]]).expect("date");
        let weeks = (snap - start).get_days() as f64 / 7.0;
        let g = usize::from(d <= 2);
        sum[g] += weeks;
        n[g] += 1.0;
    }
    (sum[1] / n[1]) / (sum[0] / n[0])
}

#[test]
fn planted_waiting_list_effects_are_visible() {
    let dir = shared();
    let main = wait_ratio(dir, "RWE", 0..104);
    eprintln!("RWE Core20 wait ratio {main:.3}");
    assert!((1.2..1.5).contains(&main), "RWE ratio {main}");
    let early = wait_ratio(dir, "RLT", 0..13);
    let late = wait_ratio(dir, "RLT", 91..104);
    eprintln!("RLT Core20 wait ratio early {early:.3} late {late:.3}");
    assert!(early > late + 0.2, "narrowing: {early} then {late}");
    assert!((1.3..2.0).contains(&early), "{early}");
    assert!((0.9..1.3).contains(&late), "{late}");
    let none = wait_ratio(dir, "RNS", 0..104);
    eprintln!("RNS Core20 wait ratio {none:.3}");
    assert!((0.85..1.15).contains(&none), "no effect at RNS: {none}");
}

/// Population rows keyed by NHS number: (IMD decile, row).
fn people(dir: &Path) -> (HashMap<String, usize>, HashMap<String, Vec<String>>) {
    let (h, rows) = read(dir, "population");
    let map = rows
        .into_iter()
        .map(|r| (r[h["nhs_number"]].clone(), r))
        .collect();
    (h, map)
}

#[test]
fn admissions_and_events_are_valid() {
    let dir = shared();
    let (_, pop) = people(dir);
    let (h, rows) = read(dir, "admissions");
    let mut ids = HashSet::new();
    for r in &rows {
        assert!(ids.insert(r[h["spell_id"]].clone()), "spell ids unique");
        assert!(
            pop.contains_key(&r[h["nhs_number"]]),
            "admitted person is registered"
        );
        parse_date(&r[h["admission_date"]]).expect("date");
        AdmissionMethod::parse(&r[h["admission_method"]]).expect("method");
        Icd10Code::parse(&r[h["primary_diagnosis"]]).expect("icd10");
        if !r[h["primary_procedure"]].is_empty() {
            Opcs4Code::parse(&r[h["primary_procedure"]]).expect("opcs");
        }
        OdsCode::parse(&r[h["provider_code"]]).expect("provider");
    }
    let (h, rows) = read(dir, "events");
    let mut kinds = HashSet::new();
    for r in &rows {
        assert!(pop.contains_key(&r[h["nhs_number"]]));
        parse_date(&r[h["event_date"]]).expect("date");
        let e = EventType::parse(&r[h["event_type"]]).expect("event type");
        e.check_value(&r[h["value"]]).expect("value");
        kinds.insert(e);
    }
    assert_eq!(kinds.len(), EventType::ALL.len(), "every event type occurs");
}

#[test]
fn planted_health_effects_are_visible() {
    let dir = shared();
    let (ph, pop) = people(dir);
    let d = |nhs: &str| decile(&pop[nhs][ph["lsoa_code"]]);
    // SMI health checks in FY 2025/26: Core20 vs not.
    let (eh, events) = read(dir, "events");
    let checked: HashSet<&str> = events
        .iter()
        .filter(|r| {
            r[eh["event_type"]] == "smi_health_check"
                && r[eh["event_date"]].as_str() >= "2025-04-01"
        })
        .map(|r| r[eh["nhs_number"]].as_str())
        .collect();
    let (mut reg, mut chk) = ([0.0f64; 2], [0.0f64; 2]);
    for (nhs, r) in &pop {
        if r[ph["smi"]] == "Y" {
            let g = usize::from(d(nhs) <= 2);
            reg[g] += 1.0;
            chk[g] += f64::from(u8::from(checked.contains(nhs.as_str())));
        }
    }
    let ratio = (chk[1] / reg[1]) / (chk[0] / reg[0]);
    eprintln!(
        "SMI check uptake Core20 {:.3} other {:.3} ratio {ratio:.3} (register {reg:?})",
        chk[1] / reg[1],
        chk[0] / reg[0]
    );
    assert!((0.45..0.85).contains(&ratio), "{ratio}");
    // COPD emergency admissions per register patient, quintile 1 vs 5.
    let (ah, adm) = read(dir, "admissions");
    let mut copd_adm: HashMap<&str, f64> = HashMap::new();
    for r in &adm {
        let dx = Icd10Code::parse(&r[ah["primary_diagnosis"]]).expect("icd");
        let emergency = r[ah["admission_method"]].starts_with('2');
        if emergency && dx.in_range("J40", "J44") {
            *copd_adm.entry(r[ah["nhs_number"]].as_str()).or_default() += 1.0;
        }
    }
    let (mut n, mut a) = ([0.0f64; 6], [0.0f64; 6]);
    for (nhs, r) in &pop {
        if r[ph["copd"]] == "Y" {
            let q = usize::from(d(nhs).div_ceil(2));
            n[q] += 1.0;
            a[q] += copd_adm.get(nhs.as_str()).copied().unwrap_or(0.0);
        }
    }
    let ratio = (a[1] / n[1]) / (a[5] / n[5]);
    eprintln!("COPD admissions per patient Q1/Q5 {ratio:.3}");
    assert!((1.4..2.8).contains(&ratio), "{ratio}");
}

#[test]
fn planted_dental_gradient_is_visible_at_half_scale() {
    let t = tempfile::tempdir().expect("tmp");
    run(
        t.path(),
        0.5,
        42,
        &[Dataset::Population, Dataset::Admissions],
    );
    let (ph, pop) = people(t.path());
    let mut children = [0.0f64; 6];
    for r in pop.values() {
        // Aged 0-9 at the middle of the window.
        let dob = parse_date(&r[ph["date_of_birth"]]).expect("dob");
        let age_mid = (parse_date("2025-04-01").expect("d") - dob).get_days() as f64 / 365.25;
        if (0.0..10.0).contains(&age_mid) {
            children[usize::from(decile(&r[ph["lsoa_code"]]).div_ceil(2))] += 1.0;
        }
    }
    let (ah, adm) = read(t.path(), "admissions");
    let mut ext = [0.0f64; 6];
    for r in &adm {
        let p = &r[ah["primary_procedure"]];
        if p.starts_with("F09") || p.starts_with("F10") {
            let person = &pop[&r[ah["nhs_number"]]];
            ext[usize::from(decile(&person[ph["lsoa_code"]]).div_ceil(2))] += 1.0;
        }
    }
    let ratio = (ext[1] / children[1]) / (ext[5] / children[5]);
    eprintln!("dental extractions Q1/Q5 {ratio:.3} ({:?})", ext);
    assert!((2.5..5.0).contains(&ratio), "{ratio}");
}

#[test]
fn workforce_values_are_valid() {
    let dir = shared();
    let (h, rows) = read(dir, "staff");
    let mut ids = HashSet::new();
    let mut orgs = HashSet::new();
    let mut snaps = HashSet::new();
    let mut board = 0;
    for r in &rows {
        ids.insert(r[h["staff_id"]].clone());
        orgs.insert(r[h["org_code"]].clone());
        snaps.insert(r[h["snapshot_date"]].clone());
        OdsCode::parse(&r[h["org_code"]]).expect("org");
        parse_date(&r[h["snapshot_date"]]).expect("date");
        assert!(!r[h["staff_group"]].is_empty());
        Flag::parse(&r[h["clinical"]]).expect("clinical");
        PayBand::parse(&r[h["pay_band"]]).expect("band");
        EthnicCategory::parse(&r[h["ethnic_category"]]).expect("eth");
        Disability::parse(&r[h["disability"]]).expect("disability");
        Sex::parse(&r[h["sex"]]).expect("sex");
        r[h["age"]].parse::<u8>().expect("age");
        Flag::parse(&r[h["bank"]]).expect("bank");
        let fte: f64 = r[h["fte"]].parse().expect("fte");
        assert!((0.0..=2.0).contains(&fte));
        let pay: f64 = r[h["ordinary_pay"]].parse().expect("pay");
        assert!(pay > 0.0);
        r[h["pay_period_days"]].parse::<u8>().expect("days");
        let hours: f64 = r[h["weekly_hours"]].parse().expect("hours");
        assert!(hours > 0.0);
        r[h["bonus_pay_12m"]].parse::<f64>().expect("bonus");
        Flag::parse(&r[h["full_pay_relevant"]]).expect("fpr");
        if BoardMember::parse(&r[h["board_member"]])
            .expect("board")
            .is_some()
        {
            board += 1;
        }
    }
    assert!(orgs.len() >= 4);
    assert_eq!(snaps.len(), 8);
    assert!(board > 0);
    let (rh, rec) = read(dir, "recruitment");
    let mut app_ids = HashSet::new();
    for r in &rec {
        assert!(app_ids.insert(r[rh["application_id"]].clone()));
        EthnicCategory::parse(&r[rh["ethnic_category"]]).expect("eth");
        Disability::parse(&r[rh["disability"]]).expect("dis");
        Sex::parse(&r[rh["sex"]]).expect("sex");
        let s = Flag::parse(&r[rh["shortlisted"]]).expect("flag");
        let a = Flag::parse(&r[rh["appointed"]]).expect("flag");
        assert!(
            a != Flag::Yes || s == Flag::Yes,
            "appointed implies shortlisted"
        );
        parse_date(&r[rh["decision_date"]]).expect("date");
    }
    let (eh, er) = read(dir, "employee_relations");
    let mut case_ids = HashSet::new();
    for r in &er {
        assert!(case_ids.insert(r[eh["case_id"]].clone()));
        assert!(
            ids.contains(&r[eh["staff_id"]]),
            "case for a known member of staff"
        );
        assert!(["disciplinary", "capability"].contains(&r[eh["process"]].as_str()));
        parse_date(&r[eh["start_date"]]).expect("date");
    }
    let (th, tr) = read(dir, "training");
    for r in &tr {
        assert!(ids.contains(&r[th["staff_id"]]));
        parse_date(&r[th["date"]]).expect("date");
    }
    let (sh, sv) = read(dir, "staff_survey");
    for r in &sv {
        let gt = r[sh["group_type"]].as_str();
        let g = r[sh["group"]].as_str();
        assert!(
            (gt == "ethnicity" && ["White", "BME"].contains(&g))
                || (gt == "disability" && ["Disabled", "Non-disabled"].contains(&g))
        );
        let n: u64 = r[sh["respondents"]].parse().expect("n");
        let p: u64 = r[sh["positive"]].parse().expect("p");
        assert!(p <= n);
    }
}

/// Hourly pay of full-pay relevant, non-bank staff at an org on a snapshot, by sex.
fn mean_pay_gap(dir: &Path, org: &str, snap: &str) -> f64 {
    let (h, rows) = read(dir, "staff");
    let (mut sum, mut n) = ([0.0f64; 2], [0.0f64; 2]);
    for r in rows
        .iter()
        .filter(|r| r[h["org_code"]] == org && r[h["snapshot_date"]] == snap)
    {
        if r[h["full_pay_relevant"]] != "Y" || r[h["bank"]] == "Y" {
            continue;
        }
        let pay: f64 = r[h["ordinary_pay"]].parse().expect("pay");
        let days: f64 = r[h["pay_period_days"]].parse().expect("days");
        let hours: f64 = r[h["weekly_hours"]].parse().expect("hours");
        let hourly = pay * 7.0 / days / hours;
        let g = usize::from(r[h["sex"]] == "2");
        sum[g] += hourly;
        n[g] += 1.0;
    }
    let (male, female) = (sum[0] / n[0], sum[1] / n[1]);
    (male - female) / male * 100.0
}

#[test]
fn planted_workforce_effects_are_visible() {
    let dir = shared();
    // WRES 2 at RWE from the shared scale-0.05 run.
    let (rh, rec) = read(dir, "recruitment");
    let rl = |org: &str| {
        let (mut s, mut a) = ([0.0f64; 2], [0.0f64; 2]);
        for r in rec
            .iter()
            .filter(|r| r[rh["org_code"]] == org && r[rh["shortlisted"]] == "Y")
        {
            let Some(bme) = EthnicCategory::parse(&r[rh["ethnic_category"]])
                .expect("eth")
                .is_bme()
            else {
                continue;
            };
            let g = usize::from(bme);
            s[g] += 1.0;
            a[g] += f64::from(u8::from(r[rh["appointed"]] == "Y"));
        }
        (a[0] / s[0]) / (a[1] / s[1])
    };
    let (rwe, rt5) = (rl("RWE"), rl("RT5"));
    eprintln!("WRES 2 RWE {rwe:.3} RT5 {rt5:.3}");
    assert!((1.3..2.0).contains(&rwe), "{rwe}");
    assert!((0.7..1.4).contains(&rt5), "{rt5}");
    // The planted pay gap shows even at scale 0.05.
    let gap = mean_pay_gap(dir, "RWE", "2026-03-31");
    eprintln!("mean gender pay gap RWE at scale 0.05: {gap:.1}%");
    assert!((15.0..30.0).contains(&gap), "{gap}");

    // WRES 3 needs more staff: the workforce alone at scale 1 is quick.
    let t = tempfile::tempdir().expect("tmp");
    run(
        t.path(),
        1.0,
        42,
        &[Dataset::Staff, Dataset::EmployeeRelations],
    );
    let (sh, staff) = read(t.path(), "staff");
    let mut bme_of: HashMap<String, Option<bool>> = HashMap::new();
    let mut head = [0.0f64; 2];
    for r in staff.iter().filter(|r| r[sh["org_code"]] == "RWE") {
        let b = EthnicCategory::parse(&r[sh["ethnic_category"]])
            .expect("eth")
            .is_bme();
        bme_of.insert(r[sh["staff_id"]].clone(), b);
        if let Some(b) = b {
            // Average headcount over the eight snapshots.
            head[usize::from(b)] += 1.0 / 8.0;
        }
    }
    let (eh, er) = read(t.path(), "employee_relations");
    let mut cases = [0.0f64; 2];
    for r in er
        .iter()
        .filter(|r| r[eh["org_code"]] == "RWE" && r[eh["process"]] == "disciplinary")
    {
        if let Some(Some(b)) = bme_of.get(&r[eh["staff_id"]]) {
            cases[usize::from(*b)] += 1.0;
        }
    }
    let rl3 = (cases[1] / head[1]) / (cases[0] / head[0]);
    eprintln!("WRES 3 RWE {rl3:.3} ({cases:?})");
    assert!((1.6..2.9).contains(&rl3), "{rl3}");
    // Gender pay gap: RWE's is planted on top of the composition effect every trust has.
    let gap1 = mean_pay_gap(t.path(), "RWE", "2026-03-31");
    let gap_rt5 = mean_pay_gap(t.path(), "RT5", "2026-03-31");
    eprintln!("mean gender pay gap at scale 1: RWE {gap1:.1}% RT5 {gap_rt5:.1}%");
    assert!((18.0..26.0).contains(&gap1), "{gap1}");
    assert!(gap1 > gap_rt5 + 4.0, "{gap1} vs {gap_rt5}");
}

#[test]
fn volunteers_are_skewed_and_quotas_feasible() {
    let dir = shared();
    let (vh, vol) = read(dir, "volunteers");
    let mut hh: HashMap<&str, usize> = HashMap::new();
    let mut old = 0.0;
    for r in &vol {
        *hh.entry(r[vh["household_id"]].as_str()).or_default() += 1;
        if r[vh["age_band"]] == "65+" {
            old += 1.0;
        }
    }
    assert!(
        hh.values().any(|&n| n > 1),
        "some volunteers share a household"
    );
    let (qh, quotas) = read(dir, "quotas");
    let mut by_feature: HashMap<&str, (u64, u64)> = HashMap::new();
    for r in &quotas {
        let min: u64 = r[qh["min"]].parse().expect("min");
        let max: u64 = r[qh["max"]].parse().expect("max");
        assert!(min <= max);
        let e = by_feature.entry(r[qh["feature"]].as_str()).or_default();
        e.0 += min;
        e.1 += max;
    }
    assert_eq!(by_feature.len(), 6);
    // One vocabulary: the features are named as `equalis panel quotas` names them, so its
    // quotas fit these volunteers (issue 21: `ethnicity` here, `ethnic_group` there).
    for f in by_feature.keys() {
        let named = equalis_refdata::PanelFeature::parse(f).map(|p| p.name());
        assert_eq!(named, Some(*f), "{f}");
        assert!(vh.contains_key(*f), "{f} is a volunteers column");
    }
    for (f, (lo, hi)) in by_feature {
        assert!(
            lo <= 40 && hi >= 40,
            "{f} quotas feasible for a panel of 40"
        );
    }
    // Over-65s are about a fifth of adults; they are over-represented among volunteers.
    let q65 = quotas
        .iter()
        .find(|r| r[qh["value"]] == "65+")
        .map(|r| r[qh["max"]].parse::<f64>().expect("max"))
        .expect("65+ quota");
    assert!(
        old / vol.len() as f64 > q65 / 40.0 * 0.9,
        "older people volunteer more"
    );
}

#[test]
fn bad_input_is_a_clear_error() {
    let t = tempfile::tempdir().expect("tmp");
    let config = SynthConfig {
        icb: "QZZ".into(),
        scale: 0.01,
        seed: 1,
        out: t.path().to_owned(),
        only: vec![],
    };
    let err = generate(&config, &|_| {}).expect_err("unknown ICB");
    assert!(matches!(err, SynthError::UnknownIcb { .. }));
    let msg = err.to_string();
    assert!(msg.contains("QZZ") && msg.contains("QK1"), "{msg}");
    let config = SynthConfig {
        icb: "QK1".into(),
        scale: -1.0,
        ..config
    };
    assert!(matches!(
        generate(&config, &|_| {}),
        Err(SynthError::BadScale(_))
    ));
}

#[test]
fn another_icb_works() {
    let t = tempfile::tempdir().expect("tmp");
    let s = generate(
        &SynthConfig {
            icb: "E54000048".into(),
            scale: 0.002,
            seed: 7,
            out: t.path().to_owned(),
            only: vec![Dataset::Population, Dataset::Staff],
        },
        &|_| {},
    )
    .expect("any ICB works");
    assert!(s.people > 0);
    let (h, rows) = read(t.path(), "population");
    let lsoas: HashSet<LsoaCode> = RefData::get()
        .lsoas_in_icb(&s.icb)
        .iter()
        .map(|g| g.lsoa21)
        .collect();
    for r in &rows {
        assert!(lsoas.contains(&LsoaCode::parse(&r[h["lsoa_code"]]).expect("lsoa")));
    }
}

#[test]
fn planted_md_documents_every_effect() {
    let md = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("PLANTED.md"))
        .expect("PLANTED.md");
    for e in equalis_synth::planted::effects("RWE", "RLT", "RWE") {
        assert!(md.contains(e.id), "PLANTED.md documents {}", e.id);
    }
}
