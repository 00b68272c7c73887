//! Parsing of the embedded tables.
//!
//! The files are part of the build, so a parse failure is a bug in equalis, not bad user
//! input: it panics with a message saying so, and the tests load every table to make sure
//! it never happens in a release.

use std::collections::HashMap;
use std::io::Read;

use equalis_vocab::{Imd, ImdDecile, IodEdition, LsoaCode};
use flate2::read::GzDecoder;

use crate::{Ethnicity2021, Geo2021, Icb, LadEthnicity, LsoaChange};

macro_rules! embedded {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!("../data/", $name, ".csv.gz")).as_slice(),
        )
    };
}

const ESP2013: (&str, &[u8]) = embedded!("esp2013");
const IOD2019: (&str, &[u8]) = embedded!("iod2019_lsoa11");
const IOD2025: (&str, &[u8]) = embedded!("iod2025_lsoa21");
const GEO2021: (&str, &[u8]) = embedded!("lookup_lsoa21_sicbl24_icb24_lad24");
const GEO2011: (&str, &[u8]) = embedded!("lookup_lsoa11_sicbl22_icb22_lad22");
const LSOA11_21: (&str, &[u8]) = embedded!("lookup_lsoa11_lsoa21_lad22");
const POP_SYOA: (&str, &[u8]) = embedded!("ons_mid2020_lsoa11_population_persons_syoa");
const ETH_LSOA21: (&str, &[u8]) = embedded!("census2021_ts021_ethnicity_lsoa21");
const ETH_LAD21: (&str, &[u8]) = embedded!("census2021_ethnicity_detailed_lad21");
const ICBS: (&str, &[u8]) = embedded!("icb24_codes");
const POSTCODES: (&str, &[u8]) = embedded!("postcodes_le_nspl2025");
const SECTORS: (&str, &[u8]) = embedded!("postcode_sectors_nspl2025");
const POSTCODE_LSOA21: (&str, &[u8]) = embedded!("postcodes_le_lsoa21");

/// A parsed embedded table: its header and records.
struct Table {
    name: &'static str,
    header: csv::StringRecord,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read((name, gz): (&'static str, &[u8])) -> Table {
        let mut text = Vec::new();
        GzDecoder::new(gz)
            .read_to_end(&mut text)
            .unwrap_or_else(|e| bug(name, &format!("cannot decompress: {e}")));
        let mut rdr = csv::Reader::from_reader(text.as_slice());
        let header = rdr
            .headers()
            .unwrap_or_else(|e| bug(name, &e.to_string()))
            .clone();
        let rows = rdr
            .records()
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| bug(name, &e.to_string()));
        Table { name, header, rows }
    }

    fn col(&self, column: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| bug(self.name, &format!("no column `{column}`")))
    }

    fn num<T: std::str::FromStr>(&self, row: &csv::StringRecord, i: usize) -> T {
        row[i]
            .trim()
            .parse()
            .unwrap_or_else(|_| bug(self.name, &format!("not a number: `{}`", &row[i])))
    }
}

fn bug(table: &str, what: &str) -> ! {
    panic!("embedded reference table `{table}` is corrupt ({what}); this is a bug in equalis")
}

/// Parses an English LSOA code; other rows (Wales) give `None`.
fn lsoa(s: &str) -> Option<LsoaCode> {
    LsoaCode::parse(s).ok()
}

pub(crate) fn esp2013() -> [u32; 19] {
    let t = Table::read(ESP2013);
    let c = t.col("esp2013");
    let mut out = [0; 19];
    if t.rows.len() != 19 {
        bug(t.name, "expected 19 bands");
    }
    for (o, r) in out.iter_mut().zip(&t.rows) {
        *o = t.num(r, c);
    }
    out
}

pub(crate) fn iod(edition: IodEdition) -> HashMap<LsoaCode, Imd> {
    let (t, code_col) = match edition {
        IodEdition::Iod2019 => (Table::read(IOD2019), "LSOA code (2011)"),
        IodEdition::Iod2025 => (Table::read(IOD2025), "LSOA code (2021)"),
    };
    let code = t.col(code_col);
    let score = t.col("Index of Multiple Deprivation (IMD) Score");
    let rank = t.col("Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)");
    let decile =
        t.col("Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)");
    t.rows
        .iter()
        .map(|r| {
            let lsoa = lsoa(&r[code]).unwrap_or_else(|| bug(t.name, "bad LSOA code"));
            let d: u8 = t.num(r, decile);
            let imd = Imd {
                edition,
                rank: t.num(r, rank),
                decile: ImdDecile::new(d).unwrap_or_else(|_| bug(t.name, "bad decile")),
                score: t.num(r, score),
            };
            (lsoa, imd)
        })
        .collect()
}

pub(crate) fn geo2021() -> HashMap<LsoaCode, Geo2021> {
    let t = Table::read(GEO2021);
    let [
        code,
        name,
        sicbl,
        sicbl_name,
        icb,
        icb_ons,
        icb_name,
        la,
        la_name,
    ] = [
        "lsoa21_code",
        "lsoa21_name",
        "sicbl24_code_nhs",
        "sicbl24_name",
        "icb24_code_nhs",
        "icb24_code",
        "icb24_name",
        "ltla24_code",
        "ltla24_name",
    ]
    .map(|c| t.col(c));
    t.rows
        .iter()
        .map(|r| {
            let l = lsoa(&r[code]).unwrap_or_else(|| bug(t.name, "bad LSOA code"));
            let g = Geo2021 {
                lsoa21: l,
                lsoa21_name: r[name].to_owned(),
                sub_icb_code: r[sicbl].to_owned(),
                sub_icb_name: r[sicbl_name].to_owned(),
                icb_code: r[icb].to_owned(),
                icb_ons_code: r[icb_ons].to_owned(),
                icb_name: r[icb_name].to_owned(),
                la_code: r[la].to_owned(),
                la_name: r[la_name].to_owned(),
            };
            (l, g)
        })
        .collect()
}

