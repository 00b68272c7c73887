//! What is stored, and the three input formats giving the same rows.

use std::fs::File;
use std::path::Path;

use arrow_array::{Array, Float64Array, Int32Array, RecordBatch, StringArray};
use equalis_ingest::{Dataset, Options, ingest};
use equalis_refdata::RefData;
use equalis_vocab::{IodEdition, LsoaCode};
use equalis_workspace::Workspace;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

const ROWS: [[&str; 8]; 3] = [
    [
        "p1",
        "9434765919",
        "2024-03-31",
        "RWE",
        "110",
        "P4",
        "2023-06-01",
        "E01025638",
    ],
    [
        "p2",
        "9434765919",
        "2024-03-31",
        "RWE",
        "130",
        "",
        "2024-03-24",
        "E01025638",
    ],
    [
        "p3",
        "9434765919",
        "2024-03-31",
        "RX1",
        "502",
        "P2",
        "2024-03-31",
        "E01000001",
    ],
];
const HEADER: [&str; 8] = [
    "pathway_id",
    "nhs_number",
    "snapshot_date",
    "provider_code",
    "treatment_function_code",
    "priority",
    "rtt_start_date",
    "lsoa_code",
];

fn read_parts(ws: &Workspace, dataset: &str) -> Vec<RecordBatch> {
    let v = ws.current(dataset).unwrap().unwrap();
    v.part_paths()
        .iter()
        .flat_map(|p| {
            ParquetRecordBatchReaderBuilder::try_new(File::open(p).unwrap())
                .unwrap()
                .build()
                .unwrap()
                .map(|b| b.unwrap())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A stored column as its Arrow array type.
fn column<'b, T: 'static>(b: &'b RecordBatch, col: &str) -> &'b T {
    b.column_by_name(col)
        .unwrap()
        .as_any()
        .downcast_ref::<T>()
        .unwrap()
}

fn strings(b: &RecordBatch, col: &str) -> Vec<Option<String>> {
    let a = column::<StringArray>(b, col);
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i).to_string()))
        .collect()
}

fn ingest_one(path: &Path) -> (tempfile::TempDir, Workspace) {
    ingest_as(path, Dataset::WaitingList)
}

/// Ingests one file into a fresh workspace, expecting every row accepted.
fn ingest_as(path: &Path, dataset: Dataset) -> (tempfile::TempDir, Workspace) {
    let tmp = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&tmp.path().join("ws")).unwrap();
    let r = ingest(
        &ws,
        dataset,
        &[path.to_path_buf()],
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
    (tmp, ws)
}

#[test]
fn stored_rows_carry_pseudonyms_and_derived_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("wl.csv");
    let mut text = HEADER.join(",") + "\n";
    for r in ROWS {
        text += &(r.join(",") + "\n");
    }
    std::fs::write(&csv, text).unwrap();
    let (_t, ws) = ingest_one(&csv);
    let batches = read_parts(&ws, "waiting_list");
    let b = &batches[0];
    assert_eq!(b.num_rows(), 3);
    let ids = strings(b, "person_id");
    assert_eq!(ids[0].as_ref().unwrap().len(), 32);
    assert_eq!(ids[0], ids[1], "one person, one pseudonym");
    assert_eq!(
        strings(b, "priority"),
        [Some("P4".into()), None, Some("P2".into())]
    );
    assert_eq!(
        strings(b, "treatment_function")[0].as_deref(),
        Some("Trauma and Orthopaedic")
    );
    let days = column::<Int32Array>(b, "days_waited");
    assert_eq!((days.value(0), days.value(1), days.value(2)), (304, 7, 0));
    let weeks = column::<Float64Array>(b, "weeks_waited");
    assert!((weeks.value(0) - 304.0 / 7.0).abs() < 1e-12);
    // Deprivation and geography agree with the reference data, tagged with the edition.
    let facts = RefData::get()
        .resolve(LsoaCode::parse("E01025638").unwrap(), IodEdition::Iod2025)
        .unwrap();
    let dec = column::<Int32Array>(b, "imd_decile");
    assert_eq!(dec.value(0), i32::from(facts.imd.decile.get()));
    assert_eq!(strings(b, "imd_edition")[0].as_deref(), Some("IoD2025"));
    assert_eq!(
        strings(b, "local_authority")[0].as_deref(),
        Some(facts.la_name.as_str())
    );
    assert_eq!(strings(b, "core20")[2].as_deref(), Some("Not Core20"));
    for (col, want) in [
        ("lsoa_code", "E01025638"),
        ("lsoa_vintage", facts.vintage.label()),
        ("lsoa21_code", facts.lsoa21.as_str()),
        ("la_code", facts.la_code.as_str()),
        ("sub_icb_code", facts.sub_icb_code.as_str()),
        ("place", facts.sub_icb_name.as_str()),
        ("core20", facts.imd.decile.core20().label()),
    ] {
        assert_eq!(strings(b, col)[0].as_deref(), Some(want), "{col}");
    }
    assert_eq!(
        strings(b, "treatment_function_code")[2].as_deref(),
        Some("502")
    );
    // Columns the extract did not have are null, not guessed.
    assert_eq!(strings(b, "sex"), [None, None, None]);
    assert!(b.schema().column_with_name("nhs_number").is_none());
}

