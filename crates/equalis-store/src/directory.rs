//! The directory of services (Open Referral UK 3.0): records saved whole as their ORUK JSON,
//! with the columns the directory searches on (text, taxonomy term, the point of each
//! location) written beside them in the same transaction.
//!
//! **Invariant:** a record's index rows (`directory_service_terms`,
//! `directory_service_at_locations`, the `search_text`) are always those of its stored `doc`:
//! both are written together, from the same [`Service`], or not at all.
//!
//! **Invariant:** every change is audited in its transaction: one entry per record created or
//! updated (`directory.<kind>.created|updated`), none for a record saved unchanged, so
//! importing the same file twice changes nothing and records nothing.
//!
//! Proximity search filters on a bounding box in SQL (plain comparisons, the same on SQLite
//! and PostgreSQL, served by an index) and then computes the exact haversine distance in Rust
//! ([`equalis_directory::Point::distance_m`]), so no database extension is needed.

use std::collections::HashMap;

use equalis_directory::{
    Organization, Point, Record, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm, fresh_since,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::audit::{self, Actor};
use crate::clock::to_secs;
use crate::{Store, StoreError};

/// The audit log's actions for the directory.
pub mod action {
    /// A service added to the directory.
    pub const SERVICE_CREATED: &str = "directory.service.created";
    /// A service changed.
    pub const SERVICE_UPDATED: &str = "directory.service.updated";
    /// An organization added.
    pub const ORGANIZATION_CREATED: &str = "directory.organization.created";
    /// An organization changed.
    pub const ORGANIZATION_UPDATED: &str = "directory.organization.updated";
    /// A taxonomy added.
    pub const TAXONOMY_CREATED: &str = "directory.taxonomy.created";
    /// A taxonomy changed.
    pub const TAXONOMY_UPDATED: &str = "directory.taxonomy.updated";
    /// A taxonomy term added.
    pub const TAXONOMY_TERM_CREATED: &str = "directory.taxonomy_term.created";
    /// A taxonomy term changed.
    pub const TAXONOMY_TERM_UPDATED: &str = "directory.taxonomy_term.updated";
}

/// What saving a record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It was new.
    Created,
    /// It replaced a different version.
    Updated,
    /// It was stored already, exactly so.
    Unchanged,
}

/// One record saved (a service saves its nested organization and taxonomy terms too, each
/// reported on its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// `service`, `organization`, `taxonomy` or `taxonomy_term`.
    pub kind: &'static str,
    /// Its identifier.
    pub id: String,
    /// What happened.
    pub change: Change,
}

/// Which page of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// The page, from 1.
    pub page: u64,
    /// Items per page, 1 or more.
    pub per_page: u64,
}

impl Default for Paging {
    fn default() -> Paging {
        Paging {
            page: 1,
            per_page: 50,
        }
    }
}

impl Paging {
    fn offset(self) -> u64 {
        self.page
            .saturating_sub(1)
            .saturating_mul(self.per_page.max(1))
    }

    fn slice<T>(self, items: Vec<T>) -> Vec<T> {
        let start = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let len = usize::try_from(self.per_page.max(1)).unwrap_or(usize::MAX);
        items.into_iter().skip(start).take(len).collect()
    }
}

/// One page of a listing and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many match, over every page.
    pub total_items: u64,
    /// The paging asked for.
    pub paging: Paging,
}

/// What to look for among services.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceQuery {
    /// Words that must each appear in the name, description or organization name (any case).
    pub text: Option<String>,
    /// A taxonomy term the service (or what it nests) carries.
    pub taxonomy_term_id: Option<String>,
    /// Terms the service must carry as well, every one of them (a need, a language spoken
    /// and accessibility features, searched together).
    pub all_terms: Vec<String>,
    /// Within this many metres of this point (at any of the service's locations).
    pub near: Option<(Point, f64)>,
}

/// A service found, with its distance when the search was by proximity.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceHit {
    /// The service as stored.
    pub service: Service,
    /// Metres from the point searched from to its nearest location.
    pub distance_m: Option<f64>,
}