pub(crate) fn lsoa11_codes() -> HashMap<LsoaCode, String> {
    let t = Table::read(GEO2011);
    let (code, name) = (t.col("lsoa11_code"), t.col("lsoa11_name"));
    t.rows
        .iter()
        .map(|r| {
            (
                lsoa(&r[code]).unwrap_or_else(|| bug(t.name, "bad LSOA code")),
                r[name].to_owned(),
            )
        })
        .collect()
}

pub(crate) fn lsoa11_to_21() -> HashMap<LsoaCode, Vec<(LsoaCode, LsoaChange)>> {
    let t = Table::read(LSOA11_21);
    let (c11, change, c21) = (
        t.col("lsoa11_code"),
        t.col("change_code"),
        t.col("lsoa21_code"),
    );
    let mut out: HashMap<LsoaCode, Vec<(LsoaCode, LsoaChange)>> = HashMap::new();
    for r in &t.rows {
        let (Some(a), Some(b)) = (lsoa(&r[c11]), lsoa(&r[c21])) else {
            continue;
        };
        let ch = match &r[change] {
            "U" => LsoaChange::Unchanged,
            "S" => LsoaChange::Split,
            "M" => LsoaChange::Merged,
            "X" => LsoaChange::Complex,
            other => bug(t.name, &format!("unknown change code `{other}`")),
        };
        out.entry(a).or_default().push((b, ch));
    }
    out
}

pub(crate) fn pop2020_syoa() -> HashMap<LsoaCode, [u32; 91]> {
    let t = Table::read(POP_SYOA);
    let code = t.col("lsoa11_code");
    let first = t.col("0");
    if t.header.get(first + 90) != Some("90+") {
        bug(t.name, "ages are not 0..89, 90+");
    }
    t.rows
        .iter()
        .filter_map(|r| {
            let l = lsoa(&r[code])?;
            let mut ages = [0u32; 91];
            for (i, a) in ages.iter_mut().enumerate() {
                *a = t.num(r, first + i);
            }
            Some((l, ages))
        })
        .collect()
}

pub(crate) fn ethnicity2021() -> HashMap<LsoaCode, Ethnicity2021> {
    let t = Table::read(ETH_LSOA21);
    let code = t.col("lsoa21_code");
    let total = t.col("total_residents");
    let groups = equalis_vocab::Census2021Group::ALL.map(|g| t.col(g.label()));
    t.rows
        .iter()
        .filter_map(|r| {
            let l = lsoa(&r[code])?;
            Some((
                l,
                Ethnicity2021 {
                    total: t.num(r, total),
                    groups: groups.map(|c| t.num(r, c)),
                },
            ))
        })
        .collect()
}

pub(crate) fn ethnicity_lad21() -> Vec<LadEthnicity> {
    let t = Table::read(ETH_LAD21);
    let (code, name, total) = (
        t.col("ltla21_code"),
        t.col("ltla21_name"),
        t.col("total_19_groups"),
    );
    t.rows
        .iter()
        .map(|r| {
            let groups = (0..t.header.len())
                .filter(|&i| i != code && i != name && i != total)
                .map(|i| (t.header[i].to_owned(), t.num(r, i)))
                .collect();
            LadEthnicity {
                code: r[code].to_owned(),
                name: r[name].to_owned(),
                groups,
            }
        })
        .collect()
}

pub(crate) fn icbs() -> Vec<Icb> {
    let t = Table::read(ICBS);
    let [ons, code, name, n] =
        ["icb24_code", "icb24_code_nhs", "icb24_name", "n_lsoa21"].map(|c| t.col(c));
    t.rows
        .iter()
        .map(|r| Icb {
            ons_code: r[ons].to_owned(),
            code: r[code].to_owned(),
            name: r[name].to_owned(),
            n_lsoa21: t.num(r, n),
        })
        .collect()
}

pub(crate) fn postcodes() -> crate::postcode::Postcodes {
    let t = Table::read(POSTCODES);
    let [pc, lat, long] = ["postcode", "lat", "long"].map(|c| t.col(c));
    let full = t
        .rows
        .iter()
        .map(|r| (r[pc].to_owned(), (t.num(r, lat), t.num(r, long))))
        .collect();
    let t = Table::read(SECTORS);
    let [sector, lat, long, n] = ["sector", "lat", "long", "postcodes"].map(|c| t.col(c));
    let sectors = t
        .rows
        .iter()
        .map(|r| {
            (
                r[sector].to_owned(),
                (t.num(r, lat), t.num(r, long), t.num(r, n)),
            )
        })
        .collect();
    crate::postcode::Postcodes::new(full, sectors)
}

/// Postcode → LSOA 2021 for the LE area (`PROVENANCE.md` section 6).
pub(crate) fn postcode_lsoa21() -> HashMap<String, LsoaCode> {
    let t = Table::read(POSTCODE_LSOA21);
    let [pc, code] = ["postcode", "lsoa21"].map(|c| t.col(c));
    t.rows
        .iter()
        .map(|r| {
            let l =
                lsoa(&r[code]).unwrap_or_else(|| bug(t.name, &format!("bad LSOA `{}`", &r[code])));
            (r[pc].to_owned(), l)
        })
        .collect()
}
