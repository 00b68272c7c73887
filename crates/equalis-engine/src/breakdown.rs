//! Breakdowns: the dimensions every measure is cut by, their pairs, and the roll-up of
//! aggregated rows into every breakdown and pair at once.
//!
//! DataFusion groups the rows of a measure by *all* dimensions together (a compact cube);
//! [`Rollup`] then sums that cube into each single breakdown and each pair with small dense
//! hash maps, which is far cheaper than asking the query engine for 250 grouping sets.

use datafusion::arrow::array::{Array, ArrayRef, DictionaryArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, UInt16Type};
use rustc_hash::FxHashMap;

use crate::EngineError;

/// One breakdown dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dim {
    /// The breakdown's name, as users write it.
    pub name: &'static str,
    /// The column the SQL label is computed from (to test whether a table has it).
    pub column: &'static str,
    /// SQL giving the group label; unknowns become groups of their own.
    pub sql: &'static str,
    /// The label of the unknown group (its share is the recording gap).
    pub unknown: &'static str,
    /// Dimensions that are a roll-up of this one (or it of them): pairs with them are skipped.
    pub nested_in: &'static [&'static str],
}

macro_rules! flag {
    ($name:literal) => {
        Dim {
            name: $name,
            column: $name,
            sql: concat!(
                "CASE WHEN ",
                $name,
                " THEN 'Yes' WHEN NOT ",
                $name,
                " THEN 'No' ELSE 'Not recorded' END"
            ),
            unknown: "Not recorded",
            nested_in: &[],
        }
    };
}

/// Every dimension, in the order pairs are named (`ethnic_group x imd_quintile`): people's
/// characteristics, then places and services, then deprivation last.
pub const DIMS: &[Dim] = &[
    Dim {
        name: "ethnic_group",
        column: "ethnic_group",
        sql: "coalesce(ethnic_group, 'Not known')",
        unknown: "Not known",
        nested_in: &["ethnic_category"],
    },
    Dim {
        name: "ethnic_category",
        column: "ethnic_category",
        sql: "coalesce(ethnic_category, '99')",
        unknown: "99",
        nested_in: &["ethnic_group"],
    },
    Dim {
        name: "sex",
        column: "sex",
        sql: "CASE sex WHEN '1' THEN 'Male' WHEN '2' THEN 'Female' WHEN '9' THEN 'Indeterminate' ELSE 'Not known' END",
        unknown: "Not known",
        nested_in: &[],
    },
    Dim {
        name: "age_band",
        column: "age_band",
        sql: "coalesce(age_band, 'Not known')",
        unknown: "Not known",
        nested_in: &[],
    },
    flag!("learning_disability"),
    flag!("autism"),
    flag!("smi"),
    flag!("copd"),
    flag!("hypertension"),
    flag!("diabetes"),
    flag!("homeless"),
    flag!("carer"),
    flag!("armed_forces"),
    flag!("refugee_or_asylum_seeker"),
    flag!("gypsy_roma_traveller"),
    Dim {
        name: "local_authority",
        column: "local_authority",
        sql: "coalesce(local_authority, 'Not known')",
        unknown: "Not known",
        nested_in: &[],
    },
    Dim {
        name: "pcn",
        column: "pcn",
        sql: "coalesce(pcn, 'Not recorded')",
        unknown: "Not recorded",
        nested_in: &[],
    },
    Dim {
        name: "provider",
        column: "provider",
        sql: "coalesce(provider, 'Not known')",
        unknown: "Not known",
        nested_in: &[],
    },
    Dim {
        name: "treatment_function",
        column: "treatment_function_code",
        sql: "coalesce(treatment_function_code || ' ' || treatment_function, 'Not known')",
        unknown: "Not known",
        nested_in: &[],
    },
    Dim {
        name: "imd_decile",
        column: "imd_decile",
        sql: "coalesce(CAST(imd_decile AS VARCHAR), 'Not known')",
        unknown: "Not known",
        nested_in: &["imd_quintile", "core20"],
    },
    Dim {
        name: "imd_quintile",
        column: "imd_quintile",
        sql: "coalesce(CAST(imd_quintile AS VARCHAR), 'Not known')",
        unknown: "Not known",
        nested_in: &["imd_decile", "core20"],
    },
    Dim {
        name: "core20",
        column: "core20",
        sql: "coalesce(core20, 'Not known')",
        unknown: "Not known",
        nested_in: &["imd_decile", "imd_quintile"],
    },
];

