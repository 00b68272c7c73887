//! A synthetic directory of services for the synthetic ICS, as Open Referral UK 3.0 records.
//!
//! A few hundred services of the kinds an ICS's directory lists (food banks, carers' groups,
//! talking therapies, debt advice, family hubs, …), each run by an organisation, delivered
//! at one or two places with real coordinates, in the languages and with the accessibility
//! a directory would record, on a weekly schedule, and reviewed on a date of its own: most
//! within the last year, about one in eight longer ago (stale) and a few never.
//!
//! The places are real postcodes with their own points from the ONS Postcode Lookup
//! (`RefData::full_postcodes`), drawn within the towns of the footprint; street names and
//! house numbers are invented. So a directory can be made only where equalis ships every
//! postcode: Leicester, Leicestershire and Rutland (QK1, the demo's default).
//! [`directory`] returns `None` elsewhere.
//!
//! Deterministic: the same ICB, seed and review day give the same records, byte for byte.

use equalis_directory::terms::{accessibility_taxonomy, accessibility_term};
use equalis_directory::{Service, Taxonomy, TaxonomyTerm};
use equalis_directory::{language_taxonomy, language_term};
use equalis_refdata::RefData;
use serde_json::{Value, json};

use crate::dates::{Day, iso_string};
use crate::rng::{Rand, stream};

/// How many services the synthetic directory holds.
pub const SERVICES: usize = 320;

/// The file `equalis demo` writes the directory to, in the synthetic data's folder.
pub const FILE: &str = "directory.json";

/// The identifier of the synthetic directory's taxonomy of needs.
pub const NEEDS_TAXONOMY_ID: &str = "5e7d1b3a-0c4f-4b7e-8d2a-000000000001";

/// The ICBs a synthetic directory can be made for: those whose every postcode equalis ships.
pub const ICBS: &[&str] = &["QK1"];

/// The synthetic directory: three taxonomies (needs, languages, accessibility) and the
/// services, in that order, as an ORUK import reads them.
#[derive(Debug, Clone)]
pub struct Directory {
    /// The taxonomies, with their terms.
    pub taxonomies: Vec<Taxonomy>,
    /// The services, each with its organisation, locations, schedule, contact and terms.
    pub services: Vec<Service>,
}

impl Directory {
    /// The directory as one ORUK JSON document (an array: taxonomies, then services), the
    /// form `equalis directory import` reads.
    pub fn to_json(&self) -> String {
        let mut items: Vec<Value> = Vec::new();
        for t in &self.taxonomies {
            items.push(serde_json::to_value(t).expect("a taxonomy serialises"));
        }
        for s in &self.services {
            items.push(serde_json::to_value(s).expect("a service serialises"));
        }
        serde_json::to_string_pretty(&Value::Array(items)).expect("JSON serialises")
    }
}

/// A town of the footprint: its name, county, postcode districts and how many of the
/// directory's services it has (roughly its share of the population).
struct Town {
    name: &'static str,
    county: &'static str,
    districts: &'static [&'static str],
    weight: f64,
    /// Whether the town's communities speak many languages (Leicester: Census 2021).
    diverse: bool,
}

const TOWNS: &[Town] = &[
    Town {
        name: "Leicester",
        county: "Leicester",
        districts: &["LE1", "LE2", "LE3", "LE4", "LE5"],
        weight: 34.0,
        diverse: true,
    },
    town("Loughborough", "Leicestershire", &["LE11"], 7.0),
    town("Hinckley", "Leicestershire", &["LE10"], 5.0),
    town("Coalville", "Leicestershire", &["LE67"], 4.0),
    town("Melton Mowbray", "Leicestershire", &["LE13"], 3.0),
    town("Market Harborough", "Leicestershire", &["LE16"], 3.0),
    town("Wigston", "Leicestershire", &["LE18"], 3.0),
    town("Ashby-de-la-Zouch", "Leicestershire", &["LE65"], 2.0),
    town("Lutterworth", "Leicestershire", &["LE17"], 2.0),
    town("Shepshed", "Leicestershire", &["LE12"], 2.0),
    town("Syston", "Leicestershire", &["LE7"], 2.0),
    town("Blaby", "Leicestershire", &["LE8"], 2.0),
    town("Earl Shilton", "Leicestershire", &["LE9"], 1.5),
    town("Narborough", "Leicestershire", &["LE19"], 1.5),
    town("Oakham", "Rutland", &["LE15"], 2.5),
];

