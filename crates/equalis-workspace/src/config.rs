//! `equalis.toml`: the workspace settings, with their defaults written out on `init` so
//! the file documents itself.

use equalis_vocab::IodEdition;

/// Workspace settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The IoD edition every deprivation field is derived from. 2025 by default; an LSOA
    /// 2011 code is bridged to its best-fit 2021 LSOA (see `equalis-refdata`).
    pub iod_edition: IodEdition,
    /// The share of the real population the data hold: absent (1) for real extracts. `equalis
    /// demo` sets it for a synthetic ICS made at a smaller scale, so that population estimates
    /// compared with the data (the GP registration gap) are scaled to match.
    pub population_scale: Option<f64>,
    /// Names of the organisations by ODS code (`RWE = "University Hospitals of Leicester NHS
    /// Trust"`), for the report and pages; a code without a name is shown as the code.
    pub organisations: std::collections::BTreeMap<String, String>,
    /// Whether `equalis serve` shows the published pages (and the published API) to anyone
    /// without signing in. Off by default: a workspace is private until its owner says so.
    pub public_pages: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            iod_edition: IodEdition::Iod2025,
            population_scale: None,
            organisations: std::collections::BTreeMap::new(),
            public_pages: false,
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    iod_edition: Option<toml::Value>,
    population_scale: Option<f64>,
    organisations: Option<std::collections::BTreeMap<String, String>>,
    public_pages: Option<bool>,
}

impl Config {
    pub(crate) fn to_toml(&self) -> String {
        let year = match self.iod_edition {
            IodEdition::Iod2019 => 2019,
            IodEdition::Iod2025 => 2025,
        };
        let mut text = format!(
            "# equalis workspace settings\n\n\
             # English Indices of Deprivation edition for IMD decile, quintile and Core20:\n\
             # 2025 (LSOA 2021) or 2019 (LSOA 2011). Codes of the other vintage are bridged\n\
             # to their best-fit LSOA. Changing it applies to data ingested afterwards.\n\
             iod_edition = {year}\n"
        );
        if let Some(scale) = self.population_scale {
            text.push_str(&format!(
                "\n# The share of the real population the data hold (a synthetic ICS made at a\n\
                 # smaller scale): population estimates are scaled to match.\n\
                 population_scale = {scale:?}\n"
            ));
        }
        if self.public_pages {
            text.push_str(
                "\n# `equalis serve` shows the published pages to anyone without signing in.\n\
                 public_pages = true\n",
            );
        }
        text.push_str(
            "\n# Organisations' names by ODS code, shown with the code in the report:\n\
             [organisations]\n",
        );
        if self.organisations.is_empty() {
            text.push_str("# RWE = \"University Hospitals of Leicester NHS Trust\"\n");
        }
        for (code, name) in &self.organisations {
            // A TOML basic string: quotes and backslashes escaped.
            let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
            text.push_str(&format!("{code} = \"{escaped}\"\n"));
        }
        text
    }

    pub(crate) fn parse(text: &str) -> Result<Config, String> {
        let raw: Raw = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut config = Config::default();
        if let Some(v) = raw.iod_edition {
            let s = match &v {
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            config.iod_edition = IodEdition::parse(&s).map_err(|e| format!("iod_edition: {e}"))?;
        }
        if let Some(scale) = raw.population_scale {
            if !(scale.is_finite() && scale > 0.0) {
                return Err(format!(
                    "population_scale: {scale} is not a scale (a number more than 0)"
                ));
            }
            config.population_scale = Some(scale);
        }
        config.organisations = raw.organisations.unwrap_or_default();
        config.public_pages = raw.public_pages.unwrap_or(false);
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let c = Config::default();
        assert_eq!(Config::parse(&c.to_toml()).unwrap(), c);
        assert_eq!(
            Config::parse("iod_edition = \"2019\"").unwrap().iod_edition,
            IodEdition::Iod2019
        );
        assert!(
            Config::parse("iod_edition = 2015")
                .unwrap_err()
                .contains("iod_edition")
        );
        assert!(Config::parse("colour = 1").is_err());
        let named = Config {
            population_scale: Some(0.05),
            organisations: [(
                "RWE".to_owned(),
                "University Hospitals of \"Leicester\"".to_owned(),
            )]
            .into(),
            ..Config::default()
        };
        assert_eq!(Config::parse(&named.to_toml()).unwrap(), named);
        let public = Config {
            public_pages: true,
            ..Config::default()
        };
        assert_eq!(Config::parse(&public.to_toml()).unwrap(), public);
        assert!(!Config::parse("").unwrap().public_pages);
        assert!(
            Config::parse("population_scale = -2.0")
                .unwrap_err()
                .contains("population_scale")
        );
    }
}
