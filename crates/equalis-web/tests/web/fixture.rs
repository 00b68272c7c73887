//! The test workspace, store and accounts, and helpers to send requests.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use equalis_results::{Comparison, IndicatorInfo, Metadata, ResultRow, ResultsWriter, Statistic};
use equalis_store::{Actor, Database, ManualClock, NewUser, Role, Store, StoreConfig};
use equalis_web::{AppState, Options};
use http_body_util::BodyExt;
use jiff::Timestamp;
use tempfile::TempDir;
use tower::ServiceExt;

/// Every account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// The accounts, one per role.
pub const ACCOUNTS: [(&str, Role); 5] = [
    ("admin@example.nhs.uk", Role::Admin),
    ("analyst@example.nhs.uk", Role::Analyst),
    ("edi@example.nhs.uk", Role::EdiLead),
    ("reviewer@example.nhs.uk", Role::Reviewer),
    ("viewer@example.nhs.uk", Role::Viewer),
];

/// The email of the account with `role`.
pub fn email_of(role: Role) -> &'static str {
    ACCOUNTS
        .iter()
        .find(|(_, r)| *r == role)
        .map(|(e, _)| *e)
        .expect("an account per role")
}

/// A running application over a temporary workspace.
pub struct App {
    pub router: Router,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    pub dir: TempDir,
    /// The organisations of the workforce data, the first named in the settings (empty without
    /// workforce data).
    pub orgs: Vec<String>,
}

/// The name the settings give the first organisation of the workforce data.
pub const ORG_NAME: &str = "Test Hospitals NHS Trust";

/// A response read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (a workbook is not text).
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The `Set-Cookie` value for `name`, without attributes.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// The header's value as text.
    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body read as an Excel workbook: each sheet's name and its cells as text (numbers as
    /// Rust writes them), row by row.
    pub fn workbook(&self) -> Vec<(String, Vec<Vec<String>>)> {
        use calamine::Reader;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(self.bytes.clone()))
            .unwrap_or_else(|e| panic!("not a workbook ({e})"));
        wb.sheet_names()
            .into_iter()
            .map(|name| {
                let range = wb.worksheet_range(&name).expect("a sheet");
                let rows = range
                    .rows()
                    .map(|r| r.iter().map(ToString::to_string).collect())
                    .collect();
                (name, rows)
            })
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// A client credential.
#[derive(Debug, Clone)]
pub enum Who {
    Anonymous,
    Cookie(String),
    Bearer(String),
}

impl App {
    /// A workspace with results and an account per role; pages public or not; on loopback.
    pub async fn new(public_pages: bool) -> App {
        App::with_options(Options {
            public_pages,
            secure_cookies: false,
        })
        .await
    }

    /// The same, with the synthetic ICS's staff, volunteers and panel quotas of
    /// `equalis_app::testing` ingested (as equalis-app's tests make them) and the first
    /// organisation named in the settings.
    pub async fn with_workforce(public_pages: bool) -> App {
        App::build(
            Options {
                public_pages,
                secure_cookies: false,
            },
            true,
        )
        .await
    }

    /// The same, with the options given.
    pub async fn with_options(options: Options) -> App {
        App::build(options, false).await
    }

    async fn build(options: Options, workforce: bool) -> App {
        let dir = tempfile::tempdir().expect("temp dir");
        equalis_workspace::Workspace::init(dir.path()).expect("workspace");
        write_results(dir.path());
        let orgs = if workforce {
            write_workforce(dir.path())
        } else {
            Vec::new()
        };
        let clock = Arc::new(ManualClock::new(
            Timestamp::from_second(1_780_000_000).expect("time"),
        ));
        let store = Store::open(
            &Database::for_workspace(dir.path()),
            StoreConfig {
                clock: clock.clone(),
                ..StoreConfig::default()
            },
        )
        .await
        .expect("store");
        for (email, role) in ACCOUNTS {
            store
                .create_user(
                    &Actor::System,
                    NewUser {
                        email,
                        display_name: &format!("Test {role}"),
                        role,
                        password: PASSWORD,
                    },
                )
                .await
                .expect("user");
        }
        let state = AppState::new(dir.path().to_path_buf(), store.clone(), options);
        App {
            router: equalis_web::router(state),
            store,
            clock,
            dir,
            orgs,
        }
    }

    /// Sends a request.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response: Response<Body> = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    /// `GET path` as `who`.
    pub async fn get(&self, path: &str, who: &Who) -> Reply {
        let mut b = Request::get(path);
        b = authorise(b, who);
        self.send(b.body(Body::empty()).expect("request")).await
    }

