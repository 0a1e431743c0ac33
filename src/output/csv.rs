//! Every CSV zhagen writes goes through this one table type, over the `csv` crate: a field
//! holding a comma, a quote or a line break (a pathway named `rtme,extra`, a source quoting a
//! title) is quoted as RFC 4180 says, so a row always has its header's number of fields.
//! Numbers are formatted by the caller, with fixed precision, so that files compare byte for
//! byte between runs.

/// A CSV table being built in memory (then written whole by `output::write_atomic`).
pub struct Table {
    w: csv::Writer<Vec<u8>>,
}

impl Table {
    /// A table with the given column names.
    pub fn new<S: AsRef<str>>(header: impl IntoIterator<Item = S>) -> Table {
        let mut t = Table {
            // Not flexible: a row whose length differs from the header's is a bug, caught here.
            w: csv::WriterBuilder::new().from_writer(Vec::new()),
        };
        t.row(header);
        t
    }

    /// Append one row.
    pub fn row<S: AsRef<str>>(&mut self, fields: impl IntoIterator<Item = S>) {
        self.w
            .write_record(fields.into_iter().map(|f| f.as_ref().as_bytes().to_vec()))
            .expect("bug: a CSV row with a different number of fields than its header");
    }

    /// The table's text.
    pub fn finish(self) -> String {
        let bytes = self
            .w
            .into_inner()
            .expect("writing to memory does not fail");
        String::from_utf8(bytes).expect("every field was a str")
    }
}

/// A number with six decimals, or an empty cell when it is not finite: the columns of every
/// table whose values are means, intervals or differences.
pub fn num6(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.6}")
    } else {
        String::new()
    }
}

/// The fields of one row, each formatted with `Display`: `cells![name, year, format!("{x:.1}")]`.
macro_rules! cells {
    ($($x:expr),* $(,)?) => { [$($x.to_string()),*] };
}
pub(crate) use cells;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_or_newlines_are_quoted_and_others_are_not() {
        let mut t = Table::new(["name", "value"]);
        t.row(["rtme,extra", "1"]);
        t.row(["say \"hi\"", "2"]);
        t.row(["plain", "two\nlines"]);
        assert_eq!(
            t.finish(),
            "name,value\n\"rtme,extra\",1\n\"say \"\"hi\"\"\",2\nplain,\"two\nlines\"\n"
        );
    }
}