const fn town(
    name: &'static str,
    county: &'static str,
    districts: &'static [&'static str],
    weight: f64,
) -> Town {
    Town {
        name,
        county,
        districts,
        weight,
        diverse: false,
    }
}

/// The needs a service meets: the terms of the needs taxonomy.
const NEEDS: &[(&str, &str)] = &[
    (
        "Mental health and wellbeing",
        "Support for emotional wellbeing and mental health",
    ),
    ("Carers", "Support for unpaid carers of family or friends"),
    (
        "Food and essentials",
        "Food, toiletries and other essentials for people in need",
    ),
    (
        "Money and debt",
        "Advice on benefits, debt and managing money",
    ),
    (
        "Housing and homelessness",
        "Advice and help for people who are homeless or at risk",
    ),
    (
        "Domestic abuse",
        "Support for people experiencing domestic abuse",
    ),
    (
        "Drugs and alcohol",
        "Support to reduce or stop using drugs or alcohol",
    ),
    (
        "Loneliness and isolation",
        "Company, befriending and activities for people on their own",
    ),
    (
        "Children, young people and families",
        "Support and activities for families and young people",
    ),
    (
        "Long-term conditions",
        "Support to live well with a long-term condition",
    ),
    (
        "Learning disability and autism",
        "Support for people with a learning disability or autism",
    ),
    (
        "Refugees and asylum seekers",
        "Welcome, advice and English for people new to the UK",
    ),
    (
        "Employment and skills",
        "Help to find work and learn new skills",
    ),
    (
        "Physical activity",
        "Gentle exercise and activity for all abilities",
    ),
    ("Sexual health", "Testing, contraception and advice"),
    ("Stop smoking", "Help to stop smoking"),
    ("Bereavement", "Support after the death of someone close"),
    (
        "Pregnancy and early years",
        "Support in pregnancy and for parents of babies",
    ),
];

/// A kind of service: its name, the need it meets, what it offers, who runs it
/// (`{town}` is replaced by the town; otherwise one organisation runs it everywhere), how
/// often it runs, the ages it serves, and how common it is.
struct Template {
    name: &'static str,
    need: usize,
    description: &'static str,
    provider: &'static str,
    when: When,
    ages: (Option<u32>, Option<u32>),
    weight: f64,
}

#[derive(Clone, Copy)]
enum When {
    /// Monday to Friday, office hours.
    Weekdays,
    /// One session a week.
    Weekly,
    /// A virtual service (telephone or online), weekdays: no place to visit.
    Remote,
}