/// A service at a location found, with its service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAtLocationHit {
    /// The service at a location as stored (its location nested when it was given).
    pub service_at_location: ServiceAtLocation,
    /// Its service.
    pub service: Service,
    /// Metres from the point searched from, when the search was by proximity.
    pub distance_m: Option<f64>,
}

/// A value bound to a query built at run time.
enum Arg {
    Text(String),
    Real(f64),
}

/// A WHERE clause over `directory_services s` (and, with a point, the locations `l`) and its
/// arguments, numbered from `$1`.
struct Filter {
    sql: Vec<String>,
    args: Vec<Arg>,
}

impl Filter {
    fn new(q: &ServiceQuery, with_point: bool) -> Filter {
        let mut f = Filter {
            sql: Vec::new(),
            args: Vec::new(),
        };
        if let Some(text) = &q.text {
            for word in text.to_lowercase().split_whitespace() {
                f.args.push(Arg::Text(format!("%{}%", escape_like(word))));
                f.sql
                    .push(format!("s.search_text LIKE ${} ESCAPE '\\'", f.args.len()));
            }
        }
        for term in q.taxonomy_term_id.iter().chain(&q.all_terms) {
            f.args.push(Arg::Text(term.clone()));
            f.sql.push(format!(
                "s.id IN (SELECT service_id FROM directory_service_terms WHERE taxonomy_term_id = ${})",
                f.args.len()
            ));
        }
        if let (Some((point, radius)), true) = (q.near, with_point) {
            let b = point.bounding_box(radius);
            for (col, lo, hi) in [
                ("l.latitude", b.min_lat, b.max_lat),
                ("l.longitude", b.min_lon, b.max_lon),
            ] {
                f.args.push(Arg::Real(lo));
                f.args.push(Arg::Real(hi));
                f.sql.push(format!(
                    "{col} BETWEEN ${} AND ${}",
                    f.args.len() - 1,
                    f.args.len()
                ));
            }
        }
        f
    }

    fn clause(&self) -> String {
        if self.sql.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.sql.join(" AND "))
        }
    }

    fn next(&self) -> usize {
        self.args.len() + 1
    }

    fn bind<'q>(
        &self,
        mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
        for a in &self.args {
            query = match a {
                Arg::Text(s) => query.bind(s.clone()),
                Arg::Real(x) => query.bind(*x),
            };
        }
        query
    }
}

/// Escapes `%`, `_` and the escape character itself for a LIKE pattern.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn to_doc<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|e| StoreError::Corrupt(format!("a directory record cannot be written: {e}")))
}

impl Store {
    /// The rows of `from` that pass `f` (`select`ed, in `order`), one page of them, with how
    /// many pass in all: the count and the page of every unsorted-by-distance search.
    async fn filtered_page(
        &self,
        f: &Filter,
        select: &str,
        from: &str,
        order: &str,
        paging: Paging,
    ) -> Result<(i64, Vec<AnyRow>), StoreError> {
        let total: i64 = f
            .bind(sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT COUNT(*) AS n {from}{}",
                f.clause()
            ))))
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        let n = f.next();
        let rows = f
            .bind(sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {select} {from}{} ORDER BY {order} LIMIT ${} OFFSET ${}",
                f.clause(),
                n,
                n + 1
            ))))
            .bind(sql_i64(paging.per_page.max(1)))
            .bind(sql_i64(paging.offset()))
            .fetch_all(self.pool())
            .await?;
        Ok((total, rows))
    }
}

fn from_doc<T: DeserializeOwned>(row: &AnyRow, column: &str) -> Result<T, StoreError> {
    let doc: String = row.try_get(column)?;
    serde_json::from_str(&doc).map_err(|e| {
        StoreError::Corrupt(format!(
            "a directory record is not the ORUK JSON equalis wrote: {e}"
        ))
    })
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn sql_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The text `search=` matches: name, description and organization name, lower-cased.
fn search_text(s: &Service) -> String {
    let mut t = s.name.to_lowercase();
    for part in [
        s.description.as_deref(),
        s.organization.as_ref().map(|o| o.name.as_str()),
    ]
    .into_iter()
    .flatten()
    {
        t.push('\n');
        t.push_str(&part.to_lowercase());
    }
    t
}

/// The existing doc of `id` in `table`, if any.
async fn existing(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT doc FROM {table} WHERE id = $1"
    )))
    .bind(id.to_string())
    .fetch_optional(&mut **tx)
    .await?)
}

