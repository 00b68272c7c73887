//! The corrupted-file suite: every way an extract goes wrong in practice, with the exact
//! accepted and rejected counts and a reason that names the column.

use std::fs;
use std::path::{Path, PathBuf};

use equalis_ingest::{Dataset, IngestError, Options, Report, ingest};
use equalis_workspace::Workspace;

struct Case {
    _tmp: tempfile::TempDir,
    ws: Workspace,
    dir: PathBuf,
}

fn case() -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let ws = Workspace::init(&tmp.path().join("ws")).unwrap();
    let dir = tmp.path().to_path_buf();
    Case { _tmp: tmp, ws, dir }
}

impl Case {
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    fn ingest(
        &self,
        dataset: Dataset,
        files: &[PathBuf],
        opts: &Options,
    ) -> Result<Report, IngestError> {
        ingest(&self.ws, dataset, files, opts, &|_| {})
    }

    /// Ingests one file, committing even if every row is rejected: these cases look at the
    /// rejects (`nothing_accepted_commits_nothing` checks the refusal of an empty version).
    fn run(&self, dataset: Dataset, name: &str, bytes: &[u8]) -> (Report, Vec<[String; 5]>) {
        let p = self.file(name, bytes);
        let opts = Options {
            allow_empty: true,
            ..Options::default()
        };
        let r = self.ingest(dataset, &[p], &opts).unwrap();
        let rejects = r
            .rejects_file
            .as_ref()
            .map(|p| read_rejects(p))
            .unwrap_or_default();
        (r, rejects)
    }
}

fn read_rejects(p: &Path) -> Vec<[String; 5]> {
    let mut r = csv::Reader::from_path(p).unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec!["file", "row", "column", "value", "reason"]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            std::array::from_fn(|i| rec[i].to_string())
        })
        .collect()
}

fn counts(r: &Report) -> (u64, u64, u64) {
    let f = &r.files[0];
    assert_eq!(
        f.read,
        f.accepted + f.rejected,
        "every row read is accounted for"
    );
    (f.read, f.accepted, f.rejected)
}

const WL_HEADER: &str = "pathway_id,nhs_number,snapshot_date,provider_code,treatment_function_code,priority,rtt_start_date,lsoa_code,ethnic_category\n";

fn wl(rows: &[&str]) -> Vec<u8> {
    let mut s = WL_HEADER.to_string();
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.into_bytes()
}

/// A valid waiting-list row with `id`.
fn good(id: &str) -> String {
    format!("{id},9434765919,2024-03-31,RWE,110,P4,2023-06-01,E01025638,A")
}

#[test]
fn a_clean_file_is_all_accepted_with_derived_fields() {
    let c = case();
    let (r, rejects) = c.run(
        Dataset::WaitingList,
        "wl.csv",
        &wl(&[&good("a"), &good("b")]),
    );
    assert_eq!(counts(&r), (2, 2, 0));
    assert!(rejects.is_empty());
    assert!(r.rejects_file.is_none());
    assert_eq!(r.version.unwrap().manifest.rows, 2);
}

#[test]
fn wrong_check_digit() {
    let c = case();
    let bad = good("b").replace("9434765919", "9434765918");
    let (r, rejects) = c.run(Dataset::WaitingList, "wl.csv", &wl(&[&good("a"), &bad]));
    assert_eq!(counts(&r), (2, 1, 1));
    assert_eq!(
        rejects[0][1..],
        [
            "3",
            "nhs_number",
            "[redacted: 10 characters]",
            "Modulus 11 check digit is wrong"
        ]
    );
}

#[test]
fn impossible_dates() {
    let c = case();
    let bad = good("b").replace("2023-06-01", "2023-02-30");
    let bad2 = good("c").replace("2024-03-31", "2024-13-01");
    let (r, rejects) = c.run(
        Dataset::WaitingList,
        "wl.csv",
        &wl(&[&good("a"), &bad, &bad2]),
    );
    assert_eq!(counts(&r), (3, 1, 2));
    assert_eq!(
        rejects[0][2..],
        ["rtt_start_date", "2023-02-30", "impossible date 2023-02-30"]
    );
    assert_eq!(rejects[1][2], "snapshot_date");
}

