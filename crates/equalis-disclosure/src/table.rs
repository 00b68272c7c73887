//! Primary and secondary suppression for two-way tables whose totals are published.
//!
//! Think of the table with its totals as a bipartite graph: one node per row (including the
//! totals row) and one per column (including the totals column), and one edge per suppressed
//! cell. Every row and column gives a linear equation (cells minus total = 0), so the unknown
//! suppressed values can move only around cycles of this graph. A suppressed cell is therefore
//! recoverable from the totals exactly when its edge is a *bridge* (on no cycle). Secondary
//! suppression puts every suppressed edge on a cycle by adding the cheapest path of extra cells,
//! found with Dijkstra's algorithm where a cell costs its value plus one (smaller cells first,
//! then fewer cells). Totals are used as complements only when no inner cell can be (a table with
//! one row or one column), because the point of this policy is that totals stay published.
//!
//! The older "at least two suppressed cells in every row and column" rule is implied (a lone
//! suppressed cell in a line is a bridge) but is not sufficient on its own; the bridge test is.

use crate::{Cell, DisclosureError, Publishable, Thresholds};

/// Primary plus secondary suppression policy for tables with published totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableSuppression {
    thresholds: Thresholds,
}

/// A table after suppression: inner cells, row totals, column totals and the grand total.
#[derive(Debug, Clone, PartialEq)]
pub struct SuppressedTable {
    /// Inner cells, row by row.
    pub cells: Vec<Vec<Cell>>,
    /// One total per row.
    pub row_totals: Vec<Cell>,
    /// One total per column.
    pub column_totals: Vec<Cell>,
    /// Sum of all cells.
    pub grand_total: Cell,
    /// Number of cells suppressed because they were small (primary).
    pub primary: usize,
    /// Number of cells suppressed to protect others (secondary), including any totals.
    pub secondary: usize,
}

impl TableSuppression {
    /// A policy with the given thresholds (the rounding base is not used: cells are exact).
    pub fn new(thresholds: Thresholds) -> Self {
        Self { thresholds }
    }

    /// Suppresses counts 1 to `threshold` (in cells and totals alike), then adds complementary
    /// suppressions until no suppressed cell can be recovered from the published totals.
    pub fn apply(
        &self,
        table: &[Vec<u64>],
    ) -> Result<Publishable<SuppressedTable>, DisclosureError> {
        let rows = table.len();
        let cols = table.first().map_or(0, Vec::len);
        for (row, r) in table.iter().enumerate() {
            if r.len() != cols {
                return Err(DisclosureError::RaggedTable {
                    row,
                    found: r.len(),
                    expected: cols,
                });
            }
        }
        // The augmented table: inner cells, then the totals column, then the totals row.
        let (m, n) = (rows + 1, cols + 1);
        let mut value = vec![vec![0u64; n]; m];
        for i in 0..rows {
            for j in 0..cols {
                value[i][j] = table[i][j];
                value[i][cols] += table[i][j];
                value[rows][j] += table[i][j];
                value[rows][cols] += table[i][j];
            }
        }
        let small = |v: u64| v >= 1 && v <= self.thresholds.threshold;
        let mut suppressed = vec![vec![false; n]; m];
        let mut primary = 0;
        for i in 0..m {
            for j in 0..n {
                if small(value[i][j]) {
                    suppressed[i][j] = true;
                    primary += 1;
                }
            }
        }
        let mut secondary = 0;
        while let Some((r, c)) = find_bridge(&suppressed) {
            let path = cheapest_cycle(&value, &suppressed, r, c, rows, cols);
            // The augmented table has at least two rows and two columns, so the complete
            // bipartite graph always has a path; an empty one would mean a bug, and looping
            // forever would hide it.
            debug_assert!(
                !path.is_empty(),
                "a complete bipartite graph always has a path"
            );
            if path.is_empty() {
                break;
            }
            for (i, j) in path {
                suppressed[i][j] = true;
                secondary += 1;
            }
        }
        let symbol = &self.thresholds.symbol;
        let cell = |i: usize, j: usize| {
            if suppressed[i][j] {
                Cell::Suppressed(symbol.clone())
            } else {
                Cell::Count(value[i][j])
            }
        };
        Ok(Publishable::new(SuppressedTable {
            cells: (0..rows)
                .map(|i| (0..cols).map(|j| cell(i, j)).collect())
                .collect(),
            row_totals: (0..rows).map(|i| cell(i, cols)).collect(),
            column_totals: (0..cols).map(|j| cell(rows, j)).collect(),
            grand_total: cell(rows, cols),
            primary,
            secondary,
        }))
    }
}