impl Store {
    /// Saves directory records in one transaction (all or none), each created or replacing
    /// the stored version with the same identifier, with an audit entry for each that changed.
    /// A service saves its nested organization and taxonomy terms too. A service_at_location
    /// that another service already has is refused ([`StoreError::DirectoryConflict`]).
    pub async fn directory_save(
        &self,
        actor: &Actor,
        records: &[Record],
    ) -> Result<Vec<Saved>, StoreError> {
        let now = self.now();
        let mut tx = self.begin_audited().await?;
        let mut saved = Vec::new();
        for record in records {
            match record {
                Record::Service(s) => {
                    if let Some(o) = &s.organization {
                        saved.push(save_organization(&mut tx, now, actor, o).await?);
                    }
                    for t in s.nested_terms() {
                        saved.push(save_term(&mut tx, now, actor, t).await?);
                    }
                    saved.push(save_service(&mut tx, now, actor, s).await?);
                }
                Record::Organization(o) => {
                    saved.push(save_organization(&mut tx, now, actor, o).await?);
                }
                Record::Taxonomy(t) => {
                    for term in &t.taxonomy_terms {
                        // Nesting says which taxonomy a term is of; kept as its taxonomy_id
                        // so the term, stored on its own, still says so.
                        let mut term = term.clone();
                        term.taxonomy_id.get_or_insert_with(|| t.id.clone());
                        saved.push(save_term(&mut tx, now, actor, &term).await?);
                    }
                    saved.push(save_taxonomy(&mut tx, now, actor, t).await?);
                }
                Record::TaxonomyTerm(t) => saved.push(save_term(&mut tx, now, actor, t).await?),
            }
        }
        tx.commit().await?;
        Ok(saved)
    }

