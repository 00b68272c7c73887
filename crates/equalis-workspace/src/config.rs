//! `equalis.toml`: the workspace settings, with their defaults written out on `init` so
//! the file documents itself.

use equalis_vocab::IodEdition;

/// Workspace settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The IoD edition every deprivation field is derived from. 2025 by default; an LSOA
    /// 2011 code is bridged to its best-fit 2021 LSOA (see `equalis-refdata`).
    pub iod_edition: IodEdition,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            iod_edition: IodEdition::Iod2025,
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    iod_edition: Option<toml::Value>,
}

impl Config {
    pub(crate) fn to_toml(&self) -> String {
        let year = match self.iod_edition {
            IodEdition::Iod2019 => 2019,
            IodEdition::Iod2025 => 2025,
        };
        format!(
            "# equalis workspace settings\n\n\
             # English Indices of Deprivation edition for IMD decile, quintile and Core20:\n\
             # 2025 (LSOA 2021) or 2019 (LSOA 2011). Codes of the other vintage are bridged\n\
             # to their best-fit LSOA. Changing it applies to data ingested afterwards.\n\
             iod_edition = {year}\n"
        )
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
    }
}