#[test]
fn clock_start_after_snapshot() {
    let c = case();
    let bad = good("b").replace("2023-06-01", "2024-04-01");
    let (r, rejects) = c.run(Dataset::WaitingList, "wl.csv", &wl(&[&bad]));
    assert_eq!(counts(&r), (1, 0, 1));
    assert_eq!(rejects[0][2], "rtt_start_date");
    assert!(
        rejects[0][4].contains("after snapshot_date 2024-03-31"),
        "{}",
        rejects[0][4]
    );
}

#[test]
fn unknown_codes_each_name_their_column() {
    let c = case();
    let bad_tf = good("b").replace(",110,", ",999,");
    let bad_eth = good("c").replace(",A", ",Q");
    let bad_prio = good("d").replace(",P4,", ",P9,");
    let bad_ods = good("e").replace(",RWE,", ",rwe,");
    let (r, rejects) = c.run(
        Dataset::WaitingList,
        "wl.csv",
        &wl(&[&bad_tf, &bad_eth, &bad_prio, &bad_ods]),
    );
    assert_eq!(counts(&r), (4, 0, 4));
    let cols: Vec<_> = rejects.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(
        cols,
        [
            "treatment_function_code",
            "ethnic_category",
            "priority",
            "provider_code"
        ]
    );
    assert_eq!(rejects[0][4], "unknown treatment function code 999");
}

#[test]
fn lsoas_in_no_lookup_and_welsh_codes() {
    let c = case();
    let nowhere = good("b").replace("E01025638", "E01999999");
    let welsh = good("c").replace("E01025638", "W01000001");
    let (r, rejects) = c.run(
        Dataset::WaitingList,
        "wl.csv",
        &wl(&[&nowhere, &welsh, &good("d")]),
    );
    assert_eq!(counts(&r), (3, 1, 2));
    assert_eq!(rejects[0][2..4], ["lsoa_code", "E01999999"]);
    assert!(rejects[0][4].contains("neither the 2011 nor the 2021"));
    assert!(rejects[1][4].contains("Welsh"));
}

#[test]
fn missing_required_column_is_a_file_error_that_commits_nothing() {
    let c = case();
    // A good first file, then one without rtt_start_date in the same call.
    let ok = c.file("ok.csv", &wl(&[&good("a")]));
    let bad = c.file("bad.csv", b"pathway_id,nhs_number,snapshot_date,provider_code,treatment_function_code\nx,9434765919,2024-03-31,RWE,110\n");
    let err = c
        .ingest(Dataset::WaitingList, &[ok, bad], &Options::default())
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("required column `rtt_start_date` is missing"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "found: pathway_id, nhs_number, snapshot_date, provider_code, treatment_function_code"
        ),
        "{msg}"
    );
    assert!(
        c.ws.current("waiting_list").unwrap().is_none(),
        "nothing committed"
    );
}

#[test]
fn duplicate_ids() {
    let c = case();
    // The same pathway id in another snapshot is fine; in the same snapshot it is not.
    let other_snapshot = good("a").replace("2024-03-31", "2024-04-07");
    let (r, rejects) = c.run(
        Dataset::WaitingList,
        "wl.csv",
        &wl(&[&good("a"), &other_snapshot, &good("b"), &good("b")]),
    );
    assert_eq!(counts(&r), (4, 3, 1));
    assert_eq!(rejects[0][1..4], ["5", "pathway_id", "b"]);
    let (r, rejects) = c.run(
        Dataset::EmployeeRelations,
        "er.csv",
        b"case_id,staff_id,org_code,process,start_date\nc1,s1,RWE,disciplinary,2024-01-01\nc1,s2,RWE,capability,2024-01-02\n",
    );
    assert_eq!(counts(&r), (2, 1, 1));
    assert_eq!(rejects[0][2], "case_id");
}

#[test]
fn bom_crlf_nhs_dates_and_spaced_numbers_are_accepted() {
    let c = case();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        wl(&[
            &good("a"),
            &good("b")
                .replace("2024-03-31", "31/03/2024")
                .replace("9434765919", "943 476 5919"),
        ])
        .iter()
        .flat_map(|&b| {
            if b == b'\n' {
                vec![b'\r', b'\n']
            } else {
                vec![b]
            }
        }),
    );
    let (r, rejects) = c.run(Dataset::WaitingList, "wl.csv", &bytes);
    assert_eq!(counts(&r), (2, 2, 0), "{rejects:?}");
}