    /// `POST path` with a form body as `who`, with extra cookies.
    pub async fn post_form(
        &self,
        path: &str,
        who: &Who,
        cookies: &[(&str, &str)],
        form: &str,
    ) -> Reply {
        let mut b =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        let mut cookie: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if let Who::Cookie(c) = who {
            cookie.push(format!("equalis-session={c}"));
        }
        if !cookie.is_empty() {
            b = b.header(header::COOKIE, cookie.join("; "));
        }
        if let Who::Bearer(t) = who {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(form.to_owned())).expect("request"))
            .await
    }

    /// Signs in through the form and returns the session cookie's value.
    pub async fn sign_in(&self, email: &str) -> String {
        let reply = self.try_sign_in(email, PASSWORD).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        reply.cookie("equalis-session").expect("a session cookie")
    }

    /// A bearer API token of the account of `role`, made in the store.
    pub async fn token_for(&self, role: Role) -> Who {
        let made = self
            .store
            .create_api_token(&equalis_store::Actor::System, email_of(role), "test")
            .await
            .expect("token");
        Who::Bearer(made.secret.expose().to_owned())
    }

    /// Submits the sign-in form (after fetching it for its CSRF token).
    pub async fn try_sign_in(&self, email: &str, password: &str) -> Reply {
        let form = self.get("/login", &Who::Anonymous).await;
        let csrf = form.cookie("equalis-login").expect("a login CSRF cookie");
        assert!(form.body.contains(&csrf), "the form carries the token");
        self.post_form(
            "/login",
            &Who::Anonymous,
            &[("equalis-login", &csrf)],
            &format!(
                "email={}&password={}&csrf_token={csrf}&next=%2Findicators",
                enc(email),
                enc(password)
            ),
        )
        .await
    }

    /// Who a role is: anonymous for `public`, else a fresh session.
    pub async fn as_role(&self, role: Role) -> Who {
        if role == Role::Public {
            Who::Anonymous
        } else {
            Who::Cookie(self.sign_in(email_of(role)).await)
        }
    }
}

