//! Small-count suppression for published tables (statistical disclosure
//! control), the way public statistics do it:
//!
//! - **primary**: a count from 1 to `threshold − 1` (default
//!   [`DEFAULT_THRESHOLD`], 5) is not shown — `< 5` — whether it is a cell,
//!   a row or column total or the grand total (zero is shown: it reveals
//!   nobody);
//! - **secondary**: a table is published with its totals, so a hidden count
//!   alone in its row (or column) would be that row's total minus the
//!   others. Every row and column of the table *with its totals* is an
//!   addition; as long as one of them holds exactly one hidden entry, one
//!   more entry of it is hidden — the smallest non-zero cell, else the
//!   smallest cell, a total only when nothing else is left — shown `s`
//!   (secret). At the end no addition of the table has exactly one unknown,
//!   so no hidden count is one subtraction away.
//!
//! Pure: counts in, what to show out; the report layer says so on every
//! report ([`notice`]).

use crate::Lang;
use serde::Serialize;

/// Counts below this (and above zero) are not published.
pub const DEFAULT_THRESHOLD: u64 = 5;

/// One published entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Shown(u64),
    /// Below the threshold (primary): shown `< 5`.
    Small,
    /// Hidden so that a small one cannot be worked out (secondary): `s`.
    Withheld,
}

impl Cell {
    pub fn is_hidden(self) -> bool {
        !matches!(self, Cell::Shown(_))
    }

    /// As printed: `42`, `< 5`, `s`.
    pub fn text(self, threshold: u64) -> String {
        match self {
            Cell::Shown(n) => n.to_string(),
            Cell::Small => format!("< {threshold}"),
            Cell::Withheld => "s".into(),
        }
    }
}

/// A table as it may be published: its cells, row totals, column totals
/// and grand total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Published {
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub col_totals: Vec<Cell>,
    pub total: Cell,
    pub threshold: u64,
}

impl Published {
    /// Entries hidden, primary and secondary.
    pub fn hidden(&self) -> usize {
        self.cells
            .iter()
            .flatten()
            .chain(&self.row_totals)
            .chain(&self.col_totals)
            .chain(std::iter::once(&self.total))
            .filter(|c| c.is_hidden())
            .count()
    }
}

/// Suppresses the small counts of `rows` (each row the same length) and
/// enough others that none can be worked out from the totals.
pub fn suppress(rows: &[Vec<u64>], threshold: u64) -> Published {
    let r = rows.len();
    let c = rows.first().map_or(0, Vec::len);
    assert!(
        rows.iter().all(|row| row.len() == c),
        "every row of a table has the same number of cells"
    );
    // The table with its totals: row r is the column totals, column c the
    // row totals, (r, c) the grand total.
    let mut value = vec![vec![0u64; c + 1]; r + 1];
    for (i, row) in rows.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            value[i][j] = v;
            value[i][c] += v;
            value[r][j] += v;
            value[r][c] += v;
        }
    }
    let mut state = vec![vec![Cell::Shown(0); c + 1]; r + 1];
    for i in 0..=r {
        for j in 0..=c {
            let v = value[i][j];
            state[i][j] = if v > 0 && v < threshold {
                Cell::Small
            } else {
                Cell::Shown(v)
            };
        }
    }
    // Every line of the extended table is an addition: rows 0..=r over
    // columns 0..=c, and columns 0..=c over rows 0..=r.
    let lines: Vec<Vec<(usize, usize)>> = (0..=r)
        .map(|i| (0..=c).map(|j| (i, j)).collect())
        .chain((0..=c).map(|j| (0..=r).map(|i| (i, j)).collect()))
        .collect();
    loop {
        let lone = lines.iter().find(|line| {
            line.iter()
                .filter(|&&(i, j)| state[i][j].is_hidden())
                .count()
                == 1
        });
        let Some(line) = lone else { break };
        let is_total = |(i, j): (usize, usize)| i == r || j == c;
        let pick = line
            .iter()
            .copied()
            .filter(|&(i, j)| !state[i][j].is_hidden())
            .min_by_key(|&(i, j)| (is_total((i, j)), value[i][j] == 0, value[i][j], i, j))
            .expect("a line with one hidden entry has at least one other entry");
        state[pick.0][pick.1] = Cell::Withheld;
    }
    Published {
        cells: (0..r).map(|i| state[i][..c].to_vec()).collect(),
        row_totals: (0..r).map(|i| state[i][c]).collect(),
        col_totals: state[r][..c].to_vec(),
        total: state[r][c],
        threshold,
    }
}