#[test]
fn quoted_commas_blank_lines_and_line_numbers() {
    let c = case();
    let header = "staff_id,org_code,snapshot_date,staff_group,clinical,pay_band,ethnic_category,disability,sex\n";
    let body = "s1,RWE,2024-03-31,\"Nursing, midwifery\",Y,5,A,N,2\n\ns2,RWE,2024-03-31,Admin,N,11,A,N,2\n\n\ns3,RWE,2024-03-31,\"Medical, dental\",Y,consultant,H,U,1\n";
    let (r, rejects) = c.run(
        Dataset::Staff,
        "staff.csv",
        format!("{header}{body}").as_bytes(),
    );
    assert_eq!(counts(&r), (3, 2, 1));
    // s2 is on line 4 (header 1, s1 2, blank 3).
    assert_eq!(rejects[0][1..3], ["4", "pay_band"]);
}

#[test]
fn non_utf8_bytes_are_rejected_naming_the_column() {
    let c = case();
    let mut bytes = wl(&[&good("a")]);
    bytes.extend(b"b\xff\xfe,9434765919,2024-03-31,RWE,110,P4,2023-06-01,E01025638,A\n");
    let (r, rejects) = c.run(Dataset::WaitingList, "wl.csv", &bytes);
    assert_eq!(counts(&r), (2, 1, 1));
    assert_eq!(rejects[0][2], "pathway_id");
    assert!(rejects[0][4].contains("not valid UTF-8"));
}

#[test]
fn truncated_last_line() {
    let c = case();
    let mut bytes = wl(&[&good("a")]);
    bytes.extend(b"b,9434765919,2024-03-31,RW");
    let (r, rejects) = c.run(Dataset::WaitingList, "wl.csv", &bytes);
    assert_eq!(counts(&r), (2, 1, 1));
    assert_eq!(rejects[0][1..3], ["3", "(row)"]);
    assert!(
        rejects[0][4].contains("row has 4 fields but the header has 9"),
        "{}",
        rejects[0][4]
    );
}

#[test]
fn empty_file_is_a_file_error() {
    let c = case();
    let p = c.file("empty.csv", b"");
    let err = c
        .ingest(Dataset::WaitingList, &[p], &Options::default())
        .unwrap_err();
    assert!(matches!(err, IngestError::File { .. }));
    assert!(err.to_string().contains("the file is empty"), "{err}");
}

/// A header-only file, or one whose every row is rejected, used to commit an empty version
/// over good data. It commits nothing unless --allow-empty.
#[test]
fn nothing_accepted_commits_nothing_unless_allowed() {
    let c = case();
    let (r, _) = c.run(Dataset::WaitingList, "v1.csv", &wl(&[&good("a")]));
    assert_eq!(r.version.unwrap().manifest.rows, 1);
    let header_only = c.file("header.csv", WL_HEADER.as_bytes());
    let all_bad = c.file("bad.csv", &wl(&[&good("b").replace(",110,", ",999,")]));
    for (file, read) in [(&header_only, 0), (&all_bad, 1)] {
        for append in [false, true] {
            let opts = Options {
                append,
                ..Options::default()
            };
            let err = c
                .ingest(Dataset::WaitingList, std::slice::from_ref(file), &opts)
                .unwrap_err();
            match &err {
                IngestError::NothingAccepted {
                    read: r,
                    rejects_file,
                    ..
                } => {
                    assert_eq!(*r, read);
                    assert_eq!(rejects_file.is_some(), read > 0);
                }
                other => panic!("{other:?}"),
            }
            let msg = err.to_string();
            assert!(msg.contains("nothing was committed"), "{msg}");
            assert!(msg.contains("--allow-empty"), "{msg}");
            let cur = c.ws.current("waiting_list").unwrap().unwrap();
            assert_eq!((cur.manifest.version, cur.manifest.rows), (1, 1));
        }
    }
    // On purpose.
    let r = c
        .ingest(
            Dataset::WaitingList,
            &[header_only],
            &Options {
                allow_empty: true,
                ..Options::default()
            },
        )
        .unwrap();
    assert_eq!(r.version.unwrap().manifest.rows, 0);
}