/// A suppressed cell whose edge is a bridge, if any, by Tarjan's bridge-finding depth-first
/// search (linear in the size of the table, so large tables stay fast).
fn find_bridge(suppressed: &[Vec<bool>]) -> Option<(usize, usize)> {
    let (m, n) = (suppressed.len(), suppressed[0].len());
    // Nodes 0..m are rows, m..m+n are columns; edges are suppressed cells.
    let mut adjacency = vec![Vec::new(); m + n];
    for (i, row) in suppressed.iter().enumerate() {
        for (j, &s) in row.iter().enumerate() {
            if s {
                adjacency[i].push(m + j);
                adjacency[m + j].push(i);
            }
        }
    }
    let mut search = BridgeSearch {
        adjacency: &adjacency,
        entered: vec![usize::MAX; m + n],
        low: vec![0; m + n],
        clock: 0,
        bridge: None,
    };
    for start in 0..m + n {
        if search.entered[start] == usize::MAX && search.bridge.is_none() {
            search.visit(start, usize::MAX);
        }
    }
    // Translate the node pair back to (row, column).
    search
        .bridge
        .map(|(a, b)| if a < m { (a, b - m) } else { (b, a - m) })
}

/// State of the depth-first search for a bridge.
struct BridgeSearch<'a> {
    adjacency: &'a [Vec<usize>],
    entered: Vec<usize>,
    low: Vec<usize>,
    clock: usize,
    bridge: Option<(usize, usize)>,
}

impl BridgeSearch<'_> {
    /// Visits `node`, reached from `parent`; the graph is simple (one cell per row-column pair),
    /// so skipping the parent node is the same as skipping the edge we came by.
    fn visit(&mut self, node: usize, parent: usize) {
        self.entered[node] = self.clock;
        self.low[node] = self.clock;
        self.clock += 1;
        for k in 0..self.adjacency[node].len() {
            let next = self.adjacency[node][k];
            if next == parent {
                continue;
            }
            if self.entered[next] == usize::MAX {
                self.visit(next, node);
                self.low[node] = self.low[node].min(self.low[next]);
                if self.low[next] > self.entered[node] && self.bridge.is_none() {
                    self.bridge = Some((node, next));
                }
            } else {
                self.low[node] = self.low[node].min(self.entered[next]);
            }
        }
    }
}

/// The cheapest set of unsuppressed cells that, added to the suppressed ones, joins row `r` to
/// column `c` without the cell `(r, c)`, closing a cycle through it.
fn cheapest_cycle(
    value: &[Vec<u64>],
    suppressed: &[Vec<bool>],
    r: usize,
    c: usize,
    rows: usize,
    cols: usize,
) -> Vec<(usize, usize)> {
    let (m, n) = (value.len(), value[0].len());
    // Totals are a last resort: they are meant to stay published.
    const TOTAL_PENALTY: f64 = 1e15;
    let cost = |i: usize, j: usize| -> f64 {
        if suppressed[i][j] {
            0.0
        } else {
            let base = value[i][j] as f64 + 1.0;
            if i == rows || j == cols {
                base + TOTAL_PENALTY
            } else {
                base
            }
        }
    };
    let total = m + n;
    let mut dist = vec![f64::INFINITY; total];
    let mut prev = vec![usize::MAX; total];
    let mut done = vec![false; total];
    dist[r] = 0.0;
    // Dense Dijkstra: the graph is complete bipartite, so a heap would not help.
    let next = |done: &[bool], dist: &[f64]| {
        (0..total)
            .filter(|&u| !done[u] && dist[u].is_finite())
            .min_by(|&a, &b| dist[a].total_cmp(&dist[b]))
    };
    while let Some(u) = next(&done, &dist) {
        done[u] = true;
        if u == m + c {
            break;
        }
        let edges: Vec<(usize, f64)> = if u < m {
            (0..n)
                .filter(|&j| (u, j) != (r, c))
                .map(|j| (m + j, cost(u, j)))
                .collect()
        } else {
            let j = u - m;
            (0..m)
                .filter(|&i| (i, j) != (r, c))
                .map(|i| (i, cost(i, j)))
                .collect()
        };
        for (v, w) in edges {
            if dist[u] + w < dist[v] {
                dist[v] = dist[u] + w;
                prev[v] = u;
            }
        }
    }
    let mut path = Vec::new();
    let mut node = m + c;
    while node != r && prev[node] != usize::MAX {
        let p = prev[node];
        let (i, j) = if p < m { (p, node - m) } else { (node, p - m) };
        if !suppressed[i][j] {
            path.push((i, j));
        }
        node = p;
    }
    path
}
