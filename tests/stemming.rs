//! Golden French stems (`tests/data/stem_fr.tsv`) through the analyzer's fold and stem stages.

use depeche::analysis::{fold, Stemmer};
use depeche::Lang;

const GOLDEN: &str = include_str!("data/stem_fr.tsv");

#[test]
fn golden_french_stems() {
    let mut stemmer = Stemmer::new(Lang::French);
    let mut failures = Vec::new();
    for (n, line) in GOLDEN.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, expected) = line.split_once('\t').expect("word<TAB>stem");
        let folded = fold(word);
        let stem = stemmer.stem(&folded);
        if stem != expected {
            failures
                .push(format!("stem_fr.tsv:{}: {word:?} → {stem:?}, expected {expected:?}", n + 1));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn accented_and_unaccented_spellings_share_a_stem() {
    let mut stemmer = Stemmer::new(Lang::French);
    for (accented, plain) in [
        ("élection", "election"),
        ("sécurité", "securite"),
        ("autorités", "autorites"),
        ("assemblée", "assemblee"),
        ("Corée", "coree"),
        ("été", "ete"),
        ("arrivèrent", "arriverent"),
        ("frontières", "frontieres"),
    ] {
        let a = stemmer.stem(&fold(accented)).to_string();
        assert_eq!(stemmer.stem(&fold(plain)), a, "{accented:?} vs {plain:?}");
    }
}

#[test]
fn irregular_verb_families_share_a_stem_and_their_homographs_do_not() {
    let mut stemmer = Stemmer::new(Lang::French);
    let mut stem = |word: &str| stemmer.stem(&fold(word)).to_string();
    for family in [
        &["obtiennent", "obtenir", "obtenu", "obtient", "obtiendront", "obtînt"][..],
        &["prévoit", "prévoir", "prévu", "prévoient", "prévoyait"],
        &["comprennent", "comprendre", "comprend", "comprise"],
        &["permettra", "permettre", "permet", "permettent"],
        &["conduisent", "conduire", "conduit", "conduisait"],
        &["reçoivent", "recevoir", "reçoit", "reçu", "recevra"],
        &["interviennent", "intervenir", "intervenu", "intervient"],
        &["éteint", "éteindre", "éteignent"],
        &["reconnaître", "reconnu", "reconnaissent"],
        &["écrire", "écrit", "écrivent"],
    ] {
        let first = stem(family[0]);
        for word in &family[1..] {
            assert_eq!(stem(word), first, "{word:?} vs {:?}", family[0]);
        }
    }
    for (noun, verb) in [
        ("but", "boire"),
        ("lit", "lire"),
        ("vis", "voir"),
        ("voie", "voir"),
        ("attentat", "attente"),
        ("nation", "nager"),
        ("esprit", "prendre"),
        ("commission", "commettre"),
        ("émeute", "émouvoir"),
    ] {
        assert_ne!(stem(noun), stem(verb), "{noun:?} vs {verb:?}");
    }
}