#[test]
fn population_rules_and_one_of_columns() {
    let c = case();
    let header = "nhs_number,person_id,date_of_birth,age,sex,ethnic_category,lsoa_code,gp_practice_code,smi,extract_date\n";
    let rows = [
        "9434765919,,1980-05-01,,1,A,E01025638,C82001,Y,2024-04-01", // ok: age 43 from DOB
        ",local-7,,44,2,,E01025638,C82001,,2024-04-01",              // ok: person_id and age
        ",,1980-05-01,,1,A,E01025638,C82001,N,2024-04-01",           // no identifier
        "9434765927,,2025-01-01,,1,A,E01025638,C82001,N,2024-04-01", // born after extract
        "9434765935,,,121,1,A,E01025638,C82001,N,2024-04-01",        // age out of range
        "9434765943,,1980-05-01,,1,A,E01025638,C82001,maybe,2024-04-01", // bad flag
        "9434765951,,1980-05-01,,1,A,E01025638,C82001,N,2024-05-01", // extract date differs
    ];
    let (r, rejects) = c.run(
        Dataset::Population,
        "pop.csv",
        format!("{header}{}\n", rows.join("\n")).as_bytes(),
    );
    assert_eq!(counts(&r), (7, 2, 5));
    let reasons: Vec<_> = rejects
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("4", "nhs_number"),
            ("5", "date_of_birth"),
            ("6", "age"),
            ("7", "smi"),
            ("8", "extract_date")
        ]
    );
    assert_eq!(
        rejects[0][4],
        "nhs_number or person_id is required but blank"
    );
}

#[test]
fn cross_column_rules_of_workforce_datasets() {
    let c = case();
    let (r, rejects) = c.run(
        Dataset::Recruitment,
        "rec.csv",
        b"application_id,org_code,vacancy_id,ethnic_category,disability,sex,shortlisted,appointed,decision_date\n\
          a1,RWE,v1,A,N,1,Y,Y,2024-01-01\na2,RWE,v1,H,Y,2,N,Y,2024-01-01\na3,RWE,v1,H,Y,2,,N,2024-01-01\n",
    );
    assert_eq!(counts(&r), (3, 1, 2));
    assert_eq!(rejects[0][2], "appointed");
    assert_eq!(
        rejects[1][2..],
        ["shortlisted", "", "shortlisted is required but blank"]
    );
    let (r, rejects) = c.run(
        Dataset::StaffSurvey,
        "ss.csv",
        b"org_code,year,question,group_type,group,respondents,positive\nRWE,2024,q14a,ethnicity,BME,10,11\nRWE,2024,q14a,ethnicity,White,10,3\n",
    );
    assert_eq!(counts(&r), (2, 1, 1));
    assert_eq!(rejects[0][2], "positive");
}

#[test]
fn strict_commits_nothing_and_the_old_version_stays() {
    let c = case();
    let (r, _) = c.run(Dataset::WaitingList, "v1.csv", &wl(&[&good("a")]));
    assert_eq!(r.version.unwrap().manifest.version, 1);
    let p = c.file(
        "v2.csv",
        &wl(&[&good("a"), &good("b").replace(",110,", ",999,")]),
    );
    let r = c
        .ingest(
            Dataset::WaitingList,
            &[p],
            &Options {
                strict: true,
                ..Options::default()
            },
        )
        .unwrap();
    assert!(r.version.is_none());
    assert!(r.rejects_file.is_some());
    let cur = c.ws.current("waiting_list").unwrap().unwrap();
    assert_eq!((cur.manifest.version, cur.manifest.rows), (1, 1));
}

#[test]
fn append_adds_to_the_current_version() {
    let c = case();
    c.run(Dataset::WaitingList, "w1.csv", &wl(&[&good("a")]));
    let p = c.file(
        "w2.csv",
        &wl(&[&good("a").replace("2024-03-31", "2024-04-07")]),
    );
    let r = c
        .ingest(
            Dataset::WaitingList,
            &[p],
            &Options {
                append: true,
                ..Options::default()
            },
        )
        .unwrap();
    let v = r.version.unwrap();
    assert_eq!(
        (v.manifest.version, v.manifest.rows, v.manifest.appended_to),
        (2, 2, Some(1))
    );
    assert_eq!(v.part_paths().len(), 2);
    assert!(v.part_paths().iter().all(|p| p.is_file()));
}

