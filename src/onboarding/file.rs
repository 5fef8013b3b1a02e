//! Reading an import file (docs/onboarding.md, "The file"): UTF-8 with or without a byte
//! order mark, cells separated by commas or semicolons (whichever the header line uses
//! more, outside quotes), quoted as RFC 4180 says, at most [`MAX_ROWS`] rows and
//! [`MAX_BYTES`] bytes. Read a record at a time from any reader, so a file is never held
//! whole. What makes the whole file unreadable is a [`FileError`]; a row whose cells do not
//! fit the header is left to the plan to report against that row.

use std::io::{BufRead, BufReader, Read};

/// Most rows a file may hold, its header aside.
pub const MAX_ROWS: usize = 100_000;
/// Most bytes a file may hold: 100,000 rows of a few hundred characters fit.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file cannot be read at all; nothing of it is imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error(
        "the file is empty: it needs a header line naming its columns, then a row per profile"
    )]
    Empty,
    #[error("the file is larger than {} MiB; split it into smaller files", MAX_BYTES / 1024 / 1024)]
    TooLarge,
    #[error(
        "the file has more than {} rows; split it into smaller files",
        MAX_ROWS
    )]
    TooManyRows,
    #[error("line {line} is not UTF-8 text; save the file as CSV UTF-8 and try again")]
    NotUtf8 { line: u64 },
    #[error(
        "the file ends inside a quoted cell that starts on line {line}: it may have been cut \
         short; check its end, or a stray \" in that cell"
    )]
    EndsInQuotes { line: u64 },
    #[error("the file cannot be read: {0}")]
    Unreadable(String),
}

/// One row as the file holds it: its line in the file (the header is line 1) and its
/// cells, as many as it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A CSV file being read.
pub struct CsvFile<R: Read> {
    reader: csv::Reader<Limited<BufReader<R>>>,
    header: Vec<String>,
    delimiter: u8,
    rows: usize,
    record: csv::ByteRecord,
    /// The line the last record read starts on (the header's, 1, before any).
    last_line: u64,
}

impl<R: Read> CsvFile<R> {
    /// Reads the header; the delimiter is the one the header line uses most.
    pub fn open(source: R) -> Result<Self, FileError> {
        Self::open_limited(source, MAX_BYTES)
    }

    fn open_limited(source: R, max_bytes: u64) -> Result<Self, FileError> {
        let mut buffered = BufReader::with_capacity(64 * 1024, source);
        let start = buffered.fill_buf().map_err(unreadable)?;
        let bom = start.starts_with(b"\xEF\xBB\xBF");
        let delimiter = delimiter_of(&start[if bom { 3 } else { 0 }..]);
        if bom {
            buffered.consume(3);
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            // Lines end at LF; a CR before it is cut from the last cell (`text_cells`).
            // With the default terminator a record after CRLF would be numbered a line
            // early.
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(false)
            .flexible(true)
            .from_reader(Limited {
                inner: buffered,
                left: max_bytes,
                quotes: 0,
            });
        let mut record = csv::ByteRecord::new();
        if !read(&mut reader, &mut record)? {
            return Err(FileError::Empty);
        }
        let header = text_cells(&record, 1)?;
        if header.iter().all(|h| h.trim().is_empty()) {
            return Err(FileError::Empty);
        }
        Ok(Self {
            reader,
            header,
            delimiter,
            rows: 0,
            record,
            last_line: 1,
        })
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// `,` or `;`.
    pub fn delimiter(&self) -> char {
        char::from(self.delimiter)
    }

    /// The next row, or `None` at the end of the file. Lines with no cell at all (blank
    /// lines) are skipped.
    pub fn next_record(&mut self) -> Result<Option<Record>, FileError> {
        loop {
            if !read(&mut self.reader, &mut self.record)? {
                if self.reader.get_ref().quotes % 2 == 1 {
                    return Err(FileError::EndsInQuotes {
                        line: self.last_line,
                    });
                }
                return Ok(None);
            }
            let line = self.record.position().map_or(0, csv::Position::line);
            if self.record.len() == 1 && matches!(&self.record[0], b"" | b"\r") {
                continue;
            }
            self.rows += 1;
            if self.rows > MAX_ROWS {
                return Err(FileError::TooManyRows);
            }
            let cells = text_cells(&self.record, line)?;
            self.last_line = line;
            return Ok(Some(Record { line, cells }));
        }
    }
}

fn read<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
) -> Result<bool, FileError> {
    reader.read_byte_record(record).map_err(|e| match e.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::FileTooLarge => {
            FileError::TooLarge
        }
        _ => unreadable(e),
    })
}

