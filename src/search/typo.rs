//! How plausible it is that a reader typing one word produced another: the cost model of
//! « did you mean ».
//!
//! Readers' typos are a few kinds of slips: a letter left out (`gouvernemnt`), two letters
//! swapped (`gouvernmeent`), a letter doubled (`gouvernemment`), a key next to the right one
//! hit instead (`gouvernenent`, on AZERTY or QWERTY), or a stray key next to a letter typed.
//! Each costs one. Any other edit (a letter replaced by a distant one, a stray letter far
//! from its neighbours) costs [`IMPLAUSIBLE`]: `monceau` is no slip for `morceau`, so a
//! correctly spelled rare word is not « corrected » into a frequent one that merely differs by
//! one letter. Accents cost nothing: both words are folded first.
//!
//! The first letter is seldom wrong in real typing (it is right in more than 9 misspellings
//! out of 10 in the classic studies of typing errors: Pollock & Zamora 1983, Yannakoudakis &
//! Fawthrop 1983), so a slip that loses or replaces it, or types a stray letter before it,
//! costs [`FIRST_LETTER`] more; two first letters swapped or a doubled first letter do not.
//! Without that, a correctly spelled word unknown to the index is « corrected » into any
//! frequent word one key away from its start (`venin` → `Bénin`, `fours` → `cours`).

/// The cost of one slip.
pub const SLIP: u32 = 1;
/// The cost of an edit that is no usual slip.
pub const IMPLAUSIBLE: u32 = 3;
/// What a slip costs on top of [`SLIP`] when it loses or replaces the first letter, or puts a
/// stray letter before it.
pub const FIRST_LETTER: u32 = 1;

/// Key rows of AZERTY and QWERTY; each row is set off by about half a key from the one above.
const LAYOUTS: [[&str; 3]; 2] =
    [["azertyuiop", "qsdfghjklm", "wxcvbn"], ["qwertyuiop", "asdfghjkl", "zxcvbnm"]];

fn position(layout: &[&str; 3], c: char) -> Option<(i32, i32)> {
    layout.iter().enumerate().find_map(|(r, row)| row.find(c).map(|col| (r as i32, col as i32)))
}

/// Whether `a` and `b` are next to each other on an AZERTY or a QWERTY keyboard.
pub fn neighbours(a: char, b: char) -> bool {
    a != b
        && LAYOUTS.iter().any(|layout| match (position(layout, a), position(layout, b)) {
            (Some((ra, ca)), Some((rb, cb))) => match rb - ra {
                0 => (ca - cb).abs() == 1,
                1 => cb == ca || cb == ca - 1,
                -1 => cb == ca || cb == ca + 1,
                _ => false,
            },
            _ => false,
        })
}

/// The cost of typing `typed` for `correct` (both folded): an optimal alignment where
/// deletions, adjacent swaps, doubled letters and neighbouring keys cost [`SLIP`] and other
/// edits [`IMPLAUSIBLE`].
///
/// ```
/// use depeche::search::typo::{typo_cost, SLIP};
/// assert_eq!(typo_cost("gouvernement", "gouvernemnt"), SLIP); // a letter left out
/// assert_eq!(typo_cost("gouvernement", "gouvernemetn"), SLIP); // two letters swapped
/// assert_eq!(typo_cost("morceau", "monceau"), 3); // n is far from r: no slip
/// ```
pub fn typo_cost(correct: &str, typed: &str) -> u32 {
    let c: Vec<char> = correct.chars().collect();
    let t: Vec<char> = typed.chars().collect();
    let (n, m) = (c.len(), t.len());
    // A stray letter: a doubled one, or a neighbour of a letter next to it.
    let insertion = |j: usize| {
        let x = t[j];
        let near = |k: Option<&char>| k.is_some_and(|&k| k == x || neighbours(k, x));
        let first = if j == 0 && t.get(1) != Some(&x) { FIRST_LETTER } else { 0 };
        if near(j.checked_sub(1).and_then(|p| t.get(p))) || near(t.get(j + 1)) {
            SLIP + first
        } else {
            IMPLAUSIBLE
        }
    };
    let deletion = |i: usize| if i == 1 { SLIP + FIRST_LETTER } else { SLIP };
    let mut d = vec![vec![0u32; m + 1]; n + 1];
    for i in 1..=n {
        d[i][0] = d[i - 1][0] + deletion(i);
    }
    for j in 1..=m {
        d[0][j] = d[0][j - 1] + insertion(j - 1);
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = if c[i - 1] == t[j - 1] {
                0
            } else if neighbours(c[i - 1], t[j - 1]) {
                if i == 1 && j == 1 {
                    SLIP + FIRST_LETTER
                } else {
                    SLIP
                }
            } else {
                IMPLAUSIBLE
            };
            let mut best = (d[i - 1][j] + deletion(i)).min(d[i][j - 1] + insertion(j - 1));
            best = best.min(d[i - 1][j - 1] + sub);
            if i > 1 && j > 1 && c[i - 1] == t[j - 2] && c[i - 2] == t[j - 1] {
                best = best.min(d[i - 2][j - 2] + SLIP);
            }
            d[i][j] = best;
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_cost_one_and_other_edits_more() {
        let table: &[(&str, &str, u32)] = &[
            ("gouvernement", "gouvernement", 0),
            ("gouvernement", "gouvernemnt", SLIP),   // deletion
            ("gouvernement", "gouvernemetn", SLIP),  // transposition
            ("gouvernement", "gouvernemment", SLIP), // doubled letter
            ("gouvernement", "gouvernenent", SLIP),  // n beside m (AZERTY and QWERTY)
            ("gouvernement", "gouvernemrnt", SLIP),  // r beside e
            ("gouvernement", "gouvernemeznt", SLIP), // stray z beside e (AZERTY)
            ("ministere", "ministrre", SLIP),        // r beside e
            ("ministere", "minisstrre", 2 * SLIP),   // s doubled, r beside e
            ("morceau", "monceau", IMPLAUSIBLE),     // n far from r
            ("election", "elextion", SLIP),          // x beside c
            ("election", "elevtion", SLIP),          // v beside c
            ("paris", "parix", SLIP),                // x below s
            ("gouvernement", "fgouvernement", SLIP + FIRST_LETTER), // stray key first
            ("gouvernement", "ouvernement", SLIP + FIRST_LETTER), // first letter lost
            ("cours", "fours", SLIP + FIRST_LETTER), // first letter replaced
            ("gouvernement", "ggouvernement", SLIP), // doubled first letter
            ("gouvernement", "oguvernement", SLIP),  // first two swapped
        ];
        for (correct, typed, want) in table {
            assert_eq!(typo_cost(correct, typed), *want, "{correct} → {typed}");
        }
    }

    #[test]
    fn keyboard_neighbours() {
        for (a, b, want) in [
            ('a', 'z', true), // AZERTY
            ('a', 's', true), // QWERTY
            ('m', 'l', true), // AZERTY home row
            ('e', 'r', true),
            ('e', 'd', true),
            ('n', 'r', false),
            ('a', 'p', false),
            ('a', 'a', false),
        ] {
            assert_eq!(neighbours(a, b), want, "{a}{b}");
        }
    }
}