/// Every file under `dir`, recursively.
fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_files(&p))
        } else {
            out.push(p)
        }
    }
    out
}

#[test]
fn no_raw_nhs_number_is_stored_and_pseudonyms_are_per_workspace() {
    let a = case();
    let b = case();
    // A second valid NHS number (check digit 7), in a row of its own.
    let other = good("z").replace("9434765919", "4010232137");
    for c in [&a, &b] {
        c.run(
            Dataset::WaitingList,
            "wl.csv",
            &wl(&[
                &good("a"),
                &good("b").replace("9434765919", "943 476 5919"),
                &other,
            ]),
        );
    }
    for file in all_files(a.ws.root()) {
        let bytes = fs::read(&file).unwrap();
        for needle in [&b"9434765919"[..], b"943 476 5919", b"4010232137"] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "raw NHS number found in {}",
                file.display()
            );
        }
    }
    let key_a = a.ws.key().unwrap();
    let key_b = b.ws.key().unwrap();
    let pa = equalis_ingest::pseudonymise(&key_a, "person", b"9434765919");
    // Stable within a workspace, different across workspaces.
    assert_eq!(
        pa,
        equalis_ingest::pseudonymise(&key_a, "person", b"9434765919")
    );
    assert_ne!(
        pa,
        equalis_ingest::pseudonymise(&key_b, "person", b"9434765919")
    );
    let stored: Vec<u8> = all_files(a.ws.root())
        .iter()
        .flat_map(|f| fs::read(f).unwrap())
        .collect();
    assert!(
        stored.windows(pa.len()).any(|w| w == pa.as_bytes()),
        "the pseudonym is what is stored"
    );
}