fn unreadable(e: impl std::fmt::Display) -> FileError {
    FileError::Unreadable(e.to_string())
}

/// The record's cells as text, the CR of a CRLF line end cut from the last.
fn text_cells(record: &csv::ByteRecord, line: u64) -> Result<Vec<String>, FileError> {
    let last = record.len().saturating_sub(1);
    record
        .iter()
        .enumerate()
        .map(|(n, cell)| {
            let cell = match cell {
                [rest @ .., b'\r'] if n == last => rest,
                _ => cell,
            };
            std::str::from_utf8(cell)
                .map(str::to_owned)
                .map_err(|_| FileError::NotUtf8 { line })
        })
        .collect()
}

/// `;` if the first line holds more semicolons than commas outside quotes (as spreadsheets
/// set to a decimal comma save CSV), else `,`.
fn delimiter_of(start: &[u8]) -> u8 {
    let (mut quoted, mut commas, mut semicolons) = (false, 0, 0);
    for &byte in start {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\n' if !quoted => break,
            _ => {}
        }
    }
    if semicolons > commas {
        b';'
    } else {
        b','
    }
}

/// A reader that fails once more than its limit has been read, so that an enormous upload
/// is refused as soon as it passes the limit, not after it has been read whole; and counts
/// the quotes it passes: a file whose count is odd ends inside a quoted cell (cut short),
/// which the CSV reader would otherwise take as a last cell running to the end.
struct Limited<R> {
    inner: R,
    left: u64,
    quotes: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.quotes += buf[..n].iter().filter(|&&b| b == b'"').count() as u64;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::FileTooLarge, "past the size limit")
        })?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    fn rows(text: &[u8]) -> Result<(Vec<String>, char, Vec<Record>), FileError> {
        let mut file = CsvFile::open(text)?;
        let mut records = Vec::new();
        while let Some(record) = file.next_record()? {
            records.push(record);
        }
        Ok((file.header().to_vec(), file.delimiter(), records))
    }

    fn cells(records: &[Record]) -> Vec<(u64, Vec<&str>)> {
        records
            .iter()
            .map(|r| (r.line, r.cells.iter().map(String::as_str).collect()))
            .collect()
    }

    #[test]
    fn commas_quotes_and_line_numbers() {
        let (header, delimiter, records) =
            rows(b"external_id,name\r\na-1,\"Zo\xC3\xAB, \"\"the\"\" first\"\r\n\r\na-2,\"two\nlines\"\na-3,x").unwrap();
        assert_eq!(header, ["external_id", "name"]);
        assert_eq!(delimiter, ',');
        assert_eq!(
            cells(&records),
            [
                (2, vec!["a-1", "Zoë, \"the\" first"]),
                (4, vec!["a-2", "two\nlines"]),
                (6, vec!["a-3", "x"]),
            ]
        );
    }

    #[test]
    fn crlf_lines_with_quoted_last_cells() {
        let (header, _, records) =
            rows(b"external_id,name\r\n\"a-1\",\"x\"\r\na-2,\"y\r\nz\"\r\n").unwrap();
        assert_eq!(header, ["external_id", "name"]);
        assert_eq!(
            cells(&records),
            [(2, vec!["a-1", "x"]), (3, vec!["a-2", "y\r\nz"])]
        );
    }

    #[test]
    fn a_byte_order_mark_and_semicolons() {
        let (header, delimiter, records) =
            rows(b"\xEF\xBB\xBFexternal_id;name;metadata.note\na-1;\"Smith; Jones\";1,5\n")
                .unwrap();
        assert_eq!(header, ["external_id", "name", "metadata.note"]);
        assert_eq!(delimiter, ';');
        assert_eq!(cells(&records), [(2, vec!["a-1", "Smith; Jones", "1,5"])]);
    }

    #[test]
    fn a_semicolon_inside_quotes_does_not_choose_the_delimiter() {
        let (_, delimiter, _) = rows(b"\"a;b;c\",name\n").unwrap();
        assert_eq!(delimiter, ',');
    }

    #[test]
    fn short_and_long_rows_are_kept_for_the_plan_to_report() {
        let (_, _, records) = rows(b"a,b,c\n1,2\n1,2,3,4\n").unwrap();
        assert_eq!(
            cells(&records),
            [(2, vec!["1", "2"]), (3, vec!["1", "2", "3", "4"])]
        );
    }

    #[test]
    fn formulas_stay_text() {
        let (_, _, records) = rows(b"name\n=HYPERLINK(\"http://x\")\n+1\n").unwrap();
        assert_eq!(
            cells(&records),
            [(2, vec!["=HYPERLINK(\"http://x\")"]), (3, vec!["+1"])]
        );
    }

    #[test]
    fn a_file_cut_inside_a_quoted_cell_is_refused_not_read_as_a_shorter_cell() {
        assert_eq!(
            rows(b"external_id,name\na-1,ok\na-2,\"Smith, Jo").unwrap_err(),
            FileError::EndsInQuotes { line: 3 }
        );
        assert_eq!(
            rows(b"external_id,name\na-1,\"two\nlines\"\na-2,\"cut\n").unwrap_err(),
            FileError::EndsInQuotes { line: 4 }
        );
        assert!(rows(b"external_id,name\na-1,\"closed \"\"quote\"\"\"").is_ok());
    }

    #[test]
    fn files_that_cannot_be_read_say_why() {
        assert_eq!(rows(b"").unwrap_err(), FileError::Empty);
        assert_eq!(rows(b"\xEF\xBB\xBF\n").unwrap_err(), FileError::Empty);
        assert_eq!(
            rows(b"name\nok\nCaf\xE9\n").unwrap_err(),
            FileError::NotUtf8 { line: 3 }
        );
        let many = format!("name\n{}", "x\n".repeat(MAX_ROWS + 1));
        assert_eq!(rows(many.as_bytes()).unwrap_err(), FileError::TooManyRows);
        let exactly = format!("name\n{}", "x\n".repeat(MAX_ROWS));
        assert_eq!(rows(exactly.as_bytes()).unwrap().2.len(), MAX_ROWS);
        assert!(FileError::TooLarge.to_string().contains("64 MiB"));
        assert!(FileError::TooManyRows.to_string().contains("100000"));
    }

    /// A cell as people type them: letters, digits, spaces, the CSV's own characters
    /// (commas, semicolons, quotes, line breaks), accents and a right-to-left override;
    /// never a leading formula character (the writer neutralises those on purpose).
    fn cell() -> impl proptest::strategy::Strategy<Value = String> {
        "[a-zA-Z0-9 ,;\"\n\ré\u{202e}]{0,12}".prop_filter("no formula", |c| {
            !c.starts_with(['=', '+', '-', '@', '\t', '\r'])
        })
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::fixed_cases(256))]

        /// What the console writes as CSV (`web::CsvLine`), this reader reads back cell
        /// for cell, on the line each row starts on.
        #[test]
        fn any_cells_written_as_csv_read_back_the_same(
            written in proptest::collection::vec(proptest::collection::vec(cell(), 3), 1..20)
        ) {
            let mut text = String::from("external_id,name,metadata.note\r\n");
            let mut lines = Vec::new();
            let mut line_number = 2;
            for row in &written {
                lines.push(line_number);
                let start = text.len();
                let mut line = crate::web::CsvLine::new(&mut text);
                for cell in row {
                    line.cell(cell);
                }
                line.end();
                line_number += text[start..].matches('\n').count() as u64;
            }
            let (_, delimiter, records) = rows(text.as_bytes()).unwrap();
            proptest::prop_assert_eq!(delimiter, ',');
            let read: Vec<Vec<String>> = records.iter().map(|r| r.cells.clone()).collect();
            proptest::prop_assert_eq!(&read, &written);
            let read_lines: Vec<u64> = records.iter().map(|r| r.line).collect();
            proptest::prop_assert_eq!(read_lines, lines);
        }
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::fixed_cases(512))]

        /// Any bytes at all (hostile, truncated, another encoding) are read as rows or
        /// refused with a reason; never a panic.
        #[test]
        fn any_bytes_are_rows_or_a_reason(bytes in proptest::collection::vec(
            proptest::sample::select(b"ab,;\"\r\n\xEF\xBB\xBF\xE9\x00".to_vec()), 0..200
        )) {
            let _ = rows(&bytes);
        }
    }

    #[test]
    fn a_file_past_the_size_limit_is_refused_while_read() {
        struct Endless;
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                for chunk in buf.chunks_mut(20) {
                    chunk.copy_from_slice(&b"xxxxxxxxxxxxxxxxxxx\n"[..chunk.len()]);
                }
                Ok(buf.len())
            }
        }
        let mut file = CsvFile::open_limited(Endless, 1024 * 1024).unwrap();
        let mut read = 0;
        let err = loop {
            match file.next_record() {
                Ok(Some(_)) => read += 1,
                Ok(None) => panic!("an endless file ended"),
                Err(e) => break e,
            }
        };
        assert_eq!(err, FileError::TooLarge);
        assert!(read < 1024 * 1024 / 20, "{read} rows read past the limit");
    }
}