const TEMPLATES: &[Template] = &[
    t(
        "Wellbeing café",
        0,
        "A friendly drop-in to talk, share a drink and find out about support",
        "{town} Wellbeing Collective",
        When::Weekly,
        (Some(18), None),
        3.0,
    ),
    t(
        "Talking therapies",
        0,
        "Free NHS talking therapies for anxiety and depression; refer yourself",
        "Leicestershire Partnership NHS Trust",
        When::Weekdays,
        (Some(16), None),
        2.0,
    ),
    t(
        "Crisis café",
        0,
        "Evening drop-in for people in mental health crisis, as an alternative to A&E",
        "{town} Wellbeing Collective",
        When::Weekly,
        (Some(18), None),
        1.0,
    ),
    t(
        "Carers' support group",
        1,
        "Meet other carers, get information and a break",
        "LLR Carers Network",
        When::Weekly,
        (Some(16), None),
        2.5,
    ),
    t(
        "Young carers' club",
        1,
        "Activities and a break for young carers",
        "LLR Carers Network",
        When::Weekly,
        (Some(8), Some(17)),
        1.0,
    ),
    t(
        "Food bank",
        2,
        "Emergency food parcels; bring a referral voucher or ask us how to get one",
        "{town} Food Bank Trust",
        When::Weekly,
        (None, None),
        3.0,
    ),
    t(
        "Community pantry",
        2,
        "Low-cost groceries for members; join for a small weekly fee",
        "{town} Community Action",
        When::Weekly,
        (None, None),
        2.0,
    ),
    t(
        "Debt and benefits advice",
        3,
        "Free, confidential advice on debt, benefits and budgeting",
        "{town} Advice Centre",
        When::Weekdays,
        (Some(18), None),
        3.0,
    ),
    t(
        "Housing advice",
        4,
        "Advice for people who are homeless or may lose their home",
        "{town} Housing Advice",
        When::Weekdays,
        (Some(16), None),
        1.5,
    ),
    t(
        "Day centre for people sleeping rough",
        4,
        "Breakfast, showers, laundry and advice",
        "{town} Community Action",
        When::Weekdays,
        (Some(18), None),
        0.7,
    ),
    t(
        "Domestic abuse helpline",
        5,
        "Confidential support, safety planning and refuge referrals by telephone",
        "LLR Domestic Abuse Partnership",
        When::Remote,
        (Some(16), None),
        0.6,
    ),
    t(
        "Domestic abuse outreach",
        5,
        "One-to-one support in the community",
        "LLR Domestic Abuse Partnership",
        When::Weekdays,
        (Some(16), None),
        1.0,
    ),
    t(
        "Recovery hub",
        6,
        "Drug and alcohol treatment and recovery support",
        "LLR Recovery Partnership",
        When::Weekdays,
        (Some(18), None),
        1.2,
    ),
    t(
        "Alcohol support group",
        6,
        "Mutual aid for people cutting down or stopping drinking",
        "LLR Recovery Partnership",
        When::Weekly,
        (Some(18), None),
        1.0,
    ),
    t(
        "Befriending service",
        7,
        "A volunteer visits or calls you each week",
        "{town} Community Action",
        When::Weekdays,
        (Some(60), None),
        1.5,
    ),
    t(
        "Lunch club",
        7,
        "A hot two-course lunch and company",
        "{town} Community Action",
        When::Weekly,
        (Some(60), None),
        2.0,
    ),
    t(
        "Men's shed",
        7,
        "A workshop space to make, mend and chat",
        "{town} Men's Shed",
        When::Weekly,
        (Some(18), None),
        1.0,
    ),
    t(
        "Family hub",
        8,
        "Health visitors, parenting support and advice for families in one place",
        "{council}",
        When::Weekdays,
        (None, Some(19)),
        2.0,
    ),
    t(
        "Stay and play",
        8,
        "Play sessions for babies and toddlers with their parents and carers",
        "{council}",
        When::Weekly,
        (None, Some(5)),
        2.0,
    ),
    t(
        "Youth club",
        8,
        "Activities, trips and a safe space for young people",
        "{town} Youth Project",
        When::Weekly,
        (Some(11), Some(18)),
        2.0,
    ),
    t(
        "Diabetes education",
        9,
        "Courses to help you manage type 2 diabetes",
        "Leicestershire Partnership NHS Trust",
        When::Weekly,
        (Some(18), None),
        1.0,
    ),
    t(
        "Breathe easy group",
        9,
        "Support for people living with a lung condition",
        "{town} Breathe Easy",
        When::Weekly,
        (Some(18), None),
        1.0,
    ),
    t(
        "Stroke club",
        9,
        "Friendship and support after a stroke",
        "{town} Stroke Club",
        When::Weekly,
        (Some(18), None),
        0.8,
    ),
    t(
        "Autism support group",
        10,
        "Peer support for autistic adults and their families",
        "LLR Autism Alliance",
        When::Weekly,
        (None, None),
        1.0,
    ),
    t(
        "Day opportunities",
        10,
        "Activities and skills for adults with a learning disability",
        "{council}",
        When::Weekdays,
        (Some(18), None),
        1.0,
    ),
    t(
        "Refugee welcome centre",
        11,
        "Advice, clothing and a warm welcome for refugees and asylum seekers",
        "East Midlands Refugee Welcome",
        When::Weekly,
        (None, None),
        1.0,
    ),
    t(
        "English conversation class",
        11,
        "Free ESOL conversation practice for all levels",
        "{town} Community Action",
        When::Weekly,
        (Some(16), None),
        1.5,
    ),
    t(
        "Job club",
        12,
        "Help with CVs, applications and interviews",
        "{town} Advice Centre",
        When::Weekly,
        (Some(16), None),
        1.5,
    ),
    t(
        "Digital skills drop-in",
        12,
        "Help to get online, use email and NHS App",
        "{council}",
        When::Weekly,
        (Some(16), None),
        1.5,
    ),
    t(
        "Walking for health",
        13,
        "Free, short, led walks for people who want to be more active",
        "Active Together LLR",
        When::Weekly,
        (None, None),
        1.5,
    ),
    t(
        "Chair-based exercise",
        13,
        "Gentle seated exercise to build strength and balance",
        "Active Together LLR",
        When::Weekly,
        (Some(50), None),
        1.2,
    ),
    t(
        "Sexual health clinic",
        14,
        "Walk-in testing, treatment and contraception",
        "Leicestershire Partnership NHS Trust",
        When::Weekdays,
        (Some(13), None),
        0.8,
    ),
    t(
        "Stop smoking clinic",
        15,
        "Free support and medication to help you stop smoking",
        "{council}",
        When::Weekly,
        (Some(12), None),
        1.0,
    ),
    t(
        "Bereavement support group",
        16,
        "Meet others who have lost someone, with trained volunteers",
        "LLR Bereavement Network",
        When::Weekly,
        (Some(18), None),
        1.0,
    ),
    t(
        "Breastfeeding support group",
        17,
        "Friendly help with feeding your baby",
        "{council}",
        When::Weekly,
        (None, None),
        1.0,
    ),
    t(
        "Antenatal classes",
        17,
        "Classes to prepare for birth and parenthood",
        "University Hospitals of Leicester NHS Trust",
        When::Weekly,
        (None, None),
        0.8,
    ),
];