    /// The service `id`, with everything it nests.
    pub async fn directory_service(&self, id: &str) -> Result<Option<Service>, StoreError> {
        let row = sqlx::query("SELECT doc FROM directory_services WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(|r| from_doc(r, "doc")).transpose()
    }

    /// The services `ids` (those that exist), by identifier.
    async fn directory_services_by_id(
        &self,
        ids: &[&str],
    ) -> Result<HashMap<String, Service>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, doc FROM directory_services WHERE id IN ({})",
            placeholders.join(", ")
        )));
        for id in ids {
            query = query.bind((*id).to_string());
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>("id")?, from_doc(r, "doc")?)))
            .collect()
    }

    /// Services matching `q`, by name (or, searching by proximity, nearest first), one page.
    pub async fn directory_services(
        &self,
        q: &ServiceQuery,
        paging: Paging,
    ) -> Result<Page<ServiceHit>, StoreError> {
        let Some((point, radius)) = q.near else {
            let f = Filter::new(q, false);
            let (total, rows) = self
                .filtered_page(
                    &f,
                    "s.doc",
                    "FROM directory_services s",
                    "s.name, s.id",
                    paging,
                )
                .await?;
            let items = rows
                .iter()
                .map(|r| {
                    Ok(ServiceHit {
                        service: from_doc(r, "doc")?,
                        distance_m: None,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            return Ok(Page {
                items,
                total_items: count(total),
                paging,
            });
        };
        // Candidates in the bounding box, then the exact distance to each service's nearest
        // location; the page is cut after sorting by distance.
        let f = Filter::new(q, true);
        let rows = f
            .bind(sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT s.id, s.name, l.latitude, l.longitude
                 FROM directory_services s JOIN directory_service_at_locations l ON l.service_id = s.id{}",
                f.clause()
            ))))
            .fetch_all(self.pool())
            .await?;
        let mut nearest: HashMap<String, (f64, String)> = HashMap::new();
        for r in &rows {
            let (Some(lat), Some(lon)) = (
                r.try_get::<Option<f64>, _>("latitude")?,
                r.try_get::<Option<f64>, _>("longitude")?,
            ) else {
                continue;
            };
            let Some(p) = Point::new(lat, lon) else {
                continue;
            };
            let d = point.distance_m(p);
            if d > radius {
                continue;
            }
            let id: String = r.try_get("id")?;
            let name: String = r.try_get("name")?;
            nearest
                .entry(id)
                .and_modify(|e| e.0 = e.0.min(d))
                .or_insert((d, name));
        }
        let mut found: Vec<(String, f64, String)> = nearest
            .into_iter()
            .map(|(id, (d, name))| (id, d, name))
            .collect();
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)).then(a.0.cmp(&b.0)));
        let total = found.len() as u64;
        let page = paging.slice(found);
        // The page's services in one query, not one each: under load a query per service
        // queues on the pool once per item of the page.
        let ids: Vec<&str> = page.iter().map(|(id, _, _)| id.as_str()).collect();
        let mut docs = self.directory_services_by_id(&ids).await?;
        let mut items = Vec::with_capacity(page.len());
        for (id, d, _) in page {
            let service = docs.remove(&id).ok_or_else(|| {
                StoreError::Corrupt(format!("service {id} vanished during a search"))
            })?;
            items.push(ServiceHit {
                service,
                distance_m: Some(d),
            });
        }
        Ok(Page {
            items,
            total_items: total,
            paging,
        })
    }

    /// Services at locations whose service matches `q` (and, by proximity, whose own
    /// location is near), by service name and identifier (or nearest first), one page.
    pub async fn directory_service_at_locations(
        &self,
        q: &ServiceQuery,
        paging: Paging,
    ) -> Result<Page<ServiceAtLocationHit>, StoreError> {
        let f = Filter::new(q, true);
        let from = "FROM directory_service_at_locations l JOIN directory_services s ON s.id = l.service_id";
        let Some((point, radius)) = q.near else {
            let (total, rows) = self
                .filtered_page(
                    &f,
                    "l.doc AS sal, s.doc AS service",
                    from,
                    "s.name, s.id, l.id",
                    paging,
                )
                .await?;
            let items = rows
                .iter()
                .map(|r| {
                    Ok(ServiceAtLocationHit {
                        service_at_location: from_doc(r, "sal")?,
                        service: from_doc(r, "service")?,
                        distance_m: None,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            return Ok(Page {
                items,
                total_items: count(total),
                paging,
            });
        };
        let rows = f
            .bind(sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT l.doc AS sal, s.doc AS service, s.name, l.id, l.latitude, l.longitude {from}{}",
                f.clause()
            ))))
            .fetch_all(self.pool())
            .await?;
        let mut found = Vec::new();
        for r in &rows {
            let (Some(lat), Some(lon)) = (
                r.try_get::<Option<f64>, _>("latitude")?,
                r.try_get::<Option<f64>, _>("longitude")?,
            ) else {
                continue;
            };
            let Some(p) = Point::new(lat, lon) else {
                continue;
            };
            let d = point.distance_m(p);
            if d <= radius {
                let name: String = r.try_get("name")?;
                let id: String = r.try_get("id")?;
                found.push((d, name, id, r));
            }
        }
        found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let total = found.len() as u64;
        let items = paging
            .slice(found)
            .into_iter()
            .map(|(d, _, _, r)| {
                Ok(ServiceAtLocationHit {
                    service_at_location: from_doc(r, "sal")?,
                    service: from_doc(r, "service")?,
                    distance_m: Some(d),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Page {
            items,
            total_items: total,
            paging,
        })
    }

    /// The taxonomy `id`, with its terms (by name).
    pub async fn directory_taxonomy(&self, id: &str) -> Result<Option<Taxonomy>, StoreError> {
        let row = sqlx::query("SELECT doc FROM directory_taxonomies WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let mut taxonomy: Taxonomy = from_doc(&row, "doc")?;
        let terms = sqlx::query(
            "SELECT doc FROM directory_taxonomy_terms WHERE taxonomy_id = $1 ORDER BY name, id",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        taxonomy.taxonomy_terms = terms
            .iter()
            .map(|r| from_doc(r, "doc"))
            .collect::<Result<_, _>>()?;
        Ok(Some(taxonomy))
    }

    /// The taxonomy term `id`.
    pub async fn directory_taxonomy_term(
        &self,
        id: &str,
    ) -> Result<Option<TaxonomyTerm>, StoreError> {
        let row = sqlx::query("SELECT doc FROM directory_taxonomy_terms WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(|r| from_doc(r, "doc")).transpose()
    }

    /// The service at a location `id`, with its service.
    pub async fn directory_service_at_location(
        &self,
        id: &str,
    ) -> Result<Option<ServiceAtLocationHit>, StoreError> {
        let row = sqlx::query(
            "SELECT l.doc AS sal, s.doc AS service
             FROM directory_service_at_locations l JOIN directory_services s ON s.id = l.service_id
             WHERE l.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(|r| {
                Ok(ServiceAtLocationHit {
                    service_at_location: from_doc(r, "sal")?,
                    service: from_doc(r, "service")?,
                    distance_m: None,
                })
            })
            .transpose()
    }

    /// The taxonomies, by name, one page.
    pub async fn directory_taxonomies(&self, paging: Paging) -> Result<Page<Taxonomy>, StoreError> {
        self.directory_list("directory_taxonomies", None, paging)
            .await
    }

    /// The taxonomy terms (of one taxonomy, if given), by name, one page.
    pub async fn directory_taxonomy_terms(
        &self,
        taxonomy_id: Option<&str>,
        paging: Paging,
    ) -> Result<Page<TaxonomyTerm>, StoreError> {
        self.directory_list("directory_taxonomy_terms", taxonomy_id, paging)
            .await
    }

    async fn directory_list<T: DeserializeOwned>(
        &self,
        table: &'static str,
        taxonomy_id: Option<&str>,
        paging: Paging,
    ) -> Result<Page<T>, StoreError> {
        let (clause, first) = match taxonomy_id {
            Some(_) => (" WHERE taxonomy_id = $1", 2),
            None => ("", 1),
        };
        let mut count_q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM {table}{clause}"
        )));
        let mut page_q = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT doc FROM {table}{clause} ORDER BY name, id LIMIT ${first} OFFSET ${}",
            first + 1
        )));
        if let Some(t) = taxonomy_id {
            count_q = count_q.bind(t.to_string());
            page_q = page_q.bind(t.to_string());
        }
        let total: i64 = count_q.fetch_one(self.pool()).await?.try_get("n")?;
        let rows = page_q
            .bind(sql_i64(paging.per_page.max(1)))
            .bind(sql_i64(paging.offset()))
            .fetch_all(self.pool())
            .await?;
        Ok(Page {
            items: rows
                .iter()
                .map(|r| from_doc(r, "doc"))
                .collect::<Result<_, _>>()?,
            total_items: count(total),
            paging,
        })
    }

    /// Services not reviewed in the 12 months before `today` (or never), oldest review first:
    /// the list an editor works through ([`equalis_directory::freshness`]).
    pub async fn directory_stale_services(
        &self,
        today: jiff::civil::Date,
    ) -> Result<Vec<Service>, StoreError> {
        // `assured_date` is stored only when it is a date (YYYY-MM-DD), so text order is date
        // order.
        let rows = sqlx::query(
            "SELECT doc FROM directory_services
             WHERE assured_date IS NULL OR assured_date < $1
             ORDER BY assured_date IS NOT NULL, assured_date, name, id",
        )
        .bind(fresh_since(today).to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| from_doc(r, "doc")).collect()
    }
}

async fn audit_change(
    tx: &mut Transaction<'static, Any>,
    now: jiff::Timestamp,
    actor: &Actor,
    change: Change,
    actions: (&str, &str),
    subject: String,
    name: &str,
) -> Result<(), StoreError> {
    let action = match change {
        Change::Created => actions.0,
        Change::Updated => actions.1,
        Change::Unchanged => return Ok(()),
    };
    audit::append(tx, now, actor, action, &subject, &json!({ "name": name })).await?;
    Ok(())
}

fn change_of(old: Option<&str>, new: &str) -> Change {
    match old {
        None => Change::Created,
        Some(o) if o == new => Change::Unchanged,
        Some(_) => Change::Updated,
    }
}

async fn save_service(
    tx: &mut Transaction<'static, Any>,
    now: jiff::Timestamp,
    actor: &Actor,
    s: &Service,
) -> Result<Saved, StoreError> {
    let doc = to_doc(s)?;
    let old = existing(tx, "directory_services", &s.id).await?;
    let change = change_of(old.as_deref(), &doc);
    if change != Change::Unchanged {
        for sal in &s.service_at_locations {
            let owner: Option<String> = sqlx::query_scalar(
                "SELECT service_id FROM directory_service_at_locations WHERE id = $1",
            )
            .bind(sal.id.clone())
            .fetch_optional(&mut **tx)
            .await?;
            if let Some(owner) = owner
                && owner != s.id
            {
                return Err(StoreError::DirectoryConflict(format!(
                    "service_at_location {} of service {} belongs to service {owner} already",
                    sal.id, s.id
                )));
            }
        }
        // An assured_date that is not a date is kept in the doc (validation refuses it on
        // import; an older record may hold one) but indexed as never reviewed.
        let assured = s
            .assured_date
            .as_deref()
            .filter(|d| d.parse::<jiff::civil::Date>().is_ok())
            .map(str::to_string);
        let args = (
            s.organization_ref().map(str::to_string),
            s.name.clone(),
            search_text(s),
            s.status.as_str().to_string(),
            assured,
            doc.clone(),
            to_secs(now),
            s.id.clone(),
        );
        let sql = if change == Change::Created {
            "INSERT INTO directory_services
                (organization_id, name, search_text, status, assured_date, doc, updated_at, id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        } else {
            "UPDATE directory_services SET organization_id = $1, name = $2, search_text = $3,
                status = $4, assured_date = $5, doc = $6, updated_at = $7 WHERE id = $8"
        };
        sqlx::query(sql)
            .bind(args.0)
            .bind(args.1)
            .bind(args.2)
            .bind(args.3)
            .bind(args.4)
            .bind(args.5)
            .bind(args.6)
            .bind(args.7)
            .execute(&mut **tx)
            .await?;
        for table in ["directory_service_terms", "directory_service_at_locations"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE service_id = $1"
            )))
            .bind(s.id.clone())
            .execute(&mut **tx)
            .await?;
        }
        for term in s.taxonomy_term_ids() {
            sqlx::query(
                "INSERT INTO directory_service_terms (taxonomy_term_id, service_id) VALUES ($1, $2)",
            )
            .bind(term.to_string())
            .bind(s.id.clone())
            .execute(&mut **tx)
            .await?;
        }
        for sal in &s.service_at_locations {
            let point = sal
                .location
                .as_ref()
                .and_then(|l| Point::new(l.latitude?, l.longitude?));
            sqlx::query(
                "INSERT INTO directory_service_at_locations
                    (id, service_id, location_id, latitude, longitude, doc)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(sal.id.clone())
            .bind(s.id.clone())
            .bind(
                sal.location
                    .as_ref()
                    .map(|l| l.id.clone())
                    .or(sal.location_id.clone()),
            )
            .bind(point.map(Point::lat))
            .bind(point.map(Point::lon))
            .bind(to_doc(sal)?)
            .execute(&mut **tx)
            .await?;
        }
    }
    audit_change(
        tx,
        now,
        actor,
        change,
        (action::SERVICE_CREATED, action::SERVICE_UPDATED),
        format!("service:{}", s.id),
        &s.name,
    )
    .await?;
    Ok(Saved {
        kind: "service",
        id: s.id.clone(),
        change,
    })
}

