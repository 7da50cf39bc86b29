//! Stage 1 of the import: the input cut into numbered lines, handed on in batches.
//!
//! A batch is one buffer holding its lines one after another, so reading allocates per
//! batch, not per line. A line longer than the limit is skipped to its end without being kept
//! in memory and handed on as [`Line::TooLong`], so that the report still names it.

use std::io::{BufRead, BufReader, Read};

/// One line of a [`Batch`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Line {
    /// The line's bytes are `buf[start..end]` (its newline included, when it had one).
    Text { start: usize, end: usize },
    /// Longer than the limit: skipped.
    TooLong,
}

/// Consecutive lines of the input.
#[derive(Debug, Default)]
pub(super) struct Batch {
    /// Position of the batch in the input, from 0.
    pub seq: u64,
    /// 1-based number of the first line.
    pub first_line: u64,
    /// Byte offset of the first line in the input.
    pub offset: u64,
    /// Bytes of input the batch covers, skipped lines included.
    pub bytes: u64,
    /// The lines' bytes, one after another.
    pub buf: Vec<u8>,
    /// The lines, in order.
    pub lines: Vec<Line>,
}

impl Batch {
    /// The bytes of `line`, `None` when it was too long.
    pub fn text(&self, line: Line) -> Option<&[u8]> {
        match line {
            Line::Text { start, end } => Some(&self.buf[start..end]),
            Line::TooLong => None,
        }
    }
}

/// Cuts an input into batches of lines.
pub(super) struct LineReader<R> {
    reader: BufReader<R>,
    max_line: usize,
    next_seq: u64,
    next_line: u64,
    offset: u64,
}

impl<R: Read> LineReader<R> {
    /// Lines of at most `max_line` bytes (newline included) are kept, longer ones skipped.
    /// `first_line` and `offset` say where `input` starts (1 and 0 for a whole input).
    pub fn new(input: R, max_line: usize, first_line: u64, offset: u64) -> LineReader<R> {
        LineReader {
            reader: BufReader::with_capacity(1 << 16, input),
            max_line,
            next_seq: 0,
            next_line: first_line,
            offset,
        }
    }

    /// The next batch: lines until it holds `max_lines` lines or `max_bytes` bytes (at least
    /// one line), or until `end` bytes of the input (an offset) were read; `None` at the end.
    ///
    /// # Errors
    ///
    /// I/O errors of the input.
    pub fn next_batch(
        &mut self,
        max_lines: usize,
        max_bytes: usize,
        end: Option<u64>,
    ) -> std::io::Result<Option<Batch>> {
        let mut batch = Batch {
            seq: self.next_seq,
            first_line: self.next_line,
            offset: self.offset,
            ..Batch::default()
        };
        while batch.lines.len() < max_lines.max(1) && batch.buf.len() < max_bytes.max(1) {
            if end.is_some_and(|end| self.offset >= end) {
                break;
            }
            let start = batch.buf.len();
            let Some((read, too_long)) =
                read_line(&mut self.reader, &mut batch.buf, start, self.max_line)?
            else {
                break;
            };
            self.offset += read;
            batch.bytes += read;
            self.next_line += 1;
            batch.lines.push(if too_long {
                Line::TooLong
            } else {
                Line::Text { start, end: batch.buf.len() }
            });
        }
        if batch.lines.is_empty() {
            return Ok(None);
        }
        self.next_seq += 1;
        Ok(Some(batch))
    }
}

/// Appends one line to `buf` (whose first `start` bytes are earlier lines), newline included,
/// at most `max` bytes of it: a longer line is skipped to its end without being kept, and
/// `buf` is cut back to `start`. `None` at the end of the input, otherwise the bytes of input
/// the line took and whether it was too long.
fn read_line<R: BufRead>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    start: usize,
    max: usize,
) -> std::io::Result<Option<(u64, bool)>> {
    let n = reader.by_ref().take(max as u64 + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n <= max || buf.last() == Some(&b'\n') {
        return Ok(Some((n as u64, false)));
    }
    buf.truncate(start);
    let mut skipped = n as u64;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        if let Some(i) = memchr(b'\n', chunk) {
            reader.consume(i + 1);
            skipped += i as u64 + 1;
            break;
        }
        let len = chunk.len();
        skipped += len as u64;
        reader.consume(len);
    }
    Ok(Some((skipped, true)))
}

fn memchr(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, input, max, buffer capacity, lines read as (text, too long)).
    #[allow(clippy::type_complexity)]
    const LINES: &[(&str, &[u8], usize, usize, &[(&[u8], bool)])] = &[
        ("short_lines", b"ab\ncd\n", 4, 64, &[(b"ab\n", false), (b"cd\n", false)]),
        ("no_final_newline", b"ab\ncd", 4, 64, &[(b"ab\n", false), (b"cd", false)]),
        ("exactly_max_plus_newline", b"abcd\nx\n", 4, 64, &[(b"abcd\n", false), (b"x\n", false)]),
        ("one_over_max", b"abcde\nx\n", 4, 64, &[(b"", true), (b"x\n", false)]),
        ("long_last_line", b"x\nabcdefgh", 4, 64, &[(b"x\n", false), (b"", true)]),
        (
            "skipped_across_buffer_refills",
            b"abcdefghijklmnopqrstuvwxyz\nok\n",
            4,
            2,
            &[(b"", true), (b"ok\n", false)],
        ),
        ("blank_line", b"\n\n", 4, 64, &[(b"\n", false), (b"\n", false)]),
    ];

    #[test]
    fn long_lines_are_skipped_and_the_next_line_is_read_whole() {
        for (name, input, max, capacity, want) in LINES {
            let mut reader = BufReader::with_capacity(*capacity, *input);
            let mut got = Vec::new();
            let mut buf = b"earlier".to_vec();
            let mut total = 0;
            while let Some((read, too_long)) = read_line(&mut reader, &mut buf, 7, *max).unwrap() {
                got.push((buf[7..].to_vec(), too_long));
                total += read;
                buf.truncate(7);
            }
            let want: Vec<(Vec<u8>, bool)> = want.iter().map(|(l, t)| (l.to_vec(), *t)).collect();
            assert_eq!(got, want, "{name}");
            assert_eq!(total, input.len() as u64, "{name}: every byte is counted once");
        }
    }

    #[test]
    fn batches_number_lines_and_offsets_across_batches() {
        let input = b"a\nbb\n\ntoolongline\nccc\n";
        let mut reader = LineReader::new(&input[..], 5, 1, 0);
        let mut seen = Vec::new();
        while let Some(batch) = reader.next_batch(2, 1 << 20, None).unwrap() {
            for (i, &line) in batch.lines.iter().enumerate() {
                let text = batch.text(line).map(|t| String::from_utf8_lossy(t).into_owned());
                seen.push((batch.seq, batch.first_line + i as u64, text));
            }
            assert!(batch.lines.len() <= 2);
        }
        let want = [
            (0, 1, Some("a\n".to_string())),
            (0, 2, Some("bb\n".to_string())),
            (1, 3, Some("\n".to_string())),
            (1, 4, None),
            (2, 5, Some("ccc\n".to_string())),
        ];
        assert_eq!(seen, want);
    }

    #[test]
    fn a_batch_stops_at_the_end_offset() {
        let input = b"a\nbb\nccc\n";
        let mut reader = LineReader::new(&input[..], 100, 1, 0);
        let batch = reader.next_batch(100, 1 << 20, Some(5)).unwrap().unwrap();
        assert_eq!((batch.lines.len(), batch.bytes), (2, 5));
        assert!(reader.next_batch(100, 1 << 20, Some(5)).unwrap().is_none());
    }
}
