//! A republication set made from news articles, with its truth: stories republished by
//! several outlets with small edits, and hard negatives that must stay apart.
//!
//! Shared by `examples/stories_eval.rs` (the measurements of `docs/stories.md`),
//! `tests/stories.rs` (a CI-sized run) and `benches/search/stories.rs`.
//!
//! - **Republications**: a share of the base articles become stories with 1 to
//!   `max_versions` other versions. Each version gets a new id, source, URL and byline and a
//!   random mix of the edits outlets make: a tagged or trimmed headline, a rewritten, added or
//!   dropped lead (chapô), the last paragraph (or sentence) cut, apostrophes, spaces, quotes,
//!   thousands separators and line breaks retyped, a byline line in the body, a date a day
//!   later. The original may carry a lead (its first sentence, as a chapô repeats it).
//! - **Template series** (hard negatives): daily weather, football results, stock market
//!   closes and local election results written from one template each, a different story per
//!   day, match or town, and each republished by up to three outlets too.
//! - **Follow-up dispatches** (hard negatives): a new story on the same subject that repeats
//!   one background paragraph of an earlier one among paragraphs of its own.
//!
//! The base articles themselves are stories of one version (the bundled Wikinews corpus has
//! its own same-topic series: Tour de France stages, Eurovision semi-finals…).

#![allow(dead_code)]

use depeche::index::Article;

/// splitmix64, seeded: the same seed gives the same set.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// What the generator makes.
#[derive(Clone, Debug)]
pub struct Config {
    pub seed: u64,
    /// Share of the base articles that are republished.
    pub republished: f64,
    /// Most other versions of a republished story (at least 1).
    pub max_versions: usize,
    /// Stories per template series (weather, football, markets, elections).
    pub template_stories: usize,
    /// Share of the base articles that get a follow-up dispatch (a different story).
    pub follow_ups: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 13,
            republished: 0.4,
            max_versions: 5,
            template_stories: 30,
            follow_ups: 0.1,
        }
    }
}

/// One generated article and its truth.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub article: Article,
    /// The true story: every version of a story has the same key.
    pub story: String,
    /// What was done to make this version (empty for an original).
    pub edits: Vec<&'static str>,
    /// `base`, `version`, `template`, `template-version` or `follow-up`.
    pub kind: &'static str,
}

const OUTLETS: &[&str] = &[
    "AFP",
    "Le Parisien",
    "Ouest-France",
    "20 Minutes",
    "Le Figaro",
    "Libération",
    "La Dépêche",
    "Sud Ouest",
    "Le Progrès",
    "La Voix du Nord",
    "France Info",
    "L'Est Républicain",
    "Reuters",
    "Le Télégramme",
];

const FIRST: &[&str] = &[
    "Marie", "Jean", "Sophie", "Pierre", "Camille", "Nicolas", "Julie", "Thomas", "Claire",
    "Antoine", "Léa", "Hugo", "Élodie", "Mathieu", "Inès", "Karim",
];
const LAST: &[&str] = &[
    "Dupont",
    "Martin",
    "Lefèvre",
    "Moreau",
    "Garcia",
    "Bernard",
    "Roux",
    "Fournier",
    "N'Diaye",
    "Lambert",
    "Bonnet",
    "Mercier",
    "Chevalier",
    "Da Silva",
    "Haddad",
    "Lemoine",
];
const TAGS: &[&str] = &[
    "VIDÉO. ",
    "INFO AFP. ",
    "DIRECT. ",
    "EXCLUSIF. ",
    "Actualité : ",
    "[MAJ] ",
    "PHOTOS. ",
    "Urgent - ",
    "ENQUÊTE. ",
    "REPLAY. ",
];
const SUFFIXES: &[&str] =
    &[" - Le Parisien", " | 20 Minutes", " (AFP)", " - Ouest-France", " – actu"];
const LEAD_OPENERS: &[&str] = &[
    "Selon nos informations,",
    "C'est officiel :",
    "Coup de théâtre :",
    "Ce qu'il faut retenir :",
    "L'information a été confirmée :",
    "",
];

fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect()
}

fn paragraphs(body: &str) -> Vec<&str> {
    body.split('\n').map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// Sentences of a paragraph (cut after `.`, `!`, `?` followed by a space).
fn sentences(p: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = p.as_bytes();
    for i in 0..b.len() {
        if matches!(b[i], b'.' | b'!' | b'?') && (i + 1 == b.len() || b[i + 1] == b' ') {
            let s = p[start..=i].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + 1;
        }
    }
    let rest = p[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// The first sentence of the body that is not a dateline, for a chapô.
fn first_sentence(body: &str) -> Option<String> {
    for p in paragraphs(body) {
        for s in sentences(p) {
            let s = s.trim_start_matches(|c: char| !c.is_alphabetic());
            if s.split_whitespace().count() >= 6 {
                return Some(s.to_string());
            }
        }
    }
    None
}

/// A new chapô on the same facts: the words of the first sentence in another order, some
/// dropped, behind an opener; no 5-word run of the original survives.
fn rewrite_lead(rng: &mut Rng, body: &str) -> String {
    let Some(s) = first_sentence(body) else {
        return rng.pick(LEAD_OPENERS).to_string();
    };
    let mut words: Vec<&str> = s.split_whitespace().filter(|_| rng.chance(0.8)).collect();
    // Swap chunks of 2 to 3 words so that every run of the original is broken.
    let mut chunks: Vec<Vec<&str>> = words.chunks(2 + rng.below(2)).map(|c| c.to_vec()).collect();
    rng.shuffle(&mut chunks);
    words = chunks.into_iter().flatten().collect();
    let opener = rng.pick(LEAD_OPENERS);
    let mut lead = String::new();
    if !opener.is_empty() {
        lead.push_str(opener);
        lead.push(' ');
    }
    lead.push_str(&words.join(" "));
    lead.push('.');
    lead
}

fn edit_title(rng: &mut Rng, title: &str, edits: &mut Vec<&'static str>) -> String {
    match rng.below(4) {
        0 => {
            edits.push("title-tag");
            format!("{}{title}", rng.pick(TAGS))
        }
        1 => {
            edits.push("title-suffix");
            format!("{title}{}", rng.pick(SUFFIXES))
        }
        2 => {
            edits.push("title-trim");
            let words: Vec<&str> = title.split_whitespace().collect();
            if let Some((_, after)) =
                title.split_once(" : ").filter(|(_, a)| a.split_whitespace().count() >= 3)
            {
                after.to_string()
            } else if words.len() > 5 {
                words[..words.len() - 1 - rng.below(2)].join(" ")
            } else {
                title.to_string()
            }
        }
        _ => title.to_string(),
    }
}

/// Retypes apostrophes, spaces around French punctuation, quotes, ellipses, thousands
/// separators and line breaks, each choice made once for the whole version.
fn retype(rng: &mut Rng, text: &str, edits: &mut Vec<&'static str>) -> String {
    let curly = rng.chance(0.5);
    let punct_space = *rng.pick(&["\u{a0}", "\u{202f}", " ", ""]);
    let quotes = rng.chance(0.3);
    let join_thousands = rng.chance(0.3);
    let nbsp_thousands = rng.chance(0.3);
    let single_breaks = rng.chance(0.3);
    let double_spaces = rng.chance(0.2);
    edits.push("retyped");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        match c {
            '\'' | '’' => out.push(if curly { '’' } else { '\'' }),
            ' ' | '\u{a0}' | '\u{202f}' if matches!(next, Some(':' | ';' | '!' | '?' | '»')) => {
                out.push_str(punct_space)
            }
            ' ' | '\u{a0}' | '\u{202f}' if prev == Some('«') => out.push_str(punct_space),
            ' ' | '\u{a0}' | '\u{202f}'
                if prev.is_some_and(|p| p.is_ascii_digit())
                    && chars
                        .get(i + 1..i + 4)
                        .is_some_and(|d| d.iter().all(char::is_ascii_digit))
                    && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit()) =>
            {
                if join_thousands {
                } else if nbsp_thousands {
                    out.push('\u{a0}');
                } else {
                    out.push(' ');
                }
            }
            ' ' if double_spaces && rng.chance(0.05) => out.push_str("  "),
            '«' if quotes => out.push('"'),
            '»' if quotes => out.push('"'),
            '.' if next == Some('.') && chars.get(i + 2) == Some(&'.') => {
                out.push('…');
                i += 2;
            }
            '\n' if single_breaks && next == Some('\n') => {
                out.push('\n');
                i += 1;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Cuts the last paragraph (paragraphs are separated by blank lines), or the last sentence of
/// a one-paragraph body, when at least half of the words remain.
fn cut_end(body: &str) -> Option<String> {
    let words = |s: &str| s.split_whitespace().count();
    let ps: Vec<&str> = body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    let cut = if ps.len() >= 2 {
        ps[..ps.len() - 1].join("\n\n")
    } else {
        let ss = sentences(ps.first()?);
        if ss.len() < 3 {
            return None;
        }
        ss[..ss.len() - 1].join(" ")
    };
    (words(&cut) * 2 >= words(body)).then_some(cut)
}

fn byline(rng: &mut Rng) -> (String, String) {
    let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    (name.clone(), name)
}

fn next_day(date: &Option<String>) -> Option<String> {
    let d = date.as_deref()?;
    let day =
        time::Date::parse(d.get(..10)?, time::macros::format_description!("[year]-[month]-[day]"))
            .ok()?;
    let next = day.next_day()?;
    Some(format!("{:04}-{:02}-{:02}", next.year(), next.month() as u8, next.day()))
}

/// One other version of `original`, as an outlet republishes it.
fn version(
    rng: &mut Rng,
    original: &Article,
    n: usize,
    story: &str,
    kind: &'static str,
) -> Labelled {
    let mut edits = Vec::new();
    let outlet = rng.pick(OUTLETS).to_string();
    let mut a = original.clone();
    a.id = format!("{story}~v{n}");
    a.source = Some(outlet.clone());
    a.url = Some(format!("https://{}.example/{}-{n}", slug(&outlet), slug(&original.id)));
    a.author = None;
    loop {
        if rng.chance(0.6) {
            a.title = edit_title(rng, &original.title, &mut edits);
        }
        if rng.chance(0.5) {
            match rng.below(3) {
                0 | 1 => {
                    edits.push("lead-rewritten");
                    a.lead = rewrite_lead(rng, &original.body);
                }
                _ if !a.lead.is_empty() => {
                    edits.push("lead-dropped");
                    a.lead.clear();
                }
                _ => {}
            }
        }
        if rng.chance(0.5) {
            if let Some(cut) = cut_end(&a.body) {
                edits.push("last-paragraph-cut");
                a.body = cut;
            }
        }
        if rng.chance(0.5) {
            let (name, author) = byline(rng);
            a.author = Some(author);
            edits.push("byline");
            a.body = match rng.below(3) {
                0 => format!("Par {name}\n\n{}", a.body),
                1 => format!("Par {name} ({outlet})\n{}", a.body),
                _ => format!("{}\n\n{name} avec AFP", a.body),
            };
        }
        if rng.chance(0.7) {
            a.title = retype(rng, &a.title, &mut edits);
            a.lead = retype(rng, &a.lead, &mut edits);
            a.body = retype(rng, &a.body, &mut edits);
            edits.dedup();
        }
        if rng.chance(0.3) {
            if let Some(d) = next_day(&a.date) {
                a.date = Some(d);
                edits.push("next-day");
            }
        }
        if edits.iter().any(|e| *e != "next-day") {
            break;
        }
    }
    Labelled { article: a, story: story.to_string(), edits, kind }
}

/// A follow-up dispatch: a new story on the subject of `earlier` that repeats one of its
/// paragraphs (not its last, at most 40% of its words) among paragraphs taken one each from
/// `others` (each at most 40% of its source): no article is mostly contained in it.
fn follow_up(rng: &mut Rng, earlier: &Article, others: &[&Article], n: usize) -> Option<Labelled> {
    let words = |s: &str| s.split_whitespace().count();
    let share = |p: &str, of: &Article| words(p) * 5 <= words(&of.body) * 2 && words(p) >= 15;
    let ps = paragraphs(&earlier.body);
    let repeated = *ps[..ps.len().saturating_sub(1)].iter().find(|p| share(p, earlier))?;
    let mut own: Vec<&str> = Vec::new();
    for o in others {
        let candidates: Vec<&str> =
            paragraphs(&o.body).into_iter().filter(|p| share(p, o)).collect();
        if !candidates.is_empty() {
            own.push(candidates[rng.below(candidates.len())]);
        }
    }
    if own.len() < 2 {
        return None;
    }
    let subject = earlier.title.split(" : ").next().unwrap_or(&earlier.title);
    let tail = others[0].title.split(" : ").last().unwrap_or(&others[0].title);
    own.insert(1 + rng.below(own.len() - 1), repeated);
    let id = format!("followup-{n}");
    Some(Labelled {
        article: Article {
            id: id.clone(),
            title: format!("{subject} : {tail}"),
            body: own.join("\n\n"),
            date: next_day(&earlier.date),
            source: Some(rng.pick(OUTLETS).to_string()),
            ..Default::default()
        },
        story: id,
        edits: Vec::new(),
        kind: "follow-up",
    })
}

const DAYS: &[&str] = &["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
const MONTHS: &[&str] = &[
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const REGIONS: &[&str] = &[
    "la Bretagne",
    "la Normandie",
    "l'Occitanie",
    "la Provence",
    "l'Alsace",
    "le Nord",
    "l'Auvergne",
    "les Hauts-de-France",
    "la Nouvelle-Aquitaine",
    "la Corse",
    "le Limousin",
    "les Pays de la Loire",
];
const SKIES: &[&str] = &[
    "un grand soleil",
    "des averses orageuses",
    "un ciel voilé",
    "des pluies continues",
    "des éclaircies",
    "du brouillard givrant",
    "des chutes de neige",
    "un vent violent",
];
const TEAMS: &[&str] = &[
    "Lyon",
    "Marseille",
    "Nantes",
    "Rennes",
    "Lille",
    "Monaco",
    "Nice",
    "Bordeaux",
    "Lens",
    "Strasbourg",
    "Montpellier",
    "Toulouse",
    "Brest",
    "Reims",
    "Angers",
    "Lorient",
];
const PLAYERS: &[&str] = &[
    "Dembélé",
    "Kamara",
    "Payet",
    "Ben Yedder",
    "David",
    "Laborde",
    "Terrier",
    "Openda",
    "Diallo",
    "Fofana",
    "Mendy",
    "Sima",
    "Moffi",
    "Wahi",
    "Balogun",
    "Gouiri",
];
const TOWNS: &[&str] = &[
    "Quimper", "Vannes", "Rodez", "Albi", "Dole", "Niort", "Cholet", "Auxerre", "Bastia", "Épinal",
    "Laval", "Agen", "Tarbes", "Chartres", "Annecy", "Colmar",
];
const COMPANIES: &[&str] = &[
    "Renault",
    "TotalEnergies",
    "BNP Paribas",
    "Airbus",
    "Danone",
    "Kering",
    "Orange",
    "Carrefour",
    "Vinci",
    "Safran",
    "Michelin",
    "Capgemini",
];

fn date_of(day: usize) -> (String, String, String) {
    let d = time::Date::from_calendar_date(2017, time::Month::January, 2).expect("date")
        + time::Duration::days(day as i64);
    let weekday = DAYS[d.weekday().number_days_from_monday() as usize];
    let month = MONTHS[d.month() as usize - 1];
    (
        weekday.to_string(),
        format!("{} {month} {}", d.day(), d.year()),
        format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day()),
    )
}

fn weather(rng: &mut Rng, i: usize) -> Article {
    let (day, when, iso) = date_of(i);
    let (r1, r2) = (rng.pick(REGIONS), rng.pick(REGIONS));
    let (s1, s2, s3) = (rng.pick(SKIES), rng.pick(SKIES), rng.pick(SKIES));
    let t = 2 + rng.below(20);
    Article {
        id: format!("meteo-{i}"),
        title: format!("Météo du {day} {when} : {s1} sur {r1}"),
        body: format!(
            "{when} . – La journée de {day} sera marquée par {s1} sur {r1}, selon les prévisions \
             de Météo-France publiées ce matin. Les températures minimales seront comprises entre \
             {} et {} degrés, les maximales entre {} et {} degrés.\n\n\
             Dans {r2}, {s2} dominera une grande partie de la journée, avec des rafales de vent \
             pouvant atteindre {} km/h sur les côtes. Le département {} est placé en vigilance \
             {} par les services de l'État.\n\n\
             Pour la suite de la semaine, les prévisionnistes annoncent {s3} sur une grande \
             partie du pays, avec des températures proches des normales de saison.",
            t,
            t + 3,
            t + 6 + rng.below(4),
            t + 10 + rng.below(5),
            40 + 10 * rng.below(8),
            10 + rng.below(85),
            rng.pick(&["jaune", "orange", "rouge"])
        ),
        date: Some(iso),
        source: Some("Météo-France".into()),
        section: Some("Météo".into()),
        ..Default::default()
    }
}

fn football(rng: &mut Rng, i: usize) -> Article {
    let (_, when, iso) = date_of(i * 3);
    let home = rng.below(TEAMS.len());
    let away = (home + 1 + rng.below(TEAMS.len() - 1)) % TEAMS.len();
    let (h, a) = (TEAMS[home], TEAMS[away]);
    let (gh, ga) = (rng.below(5), rng.below(4));
    let round = 1 + rng.below(38);
    let (p1, p2) = (rng.pick(PLAYERS), rng.pick(PLAYERS));
    Article {
        id: format!("foot-{i}"),
        title: format!(
            "Ligue 1 : {h} {} {a} ({gh}-{ga})",
            if gh > ga {
                "bat"
            } else if gh == ga {
                "et"
            } else {
                "battu par"
            }
        ),
        body: format!(
            "{when} . – {h} a reçu {a} pour le compte de la {round}e journée de Ligue 1, devant \
             {} spectateurs. Le score final est de {gh} à {ga}.\n\n\
             {p1} a ouvert le score à la {}e minute, avant que {p2} ne réponde à la {}e minute. \
             L'entraîneur de {h} s'est dit satisfait de l'état d'esprit de son équipe après la \
             rencontre.\n\n\
             Au classement, {h} occupe désormais la {}e place avec {} points, tandis que {a} est \
             {}e avec {} points. La prochaine journée aura lieu le week-end prochain.",
            15_000 + 1000 * rng.below(40),
            1 + rng.below(45),
            46 + rng.below(44),
            1 + rng.below(20),
            10 + rng.below(60),
            1 + rng.below(20),
            10 + rng.below(60)
        ),
        date: Some(iso),
        source: Some("Ligue 1".into()),
        section: Some("Sport".into()),
        ..Default::default()
    }
}

fn market(rng: &mut Rng, i: usize) -> Article {
    let (day, when, iso) = date_of(i);
    let up = rng.chance(0.5);
    let pct = format!("{},{}", rng.below(3), rng.below(100));
    let (c1, c2) = (rng.pick(COMPANIES), rng.pick(COMPANIES));
    let points = 4800 + rng.below(600);
    Article {
        id: format!("bourse-{i}"),
        title: format!(
            "La Bourse de Paris termine en {} de {pct} % ce {day}",
            if up { "hausse" } else { "baisse" }
        ),
        body: format!(
            "{when} . – La Bourse de Paris a terminé la séance de {day} en {} de {pct} %, à \
             {points} points. {c1} a signé la plus forte {} du CAC 40, tandis que {c2} a \
             reculé de {},{} %.\n\n\
             Le CAC 40 regroupe les quarante plus importantes capitalisations de la place de \
             Paris. Les volumes d'échanges sont restés conformes à la moyenne des dernières \
             semaines, selon les opérateurs de marché, qui attendent les prochaines décisions \
             de la Banque centrale européenne sur les taux d'intérêt.\n\n\
             Sur le marché des changes, l'euro s'échangeait à {},{} dollar en fin de journée.",
            if up { "hausse" } else { "baisse" },
            if up { "progression" } else { "baisse" },
            rng.below(4),
            rng.below(100),
            1,
            10 + rng.below(30)
        ),
        date: Some(iso),
        source: Some("Bourse".into()),
        section: Some("Économie".into()),
        ..Default::default()
    }
}

fn election(rng: &mut Rng, i: usize) -> Article {
    let (_, when, iso) = date_of(60 + i % 2 * 7);
    let town = TOWNS[i % TOWNS.len()];
    let round = if i.is_multiple_of(2) { "premier" } else { "second" };
    let (w, l) = (
        format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
        format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
    );
    let score = 40 + rng.below(25);
    Article {
        id: format!("election-{i}"),
        title: format!("Municipales à {town} : {w} en tête du {round} tour"),
        body: format!(
            "{when} . – À l'issue du {round} tour des élections municipales à {town}, {w} arrive \
             en tête avec {score},{} % des suffrages exprimés, devant {l} ({},{} %). La \
             participation s'établit à {} %.\n\n\
             Les bureaux de vote ont fermé à 18 heures. Le dépouillement s'est déroulé dans le \
             calme, selon la préfecture, qui publiera les résultats définitifs dans la soirée.\n\n\
             Le conseil municipal se réunira dans les prochains jours pour élire le maire et \
             ses adjoints.",
            rng.below(10),
            100 - score - 10 - rng.below(10),
            rng.below(10),
            35 + rng.below(30)
        ),
        date: Some(iso),
        source: Some("Préfecture".into()),
        section: Some("Politique".into()),
        ..Default::default()
    }
}

/// The republication set of `base` (see the module docs), in a shuffled arrival order.
pub fn generate(base: &[Article], cfg: &Config) -> Vec<Labelled> {
    let mut rng = Rng(cfg.seed);
    let mut out = Vec::new();
    for (i, b) in base.iter().enumerate() {
        let mut original = b.clone();
        let story = original.id.clone();
        let republished = rng.chance(cfg.republished);
        if republished && rng.chance(0.4) {
            if let Some(s) = first_sentence(&original.body) {
                original.lead = s;
            }
        }
        out.push(Labelled {
            article: original.clone(),
            story: story.clone(),
            edits: Vec::new(),
            kind: "base",
        });
        if republished {
            for n in 1..=1 + rng.below(cfg.max_versions.max(1)) {
                out.push(version(&mut rng, &original, n, &story, "version"));
            }
        }
        if rng.chance(cfg.follow_ups) {
            let others: Vec<&Article> = (0..3)
                .map(|_| &base[(i + 1 + rng.below(base.len().max(2) - 1)) % base.len()])
                .collect();
            if let Some(f) = follow_up(&mut rng, b, &others, i) {
                out.push(f);
            }
        }
    }
    type Template = fn(&mut Rng, usize) -> Article;
    let templates: [Template; 4] = [weather, football, market, election];
    for make in templates {
        for i in 0..cfg.template_stories {
            let original = make(&mut rng, i);
            let story = original.id.clone();
            out.push(Labelled {
                article: original.clone(),
                story: story.clone(),
                edits: Vec::new(),
                kind: "template",
            });
            for n in 1..=rng.below(4) {
                out.push(version(&mut rng, &original, n, &story, "template-version"));
            }
        }
    }
    rng.shuffle(&mut out);
    out
}
