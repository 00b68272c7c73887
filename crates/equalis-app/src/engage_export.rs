//! The export of an engagement project's contributions (issue 14, item 5) as CSV or Excel,
//! for its moderators: every idea, discussion and reply with what moderation and the public
//! made of it. Participants' emails (personal data) are included only for admins; monitoring
//! answers are never exported with contributions (they are kept apart, and leave equalis only
//! as who-is-heard's published counts). Every export is audited, with its format and whether
//! it held personal data.
//!
//! What people typed goes out as text, never as a formula: in the CSV a cell beginning with
//! `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice against
//! CSV injection), and the workbook writes every typed value as a string cell. NHS numbers
//! typed into a contribution are redacted on the way out.

use anyhow::Context;
use equalis_store::engage::{StoredProject, action, is_moderator};
use equalis_store::{Actor, Role, Store, User};
use equalis_vocab::redact_nhs_numbers;
use rust_xlsxwriter::{Format, Workbook};

use crate::directory::store_error;
use crate::output::spreadsheet_text;
use crate::{Error, Result};

/// The file an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Comma-separated values (UTF-8).
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl ExportFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }

    /// The media type.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        }
    }
}

/// One value of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// Typed by someone, or a label: always text.
    Text(String),
    /// An id or a count.
    Number(i64),
    /// Nothing.
    Empty,
}

/// An export ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The file name to offer.
    pub filename: String,
    /// Its format.
    pub format: ExportFormat,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Contributions exported.
    pub rows: usize,
    /// Whether it holds participants' emails.
    pub personal_data: bool,
}

fn typed(s: &str) -> Value {
    if s.is_empty() {
        Value::Empty
    } else {
        Value::Text(redact_nhs_numbers(s).into_owned())
    }
}

/// Exports the contributions of `project` for `by` (a moderator) in `format`, audited.
pub async fn contributions(
    store: &Store,
    by: &User,
    project: &StoredProject,
    format: ExportFormat,
) -> Result<Export> {
    if !is_moderator(by) {
        return Err(Error::invalid(format!(
            "only moderators (the admin and edi_lead roles) may export contributions; {} is {}",
            by.email, by.role
        )));
    }
    let personal = by.role == Role::Admin;
    let posts = store.posts(project.id).await.map_err(store_error)?;
    let emails: std::collections::BTreeMap<i64, String> = if personal {
        store
            .participants(project.id)
            .await
            .map_err(store_error)?
            .into_iter()
            .filter_map(|x| x.email.map(|e| (x.id, e)))
            .collect()
    } else {
        Default::default()
    };
    let mut head = vec!["id", "kind", "thread", "title", "body", "author"];
    if personal {
        head.push("email");
    }
    head.extend([
        "posted",
        "supports",
        "visibility",
        "idea_status",
        "status_reason",
    ]);
    let rows: Vec<Vec<Value>> = posts
        .iter()
        .map(|x| {
            let mut r = vec![
                Value::Number(x.id),
                Value::Text(x.kind.as_str().to_owned()),
                x.parent_id.map_or(Value::Empty, Value::Number),
                typed(&x.title),
                typed(&x.body),
                typed(&x.author),
            ];
            if personal {
                r.push(
                    emails
                        .get(&x.participant_id)
                        .map_or(Value::Empty, |e| typed(e)),
                );
            }
            r.extend([
                Value::Text(x.created_at.strftime("%Y-%m-%d").to_string()),
                Value::Number(i64::try_from(x.supports).unwrap_or(i64::MAX)),
                Value::Text(format!("{:?}", x.visibility)),
                Value::Text(x.idea_status.as_str().to_owned()),
                typed(&x.status_reason),
            ]);
            r
        })
        .collect();
    let bytes = match format {
        ExportFormat::Csv => write_csv(&head, &rows),
        ExportFormat::Xlsx => write_xlsx(&project.project.title, &head, &rows),
    }
    .map_err(Error::from)?;
    store
        .record(
            &Actor::User(by.email.clone()),
            action::EXPORTED,
            &format!("engage project {}", project.id),
            serde_json::json!({
                "rows": rows.len(),
                "personal_data": personal,
                "format": format.extension(),
            }),
        )
        .await
        .map_err(store_error)?;
    Ok(Export {
        filename: format!(
            "engagement-{}-contributions.{}",
            project.id,
            format.extension()
        ),
        format,
        bytes,
        rows: rows.len(),
        personal_data: personal,
    })
}

fn write_csv(head: &[&str], rows: &[Vec<Value>]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(head)?;
    for r in rows {
        w.write_record(r.iter().map(|v| match v {
            Value::Text(s) => spreadsheet_text(s).into_owned(),
            Value::Number(n) => n.to_string(),
            Value::Empty => String::new(),
        }))?;
    }
    w.into_inner().context("writing the contributions CSV")
}

fn write_xlsx(title: &str, head: &[&str], rows: &[Vec<Value>]) -> anyhow::Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Contributions")?;
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, cells) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in cells.iter().enumerate() {
            let c = c as u16;
            match v {
                // A string cell is never evaluated: "=1+1" typed by someone stays text.
                Value::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Value::Number(n) => {
                    ws.write_number(r, c, *n as f64)?;
                }
                Value::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let props = rust_xlsxwriter::DocProperties::new().set_title(title);
    wb.set_properties(&props);
    wb.save_to_buffer()
        .context("writing the contributions workbook")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_in_csv() {
        // The one rule of every CSV download (`output::spreadsheet_text`), applied here.
        let csv = write_csv(
            &["text"],
            &[
                vec![Value::Text("=1+1".into())],
                vec![Value::Text("-2+3".into())],
                vec![Value::Text("@SUM(A1)".into())],
                vec![Value::Text("Evening clinics".into())],
                vec![Value::Text("-2".into())],
            ],
        )
        .unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text, "text\n'=1+1\n'-2+3\n'@SUM(A1)\nEvening clinics\n-2\n");
    }

    #[test]
    fn nhs_numbers_typed_are_redacted() {
        // 943 476 5919 passes the Modulus 11 check.
        let Value::Text(t) = typed("My number is 943 476 5919, please call") else {
            panic!("text")
        };
        assert!(!t.contains("5919"), "{t}");
        assert_eq!(typed(""), Value::Empty);
    }
}