/// Saves a record kept whole with its name (organizations, taxonomies, terms).
#[allow(clippy::too_many_arguments)] // Each is one column or one audit field.
async fn save_named(
    tx: &mut Transaction<'static, Any>,
    now: jiff::Timestamp,
    actor: &Actor,
    kind: &'static str,
    table: &'static str,
    actions: (&str, &str),
    (id, name, taxonomy_id): (&str, &str, Option<&str>),
    doc: String,
) -> Result<Saved, StoreError> {
    let old = existing(tx, table, id).await?;
    let change = change_of(old.as_deref(), &doc);
    let with_taxonomy = table == "directory_taxonomy_terms";
    let sql = match (change, with_taxonomy) {
        (Change::Created, false) => {
            format!("INSERT INTO {table} (name, doc, updated_at, id) VALUES ($1, $2, $3, $4)")
        }
        (Change::Updated, false) => {
            format!("UPDATE {table} SET name = $1, doc = $2, updated_at = $3 WHERE id = $4")
        }
        (Change::Created, true) => format!(
            "INSERT INTO {table} (name, doc, updated_at, id, taxonomy_id) VALUES ($1, $2, $3, $4, $5)"
        ),
        (Change::Updated, true) => format!(
            "UPDATE {table} SET name = $1, doc = $2, updated_at = $3, taxonomy_id = $5 WHERE id = $4"
        ),
        (Change::Unchanged, _) => String::new(),
    };
    if !sql.is_empty() {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name.to_string())
            .bind(doc)
            .bind(to_secs(now))
            .bind(id.to_string());
        if with_taxonomy {
            q = q.bind(taxonomy_id.map(str::to_string));
        }
        q.execute(&mut **tx).await?;
    }
    audit_change(
        tx,
        now,
        actor,
        change,
        actions,
        format!("{kind}:{id}"),
        name,
    )
    .await?;
    Ok(Saved {
        kind,
        id: id.to_string(),
        change,
    })
}