const fn t(
    name: &'static str,
    need: usize,
    description: &'static str,
    provider: &'static str,
    when: When,
    ages: (Option<u32>, Option<u32>),
    weight: f64,
) -> Template {
    Template {
        name,
        need,
        description,
        provider,
        when,
        ages,
        weight,
    }
}

/// Where a session can be held.
const VENUES: &[&str] = &[
    "Community Centre",
    "Library",
    "Methodist Church Hall",
    "Health Centre",
    "Family Hub",
    "Youth and Community Centre",
    "Sports Centre",
    "Neighbourhood Centre",
];

const STREETS: &[&str] = &[
    "High Street",
    "Church Street",
    "Station Road",
    "Market Place",
    "London Road",
    "Victoria Road",
    "Queen Street",
    "Park Road",
    "Mill Lane",
    "King Street",
];

/// `(language code, chance)` of a service being delivered in it, besides English, in a
/// town whose communities speak many languages and elsewhere.
const LANGUAGES_DIVERSE: &[(&str, f64)] = &[
    ("gu", 0.25),
    ("pa", 0.12),
    ("ur", 0.12),
    ("hi", 0.08),
    ("ar", 0.08),
    ("pl", 0.06),
    ("so", 0.06),
    ("bn", 0.04),
    ("ta", 0.03),
    ("ro", 0.03),
    ("uk", 0.02),
    ("ku", 0.02),
    ("zh", 0.02),
];
const LANGUAGES_ELSEWHERE: &[(&str, f64)] = &[
    ("pl", 0.05),
    ("ro", 0.02),
    ("gu", 0.03),
    ("pa", 0.03),
    ("lt", 0.01),
];

/// `(accessibility code, chance)` for a place.
const ACCESS: &[(&str, f64)] = &[
    ("step-free", 0.75),
    ("accessible-toilet", 0.55),
    ("hearing-loop", 0.3),
    ("bsl", 0.12),
    ("easy-read", 0.2),
    ("large-print", 0.2),
    ("quiet-space", 0.2),
    ("blue-badge", 0.35),
    ("changing-places", 0.05),
];

const DAYS: &[(&str, &str)] = &[
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
];