/// The name of the breakdown of everyone.
pub const ALL: &str = "all";
/// The group of everyone.
pub const ALL_GROUP: &str = "All";

/// Finds a dimension by name.
pub fn dim(name: &str) -> Option<&'static Dim> {
    DIMS.iter().find(|d| d.name == name)
}

/// The breakdown and group of a pair, named in [`DIMS`] order whichever way it is asked for.
pub fn pair(dim_a: &str, group_a: &str, dim_b: &str, group_b: &str) -> (String, String) {
    let pos = |n: &str| DIMS.iter().position(|d| d.name == n).unwrap_or(usize::MAX);
    if pos(dim_a) <= pos(dim_b) {
        (
            format!("{dim_a} x {dim_b}"),
            format!("{group_a} x {group_b}"),
        )
    } else {
        (
            format!("{dim_b} x {dim_a}"),
            format!("{group_b} x {group_a}"),
        )
    }
}

/// A group's sort key: the natural order of `equalis_vocab::natural_cmp` (age bands by age,
/// deciles by number, "Not known" last), the one order every output shows.
pub fn natural_key(group: &str) -> equalis_vocab::NaturalKey {
    equalis_vocab::NaturalKey(group.to_owned())
}

/// A grouping set: everyone, one dimension, or a pair (indexes into the dims in use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// Everyone.
    All,
    /// One dimension.
    One(usize),
    /// A pair, in [`DIMS`] order.
    Pair(usize, usize),
}

/// The grouping sets over `dims` (indexes are positions in `dims`): everyone, each single
/// breakdown, and, when `pairs`, each pair except nested ones (decile × quintile is not a
/// breakdown).
pub fn sets(dims: &[&Dim], pairs: bool) -> Vec<Set> {
    let mut out = vec![Set::All];
    out.extend((0..dims.len()).map(Set::One));
    if pairs {
        for a in 0..dims.len() {
            for b in a + 1..dims.len() {
                if !dims[a].nested_in.contains(&dims[b].name) {
                    out.push(Set::Pair(a, b));
                }
            }
        }
    }
    out
}

/// Whether each dimension recorded anything in the data: `false` when every row fell in its
/// unknown group (a PLUS flag absent from the extract, or a waiting list loaded without
/// `population`, which has no practice or PCN). Such a breakdown says nothing and is left
/// out, pairs with it too.
pub fn recorded(dims: &[&Dim], labels: &[Vec<String>]) -> Vec<bool> {
    dims.iter()
        .zip(labels)
        .map(|(d, l)| l.iter().any(|x| x != d.unknown))
        .collect()
}

/// Whether every dimension of a set recorded something (see [`recorded`]).
pub fn set_recorded(set: Set, recorded: &[bool]) -> bool {
    match set {
        Set::All => true,
        Set::One(a) => recorded[a],
        Set::Pair(a, b) => recorded[a] && recorded[b],
    }
}

/// The breakdown name and group label of a cell.
pub fn names(dims: &[&Dim], set: Set, labels: &[Vec<String>], key: (u16, u16)) -> (String, String) {
    match set {
        Set::All => (ALL.to_owned(), ALL_GROUP.to_owned()),
        Set::One(a) => (dims[a].name.to_owned(), labels[a][key.0 as usize].clone()),
        Set::Pair(a, b) => (
            format!("{} x {}", dims[a].name, dims[b].name),
            format!(
                "{} x {}",
                labels[a][key.0 as usize], labels[b][key.1 as usize]
            ),
        ),
    }
}