async fn save_organization(
    tx: &mut Transaction<'static, Any>,
    now: jiff::Timestamp,
    actor: &Actor,
    o: &Organization,
) -> Result<Saved, StoreError> {
    save_named(
        tx,
        now,
        actor,
        "organization",
        "directory_organizations",
        (action::ORGANIZATION_CREATED, action::ORGANIZATION_UPDATED),
        (&o.id, &o.name, None),
        to_doc(o)?,
    )
    .await
}

async fn save_taxonomy(
    tx: &mut Transaction<'static, Any>,
    now: jiff::Timestamp,
    actor: &Actor,
    t: &Taxonomy,
) -> Result<Saved, StoreError> {
    // The terms are kept as terms; the taxonomy's own record holds none, so a term edited
    // later is not contradicted by a stale copy.
    let mut bare = t.clone();
    bare.taxonomy_terms.clear();
    save_named(
        tx,
        now,
        actor,
        "taxonomy",
        "directory_taxonomies",
        (action::TAXONOMY_CREATED, action::TAXONOMY_UPDATED),
        (&t.id, &t.name, None),
        to_doc(&bare)?,
    )
    .await
}

async fn save_term(
    tx: &mut Transaction<'static, Any>,
    now: jiff::Timestamp,
    actor: &Actor,
    t: &TaxonomyTerm,
) -> Result<Saved, StoreError> {
    save_named(
        tx,
        now,
        actor,
        "taxonomy_term",
        "directory_taxonomy_terms",
        (action::TAXONOMY_TERM_CREATED, action::TAXONOMY_TERM_UPDATED),
        (&t.id, &t.name, t.taxonomy_id.as_deref()),
        to_doc(t)?,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }

    #[test]
    fn paging_slices() {
        let p = Paging {
            page: 2,
            per_page: 3,
        };
        assert_eq!(p.slice((1..=8).collect()), vec![4, 5, 6]);
        let beyond = Paging {
            page: 9,
            per_page: 3,
        };
        assert!(beyond.slice((1..=8).collect::<Vec<_>>()).is_empty());
    }
}