/// The synthetic directory of the ICB (ODS or ONS code), reviewed as of `today`: `None`
/// when equalis does not ship the ICB's postcodes ([`ICBS`]).
pub fn directory(icb: &str, seed: u64, today: Day) -> Option<Directory> {
    let refdata = RefData::get();
    let icb = refdata.icb(icb)?;
    if !ICBS.contains(&icb.code.as_str()) {
        return None;
    }
    // Each town's residential postcodes: those of its districts, leaving out the
    // non-geographic ones (an inward code ending in Z, by Royal Mail's convention, is often
    // a PO box or large user placed at its sorting office).
    let postcodes = refdata.full_postcodes();
    let places: Vec<Vec<(&str, f64, f64)>> = TOWNS
        .iter()
        .map(|town| {
            postcodes
                .iter()
                .filter(|(pc, _, _)| {
                    let (out, inward) = pc.split_once(' ').unwrap_or((pc, ""));
                    town.districts.contains(&out) && !inward.ends_with('Z')
                })
                .copied()
                .collect()
        })
        .collect();
    let needs = needs_taxonomy();
    let town_weights: Vec<f64> = TOWNS.iter().map(|t| t.weight).collect();
    let template_weights: Vec<f64> = TEMPLATES.iter().map(|t| t.weight).collect();
    let mut names = std::collections::HashSet::new();
    let mut services = Vec::with_capacity(SERVICES);
    for n in 0..SERVICES {
        let mut r = stream(seed, "directory", n as u64);
        let ti = r.weighted(&town_weights);
        let tpl = &TEMPLATES[r.weighted(&template_weights)];
        let (town, pool) = (&TOWNS[ti], &places[ti]);
        let (pc, lat, long) = pool[r.below(pool.len())];
        let district = pc.split(' ').next().unwrap_or(pc);
        let mut name = format!("{} – {}", tpl.name, town.name);
        if !names.insert(name.clone()) {
            name = format!("{} – {} ({district})", tpl.name, town.name);
            let mut k = 2;
            while !names.insert(name.clone()) {
                name = format!("{} – {} ({district}) {k}", tpl.name, town.name);
                k += 1;
            }
        }
        let mut locations = vec![(town, pc, lat, long)];
        // One in ten also runs at a second place in another town.
        if !matches!(tpl.when, When::Remote) && r.chance(0.1) {
            let tj = r.weighted(&town_weights);
            let pool = &places[tj];
            let (pc, lat, long) = pool[r.below(pool.len())];
            locations.push((&TOWNS[tj], pc, lat, long));
        }
        services.push(service(
            &mut r,
            &name,
            tpl,
            &needs.taxonomy_terms[tpl.need],
            &locations,
            today,
        ));
    }
    Some(Directory {
        taxonomies: vec![needs, languages_offered(), accessibility_taxonomy()],
        services,
    })
}

/// The ISO 639-1 taxonomy with the terms of the languages the synthetic services may be
/// delivered in (a taxonomy is read from a document only with its terms).
fn languages_offered() -> Taxonomy {
    let mut t = language_taxonomy();
    let mut codes: Vec<&str> = std::iter::once("en")
        .chain(LANGUAGES_DIVERSE.iter().map(|(c, _)| *c))
        .chain(LANGUAGES_ELSEWHERE.iter().map(|(c, _)| *c))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    t.taxonomy_terms = codes.into_iter().filter_map(language_term).collect();
    t
}

/// The taxonomy of needs, with its terms.
pub fn needs_taxonomy() -> Taxonomy {
    Taxonomy {
        id: NEEDS_TAXONOMY_ID.to_owned(),
        name: "Needs".to_owned(),
        description: "What a service helps with".to_owned(),
        uri: None,
        version: Some("1".to_owned()),
        taxonomy_terms: NEEDS
            .iter()
            .enumerate()
            .map(|(i, (name, description))| TaxonomyTerm {
                id: format!("5e7d1b3a-0c4f-4b7e-8d2b-{:012}", i + 1),
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                parent_id: None,
                taxonomy: None,
                taxonomy_id: Some(NEEDS_TAXONOMY_ID.to_owned()),
                term_uri: None,
                term: None,
            })
            .collect(),
    }
}

/// A UUID (version 4 layout) from the stream.
fn uuid(r: &mut Rand) -> String {
    let a = r.int(0, (1 << 62) - 1);
    let b = r.int(0, (1 << 62) - 1);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
        a & 0xffff_ffff,
        (a >> 32) & 0xffff,
        (a >> 48) & 0xfff,
        8 + (b & 0x3),
        (b >> 2) & 0xfff,
        (b >> 14) & 0xffff_ffff_ffff
    )
}

/// A UUID that depends only on `name`, so one organisation keeps one identifier.
fn uuid_of(name: &str) -> String {
    let mut r = stream(0, name, 0);
    uuid(&mut r)
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn council(town: &Town) -> &'static str {
    match town.county {
        "Leicester" => "Leicester City Council",
        "Rutland" => "Rutland County Council",
        _ => "Leicestershire County Council",
    }
}