#[test]
fn population_rows_carry_age_band_ethnic_group_and_sex() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("pop.csv");
    std::fs::write(
        &csv,
        "nhs_number,date_of_birth,age,sex,ethnic_category,lsoa_code,gp_practice_code,extract_date\n\
         9434765919,2000-04-01,,2,A,E01025638,C82001,2024-03-31\n\
         9434765870,,0,1,,E01025638,C82001,2024-03-31\n\
         4010232137,,120,,N,E01025638,C82001,2024-03-31\n",
    )
    .unwrap();
    let (_t2, ws) = ingest_as(&csv, Dataset::Population);
    let batches = read_parts(&ws, "population");
    let b = &batches[0];
    let age = column::<Int32Array>(b, "age");
    assert_eq!((age.value(0), age.value(1), age.value(2)), (23, 0, 120));
    let some = |v: [&str; 3]| v.map(|s| Some(s.to_string())).to_vec();
    assert_eq!(strings(b, "age_band"), some(["20-24", "0-4", "90+"]));
    assert_eq!(strings(b, "sex"), some(["2", "1", "X"]));
    assert_eq!(strings(b, "ethnic_category"), some(["A", "99", "N"]));
    assert_eq!(
        strings(b, "ethnic_group"),
        some(["White", "Not known", "Black or Black British"])
    );
}

#[test]
fn excel_and_parquet_inputs_give_the_same_rows_as_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("wl.csv");
    let mut text = HEADER.join(",") + "\n";
    for r in ROWS {
        text += &(r.join(",") + "\n");
    }
    std::fs::write(&csv, text).unwrap();

    // Excel, with dates stored as real Excel dates in one column.
    let xlsx = tmp.path().join("wl.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let sheet = wb.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date_fmt = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in ROWS.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c16) = (r as u32 + 1, c as u16);
            if HEADER[c] == "snapshot_date" {
                let d = rust_xlsxwriter::ExcelDateTime::parse_from_str(v).unwrap();
                sheet
                    .write_datetime_with_format(r, c16, &d, &date_fmt)
                    .unwrap();
            } else {
                sheet.write_string(r, c16, *v).unwrap();
            }
        }
    }
    wb.save(&xlsx).unwrap();

    // Parquet, as another tool would write it.
    let pq = tmp.path().join("wl.parquet");
    let cols: Vec<std::sync::Arc<dyn Array>> = (0..HEADER.len())
        .map(|c| {
            std::sync::Arc::new(StringArray::from(
                ROWS.iter()
                    .map(|r| (!r[c].is_empty()).then_some(r[c]))
                    .collect::<Vec<_>>(),
            )) as _
        })
        .collect();
    let batch = RecordBatch::try_from_iter(HEADER.iter().zip(cols).map(|(h, c)| (*h, c))).unwrap();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(File::create(&pq).unwrap(), batch.schema(), None)
            .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();

    let (_a, ws_csv) = ingest_one(&csv);
    let (_b, ws_xlsx) = ingest_one(&xlsx);
    let (_c, ws_pq) = ingest_one(&pq);
    let key_cols = [
        "pathway_id",
        "snapshot_date",
        "priority",
        "lsoa21_code",
        "treatment_function_code",
    ];
    let project = |ws: &Workspace| {
        let b = &read_parts(ws, "waiting_list")[0];
        key_cols
            .iter()
            .map(|c| {
                let col = b.column_by_name(c).unwrap();
                arrow_cast::pretty::pretty_format_columns(c, std::slice::from_ref(col))
                    .unwrap()
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(project(&ws_csv), project(&ws_xlsx));
    assert_eq!(project(&ws_csv), project(&ws_pq));
}
