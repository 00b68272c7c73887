//! The outreach cohort and the GP registration gap on a tiny hand-made ICS, computed through
//! the real door (ingest) and the whole compute, against figures worked out by hand and from
//! the reference data independently.

mod common {
    pub mod outreach_fixture;
}

use common::outreach_fixture::{self as fx, AFFLUENT_LSOA, CORE20_LSOA};
use datafusion::arrow::array::{Array, Float64Array, Int64Array, RecordBatch, StringArray};
use equalis_engine::{ComputeOptions, EngineError, compute, compute_async};
use equalis_ingest::{Dataset, Options, Repseudonymiser, ingest};
use equalis_refdata::RefData;
use equalis_vocab::LsoaCode;
use equalis_workspace::Workspace;

fn workspace() -> (tempfile::TempDir, Workspace, fx::Files) {
    let tmp = tempfile::tempdir().unwrap();
    let files = fx::write(tmp.path());
    let ws = Workspace::init(&tmp.path().join("ws")).unwrap();
    for (dataset, path) in [
        (Dataset::Population, &files.population),
        (Dataset::Admissions, &files.admissions),
        (Dataset::WaitingList, &files.waiting_list),
        (Dataset::Events, &files.events),
    ] {
        let r = ingest(
            &ws,
            dataset,
            std::slice::from_ref(path),
            &Options::default(),
            &|_| {},
        )
        .unwrap();
        assert_eq!(
            r.rejected(),
            0,
            "{:?}",
            r.rejects_file.map(std::fs::read_to_string)
        );
    }
    (tmp, ws, files)
}

fn options() -> ComputeOptions {
    ComputeOptions {
        pairs: false,
        sii_repetitions: 100,
        ..ComputeOptions::default()
    }
}

fn strings(b: &RecordBatch, name: &str) -> Vec<String> {
    let a = b
        .column_by_name(name)
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap();
    (0..a.len()).map(|i| a.value(i).to_owned()).collect()
}

fn floats(b: &RecordBatch, name: &str) -> Vec<f64> {
    let a = b
        .column_by_name(name)
        .unwrap()
        .as_any()
        .downcast_ref::<Float64Array>()
        .unwrap();
    (0..a.len()).map(|i| a.value(i)).collect()
}

fn ints(b: &RecordBatch, name: &str) -> Vec<Option<i64>> {
    let a = b
        .column_by_name(name)
        .unwrap()
        .as_any()
        .downcast_ref::<Int64Array>()
        .unwrap();
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i)))
        .collect()
}

fn table(ws: &Workspace, name: &str) -> RecordBatch {
    let (_, batches) = equalis_results::read_table_named(ws.root(), name).unwrap();
    datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap()
}

