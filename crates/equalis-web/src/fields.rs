//! A posted form as name → values, shared by the workflow pages (impact assessments,
//! engagement): checkboxes repeat a name, and a form with errors is shown again with every
//! single-valued field as it was posted, so nothing typed is lost.

use std::collections::BTreeMap;

use axum::Form;
use axum::extract::rejection::FormRejection;

/// A posted form, as name → values (checkboxes repeat a name).
pub(crate) struct Fields(pub(crate) BTreeMap<String, Vec<String>>);

/// What a handler receives: the form, or why it could not be read.
pub(crate) type Posted = Result<Form<Vec<(String, String)>>, FormRejection>;

impl Fields {
    pub(crate) fn new(pairs: Vec<(String, String)>) -> Fields {
        let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            map.entry(k).or_default().push(v);
        }
        Fields(map)
    }

    /// The first value posted under `name`, or "" when there is none.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    /// Every value posted under `name`, in order.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0.get(name).cloned().unwrap_or_default()
    }

    /// The values to show again in the form: every single-valued field as posted, without
    /// the CSRF token.
    pub(crate) fn values(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter(|(k, _)| k.as_str() != "csrf_token")
            .map(|(k, v)| (k.clone(), v.first().cloned().unwrap_or_default()))
            .collect()
    }
}