/// The sums of one group: per age band (one band unless standardising) the numerator and
/// denominator, and for medians the values with their weights.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Numerator per age band.
    pub num: Vec<f64>,
    /// Denominator per age band.
    pub den: Vec<f64>,
    /// Values (as bits of the `f64`) and their counts, for medians and percentiles.
    pub values: FxHashMap<u64, f64>,
}

/// The cells of one grouping set, by the codes of their groups.
pub type Cells = FxHashMap<(u16, u16), Cell>;

/// The group labels of each dimension and their codes, kept across batches, so that the hot
/// loops work on small integers.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    by_label: Vec<FxHashMap<String, u16>>,
    /// Per dim: the labels by code.
    pub labels: Vec<Vec<String>>,
}

impl Dictionary {
    /// An empty dictionary for `dims` dimensions.
    pub fn new(dims: usize) -> Dictionary {
        Dictionary {
            by_label: vec![FxHashMap::default(); dims],
            labels: vec![Vec::new(); dims],
        }
    }

    /// The code of a label in dimension `d`, adding it if new.
    pub fn code(&mut self, d: usize, label: &str) -> Result<u16, EngineError> {
        if let Some(&c) = self.by_label[d].get(label) {
            return Ok(c);
        }
        let c = u16::try_from(self.labels[d].len()).map_err(|_| {
            EngineError::engine(
                "grouping",
                format!("more than 65,536 groups in one breakdown (at `{label}`)"),
            )
        })?;
        self.by_label[d].insert(label.to_owned(), c);
        self.labels[d].push(label.to_owned());
        Ok(c)
    }

    /// The code of every row of a label column of dimension `d`, into `out`. Arrow
    /// dictionary-encodes the column (vectorised), so only its few distinct labels are looked
    /// up here.
    pub fn column_codes(
        &mut self,
        col: &ArrayRef,
        d: usize,
        out: &mut Vec<u16>,
    ) -> Result<(), EngineError> {
        let dict_type = DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8));
        let dict = cast(col, &dict_type).map_err(|e| EngineError::engine("grouping", e))?;
        let dict = dict
            .as_any()
            .downcast_ref::<DictionaryArray<UInt16Type>>()
            .ok_or_else(|| EngineError::engine("grouping", "not a dictionary"))?;
        let values = dict
            .values()
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or_else(|| EngineError::engine("grouping", "labels are not text"))?;
        let map: Vec<u16> = (0..values.len())
            .map(|i| self.code(d, values.value(i)))
            .collect::<Result<_, _>>()?;
        out.clear();
        // Labels are never null (the SQL gives unknowns a label), so a null key cannot occur;
        // it would be read as the first label.
        out.extend(dict.keys().values().iter().map(|&k| map[k as usize]));
        Ok(())
    }
}

/// Sums aggregated rows into every grouping set.
#[derive(Debug, Clone)]
pub struct Rollup {
    sets: Vec<Set>,
    bands: usize,
    /// The group labels of each dimension.
    pub dictionary: Dictionary,
    /// Per set: key → cell.
    cells: Vec<Cells>,
}

impl Rollup {
    /// A roll-up over `dims` into `sets`, with `bands` age bands (1 unless standardising).
    pub fn new(dims: usize, sets: Vec<Set>, bands: usize) -> Rollup {
        let cells = sets.iter().map(|_| FxHashMap::default()).collect();
        Rollup {
            sets,
            bands,
            dictionary: Dictionary::new(dims),
            cells,
        }
    }