/// Conversion runs on several threads; rows and rejects still come out in file order,
/// the same on every run, across many chunks.
#[test]
fn many_chunks_keep_file_order_and_account_for_every_row() {
    let c = case();
    let rows: Vec<String> = (0..40_000)
        .map(|i| {
            let row = good(&format!("p{i:05}"));
            if i % 997 == 0 {
                row.replace(",110,", ",999,")
            } else {
                row
            }
        })
        .collect();
    let (r, rejects) = c.run(
        Dataset::WaitingList,
        "wl.csv",
        &wl(&rows.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    let bad = (0..40_000).filter(|i| i % 997 == 0).count() as u64;
    assert_eq!(counts(&r), (40_000, 40_000 - bad, bad));
    let lines: Vec<u64> = rejects.iter().map(|r| r[1].parse().unwrap()).collect();
    let want: Vec<u64> = (0..40_000u64)
        .filter(|i| i % 997 == 0)
        .map(|i| i + 2)
        .collect();
    assert_eq!(
        lines, want,
        "rejects in file order, with their line numbers"
    );

    let v = r.version.unwrap();
    let mut ids = Vec::new();
    for p in v.part_paths() {
        let f = fs::File::open(p).unwrap();
        for b in parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f)
            .unwrap()
            .build()
            .unwrap()
        {
            let b = b.unwrap();
            let a = b
                .column_by_name("pathway_id")
                .unwrap()
                .as_any()
                .downcast_ref::<arrow_array::StringArray>()
                .unwrap()
                .clone();
            ids.extend(a.iter().map(|v| v.unwrap_or_default().to_string()));
        }
    }
    let want: Vec<String> = (0..40_000)
        .filter(|i| i % 997 != 0)
        .map(|i| format!("p{i:05}"))
        .collect();
    assert_eq!(ids, want, "stored rows in file order");
}

/// A double quote left open used to swallow every row after it into one field (volunteers:
/// 146 of 150 rows gone with exit 0; waiting list: 195 rows, NHS numbers and all, in one
/// reject value). It is a file-level error naming the line the quote opened on, showing none
/// of the swallowed text, and nothing is committed.
#[test]
fn an_unbalanced_quote_is_a_file_error_naming_its_line() {
    let c = case();
    let mut vol = String::from("volunteer_id,household_id,sex,age_band\n");
    for i in 1..=150 {
        let hh = if i == 4 {
            "\"HH4".to_string()
        } else {
            format!("HH{i}")
        };
        vol.push_str(&format!("V{i},{hh},Male,45-64\n"));
    }
    let p = c.file("volunteers.csv", vol.as_bytes());
    let err = c
        .ingest(Dataset::Volunteers, &[p], &Options::default())
        .unwrap_err();
    assert!(matches!(err, IngestError::File { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("unbalanced double quote"), "{msg}");
    assert!(msg.contains("opens on line 5"), "{msg}");
    assert!(c.ws.current("volunteers").unwrap().is_none());

    // The waiting list: a good version first, which the bad file must leave current.
    c.run(Dataset::WaitingList, "v1.csv", &wl(&[&good("a")]));
    let mut rows: Vec<String> = (0..200).map(|i| good(&format!("p{i}"))).collect();
    rows[4] = rows[4].replace(",P4,", ",\"P4,");
    let p = c.file(
        "wl.csv",
        &wl(&rows.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    let msg = c
        .ingest(Dataset::WaitingList, &[p], &Options::default())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("opens on line 6"), "{msg}");
    assert!(!msg.contains("9434765919"), "{msg}");
    let cur = c.ws.current("waiting_list").unwrap().unwrap();
    assert_eq!((cur.manifest.version, cur.manifest.rows), (1, 1));
    assert!(
        fs::read_dir(c.ws.rejects_dir()).unwrap().next().is_none(),
        "no rejects file holds the swallowed rows"
    );

    // Opened on the second-to-last row: it reaches the end of the file.
    let mut rows: Vec<String> = (0..20).map(|i| good(&format!("p{i}"))).collect();
    rows[18] = rows[18].replace(",A", ",\"A");
    let p = c.file(
        "wl2.csv",
        &wl(&rows.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    let msg = c
        .ingest(Dataset::WaitingList, &[p], &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("opens on line 20 is not closed before the end of the file"),
        "{msg}"
    );
}

/// Two stray quotes a line apart join two rows into one record, within the limit of line
/// breaks a value may hold: the record is rejected, and the reason points at the quote.
#[test]
fn rows_joined_by_a_stray_quote_are_rejected_pointing_at_it() {
    let c = case();
    // Closed in another column: the joined record has too many fields.
    let a = good("a").replace(",P4,", ",\"P4,");
    let b = good("b").replace(",2023-06-01,", ",2023-06-01\",");
    // Closed in the same column: the joined record has the right number of fields, and the
    // joined value fails its rule.
    let d = good("d").replace(",P4,", ",\"P4,");
    let e = good("e").replace(",P4,", ",P4\",");
    let (r, rejects) = c.run(
        Dataset::WaitingList,
        "wl.csv",
        &wl(&[&a, &b, &good("c"), &d, &e]),
    );
    assert_eq!(counts(&r), (3, 1, 2));
    let rows: Vec<_> = rejects.iter().filter(|r| r[2] == "(row)").collect();
    assert_eq!(rows.len(), 2, "{rejects:?}");
    assert_eq!(rows[0][1], "2");
    assert!(
        rows[0][4].contains("a double quote on this row is probably unbalanced"),
        "{}",
        rows[0][4]
    );
    assert_eq!(rows[1][1], "5");
    assert!(rows[1][4].contains("probably unbalanced"), "{}", rows[1][4]);
}

const POP_HEADER: &str =
    "nhs_number,person_id,age,sex,ethnic_category,lsoa_code,gp_practice_code,extract_date\n";

/// A population row for `id` (an NHS number, or `,local-id` for a person_id).
fn person(id: &str) -> String {
    let ids = if id.contains(',') {
        id.to_string()
    } else {
        format!("{id},")
    };
    format!("{ids},44,2,A,E01025638,C82001,2024-04-01")
}

fn pop(rows: &[String]) -> Vec<u8> {
    format!("{POP_HEADER}{}\n", rows.join("\n")).into_bytes()
}

/// The same person twice in a population doubled every figure joined to them. Each person
/// is on one row of a population version: a later row is rejected naming the first, across
/// the files of a call, whichever way the person is written.
#[test]
fn one_row_per_person_in_a_population_version() {
    let c = case();
    let (r, rejects) = c.run(
        Dataset::Population,
        "pop.csv",
        &pop(&[
            person("9434765919"),
            person("9434765927"),
            person("943 476 5919"), // the first person, written 3-3-4
            person(",local-7"),
            person(",local-7"),
            person(",9434765927"), // a person_id equal to the second person's number
        ]),
    );
    assert_eq!(counts(&r), (6, 3, 3));
    let got: Vec<_> = rejects
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("4", "nhs_number", "[redacted: 12 characters]"),
            ("6", "person_id", "local-7"),
            ("7", "person_id", "[redacted: possible NHS number]"),
        ]
    );
    assert_eq!(
        rejects[0][4],
        "duplicate person: row 2 has the same NHS number; a population has one row per person"
    );
    assert!(rejects[1][4].contains("row 5 has the same person_id"));

    // Across the files of one call.
    let a = c.file("a.csv", &pop(&[person("9434765935")]));
    let b = c.file("b.csv", &pop(&[person("9434765943"), person("9434765935")]));
    let r = c
        .ingest(Dataset::Population, &[a.clone(), b], &Options::default())
        .unwrap();
    assert_eq!((r.files[1].accepted, r.files[1].rejected), (1, 1));
    let rejects = read_rejects(r.rejects_file.as_ref().unwrap());
    assert_eq!(
        rejects[0][4],
        format!(
            "duplicate person: row 2 of `{}` has the same NHS number; a population has one row per person",
            a.display()
        )
    );
}

/// `ingest --append` of the same population twice made everyone two people. The people of
/// the version appended to count: a file of them all commits nothing; new people are added
/// and the others rejected saying why.
#[test]
fn appending_people_already_in_the_population_is_refused() {
    let c = case();
    let first = pop(&[person("9434765919"), person("9434765927")]);
    c.run(Dataset::Population, "p1.csv", &first);
    let append = Options {
        append: true,
        ..Options::default()
    };
    let again = c.file("p1-again.csv", &first);
    let err = c
        .ingest(Dataset::Population, &[again], &append)
        .unwrap_err();
    assert!(
        matches!(
            err,
            IngestError::NothingAccepted {
                read: 2,
                rejected: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let rejects = fs::read_dir(c.ws.rejects_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .max()
        .unwrap();
    let rejects = read_rejects(&rejects);
    assert!(
        rejects[0][4].starts_with("this person is already in population version 1: --append adds people who are not in it yet"),
        "{}",
        rejects[0][4]
    );
    let cur = c.ws.current("population").unwrap().unwrap();
    assert_eq!((cur.manifest.version, cur.manifest.rows), (1, 2));

    let more = c.file(
        "p2.csv",
        &pop(&[person("9434765935"), person("943 476 5927")]),
    );
    let r = c.ingest(Dataset::Population, &[more], &append).unwrap();
    assert_eq!(counts(&r), (2, 1, 1));
    let v = r.version.unwrap();
    assert_eq!((v.manifest.version, v.manifest.rows), (2, 3));
}

/// Placeholder numbers merged everyone given one into a single person.
#[test]
fn placeholder_nhs_numbers_are_refused() {
    let c = case();
    let (r, rejects) = c.run(
        Dataset::Population,
        "pop.csv",
        &pop(&[
            person("0000000000"),
            person("1111111111"),
            person("999 999 9999"),
            person("9434765919"),
        ]),
    );
    assert_eq!(counts(&r), (4, 1, 3));
    assert!(rejects.iter().all(|r| r[4].contains("a placeholder")));
    assert!(rejects.iter().all(|r| r[3].starts_with("[redacted")));
}

/// An NHS number leaked into the rejects file when it was typed in another column, had a
/// non-breaking space in it, or was the first row of a file without a header. Every value,
/// message and warning is redacted, and the rejects file is owner-only.
#[test]
fn nhs_numbers_never_reach_rejects_files_or_messages() {
    let c = case();
    let numbers = ["9434765919", "4010232137"];
    let leaks = |text: &str| {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        numbers.iter().any(|n| digits.contains(n))
    };
    // Swapped columns (the number in pathway_id, twice, so it is also a duplicate id), a
    // number with NBSPs, one with Latin-1 NBSP bytes (not UTF-8), one in lsoa_code.
    let mut bytes = wl(&[
        &good("4010232137"),
        &good("4010232137"),
        &good("b").replace("9434765919", "943\u{a0}476\u{a0}5919x"),
        &good("c").replace("E01025638", "401 023 2137"),
    ]);
    bytes.extend(b"d,943\xa0476\xa05919,2024-03-31,RWE,110,P4,2023-06-01,E01025638,A\n");
    let (r, _) = c.run(Dataset::WaitingList, "wl.csv", &bytes);
    assert_eq!(counts(&r), (5, 1, 4));
    let path = r.rejects_file.unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(!leaks(&text), "{text}");
    assert!(text.contains("[redacted"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "rejects file mode {mode:o}");
    }

    // A file without its header: its first row is read as the header.
    let headerless = c.file(
        "noheader.csv",
        good("p9").replace("9434765919", "401 023 2137").as_bytes(),
    );
    let err = c
        .ingest(Dataset::WaitingList, &[headerless], &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("is missing (found: p9, [redacted: possible NHS number], 2024-03-31"),
        "{err}"
    );
    assert!(!leaks(&err), "{err}");
    // Columns outside the contract are named in a warning: here a header that is an NHS
    // number (a file whose header row was lost, read beside one that has it).
    let odd_header = format!(
        "{}\n{},x\n",
        POP_HEADER
            .trim_end()
            .replace("extract_date", "extract_date,401-023-2137"),
        person("9434765919")
    );
    let odd_header = c.file("odd.csv", odd_header.as_bytes());
    let r = c
        .ingest(Dataset::Population, &[odd_header], &Options::default())
        .unwrap();
    assert!(!r.warnings.is_empty());
    assert!(r.warnings.iter().all(|w| !leaks(w)), "{:?}", r.warnings);
}

/// Each part's checksum is in the manifest; an append checks the parts it carries over.
#[test]
fn parts_are_checksummed_and_an_append_checks_what_it_carries() {
    let c = case();
    let (r, _) = c.run(Dataset::WaitingList, "w1.csv", &wl(&[&good("a")]));
    let v = r.version.unwrap();
    let part = &v.manifest.parts[0];
    assert_eq!(
        v.manifest.checksums[part],
        equalis_workspace::checksum_file(&v.part_paths()[0]).unwrap()
    );
    assert_eq!(
        v.manifest.key_fingerprint.as_deref(),
        Some(c.ws.key().unwrap().fingerprint().as_str())
    );
    v.verify_parts().unwrap();
    // A byte changed in the committed part: the append refuses to carry it.
    let mut bytes = fs::read(&v.part_paths()[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    fs::write(&v.part_paths()[0], bytes).unwrap();
    let p = c.file("w2.csv", &wl(&[&good("b")]));
    let err = c
        .ingest(
            Dataset::WaitingList,
            &[p],
            &Options {
                append: true,
                ..Options::default()
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("does not match the checksum"), "{err}");
    assert!(err.contains("part-00000.parquet"), "{err}");
}

/// Another workspace's key put in place of this one's made every new pseudonym match no
/// one, and figures fell to 0 with no error. Ingest refuses a key that did not make the
/// workspace's data.
#[test]
fn a_key_that_did_not_make_the_data_is_refused() {
    let c = case();
    c.run(
        Dataset::Population,
        "pop.csv",
        &pop(&[person("9434765919")]),
    );
    let other = case();
    fs::copy(other.ws.root().join("key"), c.ws.root().join("key")).unwrap();
    let ws = Workspace::open(c.ws.root()).unwrap();
    let p = c.file("wl.csv", &wl(&[&good("a")]));
    let err = ingest(
        &ws,
        Dataset::WaitingList,
        &[p],
        &Options::default(),
        &|_| {},
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("dataset `population` version 1 was pseudonymised with a different key"),
        "{err}"
    );
    assert!(ws.current("waiting_list").unwrap().is_none());
    // Reading the population is refused too.
    assert!(ws.current("population").is_err());
}