fn authorise(b: axum::http::request::Builder, who: &Who) -> axum::http::request::Builder {
    match who {
        Who::Anonymous => b,
        Who::Cookie(c) => b.header(header::COOKIE, format!("equalis-session={c}")),
        Who::Bearer(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
    }
}

/// Form-encodes a value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A proportion row with Wilson limits, as the engine writes one.
fn proportion(id: &str, period: &str, breakdown: &str, group: &str, n: f64, d: f64) -> ResultRow {
    let mut r = ResultRow::new(id, period, breakdown, group, Statistic::Proportion, 100.0);
    let p = n / d;
    let z: f64 = 1.959964;
    let centre = (p + z * z / (2.0 * d)) / (1.0 + z * z / d);
    let half = z * (p * (1.0 - p) / d + z * z / (4.0 * d * d)).sqrt() / (1.0 + z * z / d);
    r.numerator = Some(n);
    r.denominator = Some(d);
    r.value = Some(p * 100.0);
    r.lowercl = Some((centre - half) * 100.0);
    r.uppercl = Some((centre + half) * 100.0);
    if breakdown != "all" {
        r.comparison = Some(Comparison::Similar);
    }
    r
}

/// A gap between two groups' proportions, as the waiting-list engine writes one (the value is
/// computed again from the published counts).
fn gap_row(
    id: &str,
    period: &str,
    breakdown: &str,
    group: &str,
    a: (f64, f64),
    b: (f64, f64),
) -> ResultRow {
    let mut r = ResultRow::new(id, period, breakdown, group, Statistic::Gap, 100.0);
    r.numerator = Some(a.0);
    r.denominator = Some(a.1);
    r.comparator_numerator = Some(b.0);
    r.comparator_denominator = Some(b.1);
    r.value = Some((a.0 / a.1 - b.0 / b.1) * 100.0);
    r
}

fn count(id: &str, period: &str, breakdown: &str, group: &str, n: f64) -> ResultRow {
    let mut r = ResultRow::new(id, period, breakdown, group, Statistic::Count, 1.0);
    r.numerator = Some(n);
    r.value = Some(n);
    r
}

/// Writes results: a proportion with small ethnic groups over two periods, and a count with
/// small deprivation groups.
pub fn write_results(dir: &std::path::Path) {
    let mut rows = Vec::new();
    let smi = "smi_health_check";
    for (period, k) in [("2024/25", 0.9_f64), ("2025/26", 1.0)] {
        let p =
            |b: &str, g: &str, n: f64, d: f64| proportion(smi, period, b, g, (n * k).round(), d);
        rows.push(p("all", "All", 412.0, 980.0));
        for (g, n, d) in [
            ("1", 120.0, 310.0),
            ("2", 95.0, 240.0),
            ("3", 80.0, 190.0),
            ("4", 70.0, 150.0),
            ("5", 47.0, 90.0),
        ] {
            rows.push(p("imd_quintile", g, n, d));
        }
        for (g, n, d) in [
            ("White", 350.0, 800.0),
            ("Asian", 40.0, 110.0),
            ("Black", 15.0, 50.0),
            ("Mixed", 4.0, 12.0),
            ("Other", 3.0, 8.0),
        ] {
            rows.push(p("ethnic_group", g, n, d));
        }
        for (g, n, d) in [("Female", 210.0, 500.0), ("Male", 202.0, 480.0)] {
            rows.push(p("sex", g, n, d));
        }
    }
    let wl = "wl_over_52_weeks";
    rows.push(count(wl, "2026-03-29", "all", "All", 33.0));
    for (g, n) in [("1", 12.0), ("2", 6.0), ("3", 4.0), ("4", 10.0), ("5", 1.0)] {
        rows.push(count(wl, "2026-03-29", "imd_quintile", g, n));
    }
    // The deprivation gap in waits over 18 weeks over three weekly snapshots: narrowing for the
    // ICS; within Mixed patients, from counts small enough to be withheld.
    let gap = "wl_gap_imd_q1_q5_over_18_weeks";
    for (period, q1, mixed) in [
        ("2026-01-04", 600.0, 5.0),
        ("2026-02-01", 480.0, 40.0),
        ("2026-03-29", 350.0, 45.0),
    ] {
        rows.push(gap_row(
            gap,
            period,
            "all",
            "All",
            (q1, 1000.0),
            (300.0, 1000.0),
        ));
        rows.push(gap_row(
            gap,
            period,
            "ethnic_group",
            "Mixed",
            (mixed, 100.0),
            (30.0, 100.0),
        ));
    }
    let info = |id: &str, name: &str, area: &str, statistic: &str, unit: &str| IndicatorInfo {
        id: id.to_owned(),
        name: name.to_owned(),
        area: area.to_owned(),
        description: format!("{name}: a test indicator."),
        statistic: statistic.to_owned(),
        unit: unit.to_owned(),
        direction: "higher_is_better".to_owned(),
        target: None,
        source: "Test data".to_owned(),
    };
    let mut indicators = BTreeMap::new();
    indicators.insert(
        smi.to_owned(),
        info(
            smi,
            "SMI physical health checks",
            "Mental health",
            "proportion",
            "%",
        ),
    );
    indicators.insert(
        wl.to_owned(),
        info(
            wl,
            "Waiting over 52 weeks",
            equalis_report::WAITING_LIST_AREA,
            "count",
            "",
        ),
    );
    indicators.insert(
        gap.to_owned(),
        info(
            gap,
            "Most vs least deprived gap in waits over 18 weeks",
            equalis_report::WAITING_LIST_AREA,
            "gap",
            "percentage points",
        ),
    );
    let metadata = Metadata {
        computed_at: "2026-04-01T09:00:00Z".to_owned(),
        equalis_version: "0.1.0".to_owned(),
        iod_edition: "2025".to_owned(),
        indicators,
        ..Metadata::default()
    };
    let w = ResultsWriter::begin(dir, metadata).expect("writer");
    w.write_indicators(&rows).expect("indicators");
    w.write_inequality(&[]).expect("inequality");
    w.write_spc(&[]).expect("spc");
    w.write_batch("registration_gap", &registration_gap())
        .expect("registration gap");
    w.commit().expect("commit");
}

/// The results' registration-gap table as the engine writes it: three areas, one of whose
/// unregistered people are 3 (withheld), one with no ONS estimate.
pub fn registration_gap() -> arrow_array::RecordBatch {
    use arrow_array::{ArrayRef, Float64Array, Int32Array, Int64Array, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    let schema = Schema::new(vec![
        Field::new("rank", DataType::Int64, false),
        Field::new("lsoa21_code", DataType::Utf8, false),
        Field::new("lsoa_name", DataType::Utf8, false),
        Field::new("imd_decile", DataType::Int32, true),
        Field::new("local_authority", DataType::Utf8, false),
        Field::new("ons_population", DataType::Int64, true),
        Field::new("registered", DataType::Int64, false),
        Field::new("unregistered", DataType::Int64, true),
        Field::new("rate", DataType::Float64, true),
        Field::new("lowercl", DataType::Float64, true),
        Field::new("uppercl", DataType::Float64, true),
        Field::new("census_not_white_pct", DataType::Float64, true),
        Field::new("note", DataType::Utf8, true),
    ]);
    let columns: Vec<ArrayRef> = vec![
        Arc::new(Int64Array::from(vec![1, 2, 3])),
        Arc::new(StringArray::from(vec![
            "E01000001",
            "E01000002",
            "E01000003",
        ])),
        Arc::new(StringArray::from(vec![
            "Leicester 001A",
            "Leicester 002B",
            "Rutland 001A",
        ])),
        Arc::new(Int32Array::from(vec![Some(1), Some(1), Some(9)])),
        Arc::new(StringArray::from(vec!["Leicester", "Leicester", "Rutland"])),
        Arc::new(Int64Array::from(vec![Some(1512), Some(103), None])),
        Arc::new(Int64Array::from(vec![1203, 100, 880])),
        Arc::new(Int64Array::from(vec![Some(309), Some(3), None])),
        Arc::new(Float64Array::from(vec![Some(20.4), Some(2.9), None])),
        Arc::new(Float64Array::from(vec![Some(18.4), Some(1.0), None])),
        Arc::new(Float64Array::from(vec![Some(22.5), Some(8.2), None])),
        Arc::new(Float64Array::from(vec![Some(41.3), Some(12.0), Some(2.1)])),
        Arc::new(StringArray::from(vec![
            None,
            None,
            Some("no ONS estimate for this area"),
        ])),
    ];
    arrow_array::RecordBatch::try_new(Arc::new(schema), columns).expect("batch")
}

/// Ingests the synthetic ICS's staff, and the Citizens' Panel's volunteers and quotas, into the
/// workspace `dir` by the real ingest, names its first organisation `ORG_NAME` in the settings,
/// and returns its organisations.
pub fn write_workforce(dir: &std::path::Path) -> Vec<String> {
    let ws = equalis_workspace::Workspace::open(dir).expect("workspace");
    equalis_app::testing::ingest_synthetic_staff(&ws, &dir.join("synthetic")).expect("staff");
    equalis_app::testing::ingest_synthetic_panel(&ws, &dir.join("synthetic-panel"))
        .expect("volunteers and quotas");
    let orgs = equalis_app::workforce::organisations(&ws)
        .expect("organisations")
        .expect("staff data");
    // The settings end with their `[organisations]` table.
    let settings = dir.join("equalis.toml");
    let mut text = std::fs::read_to_string(&settings).expect("settings");
    text.push_str(&format!("{} = \"{ORG_NAME}\"\n", orgs[0]));
    std::fs::write(&settings, text).expect("settings written");
    orgs
}

/// A later compute of the SMI indicator with other figures (Black patients 25 of 50 where
/// [`write_results`] has 15 of 50), committed as the workspace's next results version.
pub fn write_results_recomputed(dir: &std::path::Path) {
    let smi = "smi_health_check";
    let mut rows = vec![proportion(smi, "2025/26", "all", "All", 430.0, 980.0)];
    for (g, n, d) in [
        ("White", 355.0, 800.0),
        ("Asian", 40.0, 110.0),
        ("Black", 25.0, 50.0),
        ("Mixed", 5.0, 12.0),
        ("Other", 5.0, 8.0),
    ] {
        rows.push(proportion(smi, "2025/26", "ethnic_group", g, n, d));
    }
    let mut indicators = BTreeMap::new();
    indicators.insert(
        smi.to_owned(),
        IndicatorInfo {
            id: smi.to_owned(),
            name: "SMI physical health checks".to_owned(),
            area: "Mental health".to_owned(),
            description: "A test indicator.".to_owned(),
            statistic: "proportion".to_owned(),
            unit: "%".to_owned(),
            direction: "higher_is_better".to_owned(),
            target: None,
            source: "Test data".to_owned(),
        },
    );
    let metadata = Metadata {
        computed_at: "2026-05-01T09:00:00Z".to_owned(),
        equalis_version: "0.1.0".to_owned(),
        iod_edition: "2025".to_owned(),
        indicators,
        ..Metadata::default()
    };
    let w = ResultsWriter::begin(dir, metadata).expect("writer");
    w.write_indicators(&rows).expect("indicators");
    w.write_inequality(&[]).expect("inequality");
    w.write_spc(&[]).expect("spc");
    w.commit().expect("commit");
}