    /// Adds one aggregated row: its dimension codes, age band, numerator, denominator, and
    /// (for medians) its value.
    pub fn add(&mut self, codes: &[u16], band: usize, num: f64, den: f64, value: Option<f64>) {
        let bands = self.bands;
        for (set, cells) in self.sets.iter().zip(&mut self.cells) {
            let key = match *set {
                Set::All => (0, 0),
                Set::One(a) => (codes[a], 0),
                Set::Pair(a, b) => (codes[a], codes[b]),
            };
            let cell = cells.entry(key).or_insert_with(|| Cell {
                num: vec![0.0; bands],
                den: vec![0.0; bands],
                values: FxHashMap::default(),
            });
            cell.num[band] += num;
            cell.den[band] += den;
            if let Some(v) = value {
                *cell.values.entry(v.to_bits()).or_insert(0.0) += den;
            }
        }
    }

    /// The sets and their cells.
    pub fn into_cells(self) -> (Vec<Set>, Vec<Vec<String>>, Vec<Cells>) {
        (self.sets, self.dictionary.labels, self.cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_skip_nested_dimensions_and_follow_the_dims_order() {
        let dims: Vec<&Dim> = [
            "ethnic_group",
            "ethnic_category",
            "imd_decile",
            "imd_quintile",
        ]
        .iter()
        .map(|n| dim(n).unwrap())
        .collect();
        let s = sets(&dims, true);
        // all + 4 singles + pairs: group×decile, group×quintile, category×decile,
        // category×quintile (group×category and decile×quintile are nested).
        assert_eq!(s.len(), 1 + 4 + 4);
        let labels = vec![
            vec!["White".to_owned()],
            vec!["A".to_owned()],
            vec!["1".to_owned()],
            vec!["1".to_owned()],
        ];
        let (b, g) = names(&dims, Set::Pair(0, 3), &labels, (0, 0));
        assert_eq!(b, "ethnic_group x imd_quintile");
        assert_eq!(g, "White x 1");
    }

    #[test]
    fn a_dimension_with_only_its_unknown_group_is_not_recorded() {
        let dims: Vec<&Dim> = ["sex", "pcn"].iter().map(|n| dim(n).unwrap()).collect();
        let labels = vec![
            vec!["Male".to_owned(), "Not known".to_owned()],
            vec!["Not recorded".to_owned()],
        ];
        let r = recorded(&dims, &labels);
        assert_eq!(r, [true, false]);
        assert!(set_recorded(Set::All, &r));
        assert!(set_recorded(Set::One(0), &r));
        assert!(!set_recorded(Set::One(1), &r));
        assert!(!set_recorded(Set::Pair(0, 1), &r));
    }

    #[test]
    fn rollup_sums_every_set() {
        let dims: Vec<&Dim> = ["sex", "imd_quintile"]
            .iter()
            .map(|n| dim(n).unwrap())
            .collect();
        let mut r = Rollup::new(2, sets(&dims, true), 1);
        for (sex, q, num, den) in [
            ("Male", "1", 2.0, 10.0),
            ("Female", "1", 3.0, 10.0),
            ("Male", "5", 1.0, 20.0),
        ] {
            let codes = [
                r.dictionary.code(0, sex).unwrap(),
                r.dictionary.code(1, q).unwrap(),
            ];
            r.add(&codes, 0, num, den, None);
        }
        let (sets, labels, cells) = r.into_cells();
        let find = |breakdown: &str, group: &str| {
            for (i, set) in sets.iter().enumerate() {
                for (key, cell) in &cells[i] {
                    let (b, g) = names(&dims, *set, &labels, *key);
                    if b == breakdown && g == group {
                        return (cell.num[0], cell.den[0]);
                    }
                }
            }
            panic!("no cell {breakdown} {group}");
        };
        assert_eq!(find("all", "All"), (6.0, 40.0));
        assert_eq!(find("sex", "Male"), (3.0, 30.0));
        assert_eq!(find("imd_quintile", "1"), (5.0, 20.0));
        assert_eq!(find("sex x imd_quintile", "Male x 5"), (1.0, 20.0));
    }
}
