//! Go's `text/tabwriter` as kubectl uses it: cells end at a tab, each column of a block of
//! consecutive lines is as wide as its widest cell plus the padding, and the last cell of a line
//! (the one not ended by a tab) is never padded.
//!
//! `kubectl get` tables use minwidth 6, padding 3 (cli-runtime `printers.GetNewTabWriter`);
//! `kubectl describe` uses minwidth 0, padding 2 (kubectl `describe.tabbedString`).

/// Column layout parameters of one writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TabWriter {
    /// Minimal width of a column, padding included.
    pub min_width: usize,
    /// Spaces added after the widest cell of a column.
    pub padding: usize,
}

/// The writer behind `kubectl get` tables.
pub const GET_TABLE: TabWriter = TabWriter { min_width: 6, padding: 3 };
/// The writer behind `kubectl describe` output.
pub const DESCRIBE: TabWriter = TabWriter { min_width: 0, padding: 2 };

impl TabWriter {
    /// Aligns `text` (lines of tab-terminated cells) and returns the padded text.
    pub fn format(&self, text: &str) -> String {
        let mut lines: Vec<Vec<&str>> = text.split('\n').map(|line| line.split('\t').collect()).collect();
        // A trailing newline leaves one empty line behind; it is not part of the output.
        let ends_with_newline = text.ends_with('\n');
        if ends_with_newline {
            lines.pop();
        }
        let mut out = String::with_capacity(text.len() * 2);
        let mut widths = Vec::new();
        self.format_block(&lines, 0, lines.len(), &mut widths, &mut out);
        if !ends_with_newline && out.ends_with('\n') {
            out.pop();
        }
        out
    }

    /// Go's recursive `format`: finds the blocks of lines that have a cell in the next column,
    /// sizes that column per block, and recurses for the columns to its right.
    fn format_block(
        &self,
        lines: &[Vec<&str>],
        mut line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            self.write_lines(lines, line0, this, widths, out);
            line0 = this;
            let mut width = self.min_width;
            while this < line1 && column + 1 < lines[this].len() {
                width = width.max(cell_width(lines[this][column]) + self.padding);
                this += 1;
            }
            widths.push(width);
            self.format_block(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        self.write_lines(lines, line0, line1, widths, out);
    }

    fn write_lines(&self, lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
        for line in &lines[from..to] {
            for (j, cell) in line.iter().enumerate() {
                out.push_str(cell);
                if j + 1 < line.len() {
                    let width = widths.get(j).copied().unwrap_or(0);
                    let pad = width.saturating_sub(cell_width(cell));
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push('\n');
        }
    }
}

/// A `kubectl get` writer that remembers its column widths across flushes, as cli-runtime's
/// (liggitt/tabwriter with `RememberWidths`) does for `kubectl get -w`: every later row is laid
/// out with columns at least as wide as before, so a stream of rows stays aligned with the
/// header unless a cell is wider than any before it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RememberedWidths {
    widths: Vec<usize>,
}

impl RememberedWidths {
    /// Lays out one flush of rows (cells without tabs), one line each with a newline.
    pub fn flush(&mut self, rows: &[Vec<String>]) -> String {
        for row in rows {
            for (j, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
                let width = (cell_width(cell) + GET_TABLE.padding).max(GET_TABLE.min_width);
                if self.widths.len() <= j {
                    self.widths.resize(j + 1, 0);
                }
                self.widths[j] = self.widths[j].max(width);
            }
        }
        let mut out = String::new();
        for row in rows {
            for (j, cell) in row.iter().enumerate() {
                out.push_str(cell);
                if j + 1 < row.len() {
                    let pad = self.widths[j].saturating_sub(cell_width(cell));
                    out.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Display width of a cell: Go counts runes.
fn cell_width(cell: &str) -> usize {
    cell.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_table_pads_to_widest_cell_plus_three_and_leaves_last_column_bare() {
        let text = "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nweb-7c5ddbdf54-x2x7k\t1/1\tRunning\t0\t40s\n";
        assert_eq!(
            GET_TABLE.format(text),
            "NAME                   READY   STATUS    RESTARTS   AGE\n\
             web-7c5ddbdf54-x2x7k   1/1     Running   0          40s\n"
        );
    }

    #[test]
    fn remembered_widths_only_grow_across_flushes() {
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let mut writer = RememberedWidths::default();
        assert_eq!(
            writer
                .flush(&[row(&["NAME", "READY", "STATUS", "AGE"]), row(&["web-0", "0/1", "Pending", "0s"])]),
            "NAME    READY   STATUS    AGE\nweb-0   0/1     Pending   0s\n"
        );
        assert_eq!(
            writer.flush(&[row(&["web-0", "0/1", "ContainerCreating", "0s"])]),
            "web-0   0/1     ContainerCreating   0s\n"
        );
        assert_eq!(
            writer.flush(&[row(&["web-0", "1/1", "Running", "19s"])]),
            "web-0   1/1     Running             19s\n"
        );
    }

    #[test]
    fn get_table_applies_minimum_width_of_six() {
        assert_eq!(GET_TABLE.format("A\tB\nx\ty\n"), "A     B\nx     y\n");
    }

    #[test]
    fn describe_blocks_break_at_lines_without_tabs() {
        let text = "Name:\tweb\nNamespace:\tdefault\nContainers:\n  app:\n    Image:\tnginx\n    Restart Count:\t0\n";
        assert_eq!(
            DESCRIBE.format(text),
            "Name:       web\nNamespace:  default\nContainers:\n  app:\n    Image:          nginx\n    Restart Count:  0\n"
        );
    }
}