fn service(
    r: &mut Rand,
    name: &str,
    tpl: &Template,
    need: &TaxonomyTerm,
    locations: &[(&Town, &str, f64, f64)],
    today: Day,
) -> Service {
    let town = locations[0].0;
    let provider = tpl
        .provider
        .replace("{town}", town.name)
        .replace("{council}", council(town));
    let org_slug = slug(&provider);
    let id = uuid(r);
    let term =
        |t: TaxonomyTerm| json!({ "id": uuid_of(&format!("{id} {}", t.id)), "taxonomy_term": t });
    // Languages: English, and those its community speaks.
    let table = if town.diverse {
        LANGUAGES_DIVERSE
    } else {
        LANGUAGES_ELSEWHERE
    };
    let mut languages = vec!["en"];
    for &(code, p) in table {
        if r.chance(p) {
            languages.push(code);
        }
    }
    let mut attributes = vec![term(need.clone())];
    for code in &languages {
        attributes.extend(language_term(code).map(&term));
    }
    let language_records: Vec<Value> = languages
        .iter()
        .map(|code| json!({ "id": uuid_of(&format!("{id} language {code}")) }))
        .collect();
    // The places.
    let remote = matches!(tpl.when, When::Remote);
    let sals: Vec<Value> = locations
        .iter()
        .enumerate()
        .map(|(i, &(town, pc, lat, long))| {
            let venue = if remote {
                "Telephone and online".to_owned()
            } else {
                format!("{} {}", town.name, VENUES[r.below(VENUES.len())])
            };
            let access: Vec<&str> = ACCESS
                .iter()
                .filter(|&&(_, p)| r.chance(p))
                .map(|&(c, _)| c)
                .collect();
            let loc_id = uuid_of(&format!("{id} location {i}"));
            let mut location = json!({
                "id": loc_id,
                "location_type": if remote { "virtual" } else { "physical" },
                "name": venue,
            });
            if !remote {
                let described: Vec<String> = access
                    .iter()
                    .filter_map(|c| accessibility_term(c).map(|t| t.name))
                    .collect();
                location["latitude"] = json!(lat);
                location["longitude"] = json!(long);
                location["addresses"] = json!([{
                    "id": uuid_of(&format!("{id} address {i}")),
                    "address_1": format!("{} {}", r.int(1, 180), STREETS[r.below(STREETS.len())]),
                    "city": town.name,
                    "state_province": town.county,
                    "postal_code": pc,
                    "country": "GB",
                    "address_type": "physical",
                }]);
                if !access.is_empty() {
                    location["accessibility"] = json!([{
                        "id": uuid_of(&format!("{id} accessibility {i}")),
                        "description": described.join("; "),
                        "attributes": access
                            .iter()
                            .filter_map(|c| accessibility_term(c).map(&term))
                            .collect::<Vec<_>>(),
                    }]);
                }
            }
            json!({ "id": uuid_of(&format!("{id} sal {i}")), "location": location })
        })
        .collect();
    // When it runs.
    let schedule = match tpl.when {
        When::Weekdays | When::Remote => json!({
            "id": uuid_of(&format!("{id} schedule")),
            "freq": "WEEKLY",
            "byday": "MO,TU,WE,TH,FR",
            "opens_at": "09:00",
            "closes_at": if remote { "20:00" } else { "17:00" },
            "description": if remote {
                "Monday to Friday, 9am to 8pm"
            } else {
                "Monday to Friday, 9am to 5pm"
            },
        }),
        When::Weekly => {
            let (code, day) = DAYS[r.below(DAYS.len())];
            let start = r.int(9, 18);
            let hours = r.int(1, 3);
            let clock = |h: i64| match h {
                12 => "12 noon".to_owned(),
                h if h > 12 => format!("{}pm", h - 12),
                h => format!("{h}am"),
            };
            json!({
                "id": uuid_of(&format!("{id} schedule")),
                "freq": "WEEKLY",
                "interval": 1,
                "byday": code,
                "opens_at": format!("{start:02}:00"),
                "closes_at": format!("{:02}:00", start + hours),
                "description": format!("Every {day}, {} to {}", clock(start), clock(start + hours)),
            })
        }
    };
    // When it was last reviewed: most within the year, one in eight longer ago, a few never.
    let x = r.f64();
    let assured = if x < 0.03 {
        None
    } else if x < 0.155 {
        Some(today - r.int(380, 900) as Day)
    } else {
        Some(today - r.int(0, 330) as Day)
    };
    let slug_name = slug(name);
    let mut s = json!({
        "id": id,
        "name": name,
        "description": format!("{} in {}.", tpl.description, town.name),
        "status": "active",
        "url": format!("https://example.org/services/{slug_name}"),
        "email": format!("{}@example.org", slug_name.chars().take(40).collect::<String>().trim_end_matches('-')),
        "organization": {
            "id": uuid_of(&provider),
            "name": provider,
            "description": format!("{provider} runs services in Leicester, Leicestershire and Rutland."),
            "website": format!("https://example.org/{org_slug}"),
        },
        "service_at_locations": sals,
        "schedules": [schedule],
        "languages": language_records,
        "contacts": [{
            "id": uuid_of(&format!("{id} contact")),
            "name": if remote { "Helpline team" } else { "Service coordinator" },
            "title": "Coordinator",
        }],
        "attributes": attributes,
    });
    if let Some(a) = tpl.ages.0 {
        s["minimum_age"] = json!(a);
    }
    if let Some(a) = tpl.ages.1 {
        s["maximum_age"] = json!(a);
    }
    if let Some(d) = assured {
        s["assured_date"] = json!(iso_string(d));
        s["assurer_email"] = json!("directory@example.org");
        s["last_modified"] = json!(format!("{}T10:00:00Z", iso_string(d)));
    }
    if matches!(tpl.name, "Lunch club" | "Community pantry") {
        s["cost_options"] = json!([{
            "id": uuid_of(&format!("{id} cost")),
            "option": if tpl.name == "Lunch club" { "Lunch" } else { "Weekly membership" },
            "amount": if tpl.name == "Lunch club" { 4.5 } else { 3.5 },
            "amount_description": "Pay on the day; ask if you cannot afford it",
        }]);
    }
    serde_json::from_value(s).expect("the synthetic directory builds valid ORUK services")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::day;
    use equalis_directory::{Severity, freshness, validate_service, validate_taxonomy};

    fn today() -> Day {
        day(2026, 12, 1)
    }

    #[test]
    fn a_few_hundred_valid_services_in_the_footprint() {
        let d = directory("QK1", 42, today()).unwrap();
        assert_eq!(d.services.len(), SERVICES);
        for t in &d.taxonomies {
            assert!(
                validate_taxonomy(t)
                    .iter()
                    .all(|p| p.severity != Severity::Error)
            );
        }
        let mut ids = std::collections::HashSet::new();
        for s in &d.services {
            let problems = validate_service(s);
            assert!(
                problems.iter().all(|p| p.severity != Severity::Error),
                "{}: {problems:?}",
                s.name
            );
            assert!(ids.insert(s.id.clone()), "{} twice", s.id);
            // Every place is in Leicester, Leicestershire or Rutland.
            for (_, p) in s.points() {
                assert!((52.35..52.98).contains(&p.lat()) && (-1.6..-0.4).contains(&p.lon()));
            }
        }
        let names: std::collections::HashSet<_> = d.services.iter().map(|s| &s.name).collect();
        assert_eq!(names.len(), SERVICES, "service names are unique");
    }

    #[test]
    fn some_are_stale_some_speak_other_languages_and_it_is_deterministic() {
        let d = directory("QK1", 42, today()).unwrap();
        let stale = d
            .services
            .iter()
            .filter(|s| freshness(s, jiff::civil::date(2026, 12, 1)).is_stale())
            .count();
        assert!((20..80).contains(&stale), "{stale} stale");
        let polish = equalis_directory::language_term_id("pl").unwrap();
        let gujarati = equalis_directory::language_term_id("gu").unwrap();
        let carrying = |id: &str| {
            d.services
                .iter()
                .filter(|s| s.taxonomy_term_ids().contains(&id))
                .count()
        };
        assert!(carrying(&polish) > 3 && carrying(&gujarati) > 10);
        assert_eq!(
            d.to_json(),
            directory("E54000015", 42, today()).unwrap().to_json()
        );
        assert_ne!(
            d.to_json(),
            directory("QK1", 43, today()).unwrap().to_json()
        );
    }

    #[test]
    fn no_directory_where_the_postcodes_are_not_shipped() {
        assert!(directory("QYG", 42, today()).is_none());
        assert!(directory("nope", 42, today()).is_none());
    }
}
