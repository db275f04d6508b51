//! A reader wrapped around every decompressor, so the caps hold *inside* one long read.
//!
//! The tar reader skips unread entry content by reading it through the decompressor:
//! a 4 GiB entry of zeros would inflate in full even though pkgwarden keeps none of it.
//! The guard counts every byte the decompressor produces and every compressed byte it
//! consumed, and fails the read (recording why in a shared [`Trip`]) once the stream
//! inflates more than `max_ratio` times its input, produces more than
//! `max_read_bytes`, or runs past the package deadline.

use super::limits::Limits;
use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;
use std::time::Instant;

/// Why a guard stopped its stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trip {
    /// Inflated `out` bytes from `consumed` compressed ones.
    Ratio { out: u64, consumed: u64 },
    /// Produced more than the package may hold.
    Size { out: u64 },
    /// The package deadline passed.
    Time,
}

/// Counts the bytes read through it into a shared cell: the decompressor's input.
pub(crate) struct Counted<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R> Counted<R> {
    pub(crate) fn new(inner: R, count: Rc<Cell<u64>>) -> Self {
        Counted { inner, count }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// Wraps a decompressor's output; see the module documentation.
pub(crate) struct Guard<R> {
    inner: R,
    out: u64,
    consumed: Rc<Cell<u64>>,
    max_ratio: u64,
    ratio_floor: u64,
    max_out: u64,
    deadline: Instant,
    trip: Rc<Cell<Option<Trip>>>,
}

impl<R: Read> Guard<R> {
    pub(crate) fn new(
        inner: R,
        consumed: Rc<Cell<u64>>,
        limits: &Limits,
        deadline: Instant,
        trip: Rc<Cell<Option<Trip>>>,
    ) -> Self {
        Guard {
            inner,
            out: 0,
            consumed,
            max_ratio: limits.max_ratio,
            ratio_floor: limits.ratio_floor_bytes,
            max_out: limits.max_read_bytes,
            deadline,
            trip,
        }
    }

    fn check(&self) -> Option<Trip> {
        let consumed = self.consumed.get().max(1);
        if self.out > self.ratio_floor && self.out / consumed > self.max_ratio {
            Some(Trip::Ratio {
                out: self.out,
                consumed,
            })
        } else if self.out > self.max_out {
            Some(Trip::Size { out: self.out })
        } else if Instant::now() > self.deadline {
            Some(Trip::Time)
        } else {
            None
        }
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(t) = self.trip.get() {
            return Err(io::Error::other(format!("stream stopped: {t:?}")));
        }
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        if let Some(t) = self.check() {
            self.trip.set(Some(t));
            return Err(io::Error::other(format!("stream stopped: {t:?}")));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn trips_on_ratio_and_reports_it() {
        let limits = Limits {
            ratio_floor_bytes: 1000,
            max_ratio: 10,
            ..Limits::default()
        };
        let consumed = Rc::new(Cell::new(10));
        let trip = Rc::new(Cell::new(None));
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut g = Guard::new(io::repeat(0), consumed, &limits, deadline, trip.clone());
        let err = io::copy(&mut g, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("Ratio"));
        assert!(matches!(trip.get(), Some(Trip::Ratio { .. })));
    }

    #[test]
    fn trips_on_time() {
        let limits = Limits {
            ratio_floor_bytes: u64::MAX,
            ..Limits::default()
        };
        let trip = Rc::new(Cell::new(None));
        let mut g = Guard::new(
            io::repeat(0),
            Rc::new(Cell::new(1)),
            &limits,
            Instant::now(),
            trip.clone(),
        );
        assert!(io::copy(&mut g, &mut io::sink()).is_err());
        assert_eq!(trip.get(), Some(Trip::Time));
    }
}