/// The sentence every report with suppressed counts carries.
pub fn notice(lang: Lang, threshold: u64) -> String {
    match lang {
        Lang::Fr => format!(
            "Secret statistique : les effectifs de 1 à {} sont masqués (« < {threshold} »), ainsi que d’autres cases (« s ») pour qu’aucun total ne permette de les retrouver.",
            threshold - 1
        ),
        Lang::En => format!(
            "Statistical confidentiality: counts from 1 to {} are not shown (“< {threshold}”), nor are other cells (“s”) from which totals would give them away.",
            threshold - 1
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(p: &Published) -> Vec<Vec<String>> {
        let t = p.threshold;
        let mut out: Vec<Vec<String>> = p
            .cells
            .iter()
            .zip(&p.row_totals)
            .map(|(row, total)| {
                row.iter()
                    .chain(std::iter::once(total))
                    .map(|c| c.text(t))
                    .collect()
            })
            .collect();
        out.push(
            p.col_totals
                .iter()
                .chain(std::iter::once(&p.total))
                .map(|c| c.text(t))
                .collect(),
        );
        out
    }

    #[test]
    fn a_small_count_and_what_would_give_it_away_are_hidden() {
        // Help given per theme (rows) and per stand (columns).
        let p = suppress(&[vec![12, 3, 20], vec![30, 15, 9], vec![8, 11, 25]], 5);
        assert_eq!(
            texts(&p),
            vec![
                vec!["s", "< 5", "20", "35"],
                vec!["30", "15", "9", "54"],
                vec!["s", "s", "25", "44"],
                vec!["50", "29", "54", "133"],
            ],
            "the 3 and three more cells making a rectangle with it: a row or a \
             column with one hidden entry would give it by subtraction"
        );
        assert_eq!(p.hidden(), 4);
    }

    #[test]
    fn a_row_that_is_its_own_total_hides_a_neighbour_row_and_its_total() {
        // One column: a row's only cell is its total.
        let p = suppress(&[vec![2], vec![40]], 5);
        assert_eq!(
            texts(&p),
            vec![vec!["< 5", "< 5"], vec!["s", "s"], vec!["42", "42"]],
            "42 − 40 would give the 2 away: the 40 goes, the grand total stays"
        );
    }

    #[test]
    fn zeros_and_large_counts_are_shown_as_they_are() {
        let p = suppress(&[vec![0, 7], vec![5, 0]], 5);
        assert_eq!(p.hidden(), 0);
        assert_eq!(texts(&p)[2], vec!["5", "7", "12"]);
        assert_eq!(suppress(&[], 5).total, Cell::Shown(0));
    }

    #[test]
    fn the_notice_says_what_was_done_in_both_languages() {
        assert!(notice(Lang::Fr, 5).contains("de 1 à 4"));
        assert!(notice(Lang::En, 5).contains("from 1 to 4"));
        assert_eq!(Cell::Small.text(5), "< 5");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Whatever the table: every small count is hidden, every shown
        /// entry is the true one, and no row or column of the table with its
        /// totals holds exactly one hidden entry (none is one subtraction
        /// away).
        #[test]
        fn no_hidden_count_is_one_subtraction_away(
            rows in (1usize..6, 1usize..6).prop_flat_map(|(r, c)| {
                proptest::collection::vec(proptest::collection::vec(0u64..25, c), r)
            }),
            threshold in 2u64..8,
        ) {
            let p = suppress(&rows, threshold);
            let (r, c) = (rows.len(), rows[0].len());
            let mut ext = vec![vec![(0u64, Cell::Shown(0)); c + 1]; r + 1];
            for i in 0..r {
                for j in 0..c {
                    ext[i][j] = (rows[i][j], p.cells[i][j]);
                }
                ext[i][c] = (rows[i].iter().sum(), p.row_totals[i]);
            }
            for j in 0..c {
                ext[r][j] = ((0..r).map(|i| rows[i][j]).sum(), p.col_totals[j]);
            }
            ext[r][c] = (rows.iter().flatten().sum(), p.total);
            for line in ext.iter() {
                prop_assert_ne!(line.iter().filter(|(_, s)| s.is_hidden()).count(), 1);
            }
            let columns = (0..=c).map(|j| ext.iter().filter(|row| row[j].1.is_hidden()).count());
            for hidden in columns {
                prop_assert_ne!(hidden, 1);
            }
            for (v, s) in ext.iter().flatten() {
                match s {
                    Cell::Shown(n) => {
                        prop_assert_eq!(n, v);
                        prop_assert!(*v == 0 || *v >= threshold, "{} is small", v);
                    }
                    Cell::Small => prop_assert!(*v > 0 && *v < threshold),
                    Cell::Withheld => {}
                }
            }
        }
    }
}