#[test]
fn cohort_and_registration_gap_match_hand_computation() {
    let (_tmp, ws, files) = workspace();
    let summary = compute(&ws, &options(), &|_| {}).unwrap();
    assert!(
        summary
            .steps
            .iter()
            .any(|s| s.id == "outreach cohort" && s.rows == 3)
    );

    // ---- outreach: the households and scores worked out in the fixture.
    let cohort = table(&ws, "outreach");
    let pseudonyms = Repseudonymiser::open(&ws).unwrap();
    let hh_a = pseudonyms.household("HH-A").unwrap();
    let hh_b = pseudonyms.household("HH-B").unwrap();
    let alone = format!("person:{}", pseudonyms.nhs_number(&files.nhs[2]).unwrap());
    assert_eq!(strings(&cohort, "household_id"), [hh_a, alone, hh_b]);
    assert_eq!(floats(&cohort, "score"), [15.0, 4.0, 3.0]);
    assert_eq!(ints(&cohort, "rank"), [Some(1), Some(2), Some(3)]);
    assert_eq!(ints(&cohort, "members"), [Some(2), Some(1), Some(3)]);
    assert_eq!(ints(&cohort, "emergency_admissions")[0], Some(2));
    assert_eq!(ints(&cohort, "long_waiters"), [Some(1), Some(0), Some(0)]);
    assert_eq!(
        strings(&cohort, "reasons")[0],
        "Core20 area; 1 person experiencing homelessness; 1 carer; 1 person on the SMI register; \
         1 person on the diabetes register; 2 emergency admissions in the last 12 months; \
         1 person waiting over 52 weeks"
    );

    // ---- registration gap: ONS bands summed here from the single years of age.
    let results = equalis_results::read_results(ws.root()).unwrap();
    assert!(
        results
            .metadata
            .indicators
            .contains_key("gp_registration_gap")
    );
    let syoa = RefData::get()
        .population_lsoa21_syoa(LsoaCode::parse(CORE20_LSOA).unwrap())
        .unwrap();
    let ranges = [
        (0, 5),
        (5, 18),
        (18, 25),
        (25, 45),
        (45, 65),
        (65, 85),
        (85, 91),
    ];
    let labels = ["0-4", "5-17", "18-24", "25-44", "45-64", "65-84", "85+"];
    let registered = fx::registered_by_band(CORE20_LSOA);
    for (k, (lo, hi)) in ranges.iter().enumerate() {
        let ons = syoa[*lo..*hi].iter().sum::<f64>().round();
        let row = results
            .analyst()
            .indicators
            .iter()
            .find(|r| {
                r.indicator_id == "gp_registration_gap"
                    && r.breakdown == "lsoa x age_band"
                    && r.group.starts_with(CORE20_LSOA)
                    && r.group.ends_with(&format!(" x {}", labels[k]))
            })
            .unwrap();
        assert_eq!(row.numerator, Some(ons), "{}", labels[k]);
        assert_eq!(row.denominator, Some(registered[k] as f64), "{}", labels[k]);
        let unregistered = ons - registered[k] as f64;
        assert!((row.value.unwrap() - unregistered / ons * 100.0).abs() < 1e-9);
    }
    // The per-LSOA table: every LSOA of the ICB, decile 1 first, and the two fixture LSOAs
    // with their whole-area figures.
    let gap = table(&ws, "registration_gap");
    let n_icb = RefData::get().lsoas_in_icb("QK1").len();
    assert!(n_icb > 500);
    assert_eq!(gap.num_rows(), n_icb);
    let codes = strings(&gap, "lsoa21_code");
    for lsoa in [CORE20_LSOA, AFFLUENT_LSOA] {
        let i = codes.iter().position(|c| c == lsoa).unwrap();
        let ons: f64 = RefData::get()
            .population_lsoa21_syoa(LsoaCode::parse(lsoa).unwrap())
            .unwrap()
            .iter()
            .sum::<f64>()
            .round();
        let reg: u64 = fx::registered_by_band(lsoa).iter().sum();
        assert_eq!(ints(&gap, "registered")[i], Some(reg as i64));
        assert_eq!(ints(&gap, "unregistered")[i], Some(ons as i64 - reg as i64));
    }
    let deciles = gap
        .column_by_name("imd_decile")
        .unwrap()
        .as_any()
        .downcast_ref::<datafusion::arrow::array::Int32Array>()
        .unwrap();
    assert_eq!(deciles.value(0), 1);
    assert!((1..deciles.len()).all(|i| deciles.value(i - 1) <= deciles.value(i)));
}

#[test]
fn outreach_settings_change_the_ranking_and_a_bad_file_is_named() {
    let (_tmp, ws, files) = workspace();
    std::fs::write(
        ws.root().join("outreach.toml"),
        "top = 2\n[weights]\nregister = 2\n",
    )
    .unwrap();
    compute(&ws, &options(), &|_| {}).unwrap();
    let cohort = table(&ws, "outreach");
    let pseudonyms = Repseudonymiser::open(&ws).unwrap();
    // HH-A: 3 + 4 + 2×2 + 4 + 2 = 17; HH-B: 3×2 = 6; the person alone: 3 + 2 = 5.
    assert_eq!(floats(&cohort, "score"), [17.0, 6.0]);
    assert_eq!(
        strings(&cohort, "household_id")[1],
        pseudonyms.household("HH-B").unwrap()
    );
    let _ = files;

    std::fs::write(
        ws.root().join("outreach.toml"),
        "[weights]\nemergency = 2\n",
    )
    .unwrap();
    let err = compute(&ws, &options(), &|_| {}).unwrap_err();
    assert!(matches!(err, EngineError::Settings { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("outreach.toml") && msg.contains("emergency"),
        "{msg}"
    );
}

/// An async server computes on its own runtime: the async entry runs there (spawned, so its
/// future is `Send`) and writes the same results as the command line's blocking entry, which
/// inside the runtime refuses with an error instead of panicking.
#[test]
fn the_async_entry_computes_inside_a_tokio_runtime() {
    let (_tmp, ws, _files) = workspace();
    let blocking = compute(&ws, &options(), &|_| {}).unwrap();
    let expected = equalis_results::read_results(ws.root()).unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let root = ws.root().to_path_buf();
    let summary = runtime.block_on(async move {
        let refused = compute(&ws, &options(), &|_| {}).unwrap_err();
        assert!(matches!(refused, EngineError::InsideRuntime), "{refused}");
        assert!(refused.to_string().contains("compute_async"), "{refused}");
        tokio::spawn(async move {
            let noop = |_: equalis_engine::Event<'_>| {};
            compute_async(&ws, &options(), &noop).await
        })
        .await
        .unwrap()
        .unwrap()
    });
    assert_eq!(summary.rows, blocking.rows);
    let back = equalis_results::read_results(&root).unwrap();
    assert_ne!(back.dir(), expected.dir(), "a new version was committed");
    assert_eq!(back.analyst().indicators, expected.analyst().indicators);
    assert_eq!(
        back.analyst().inequality.len(),
        expected.analyst().inequality.len()
    );
}
