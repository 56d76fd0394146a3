//! Faults on demand: latency, a 5xx, a 429 with Retry-After, a malformed body or a dropped
//! connection, per service and optionally per path prefix, for the next N matching requests or
//! a deterministic fraction of them. Clock skew is not a fault here: see `Control::skew_clock`.

use std::sync::Mutex;
use std::time::Duration;

use crate::Service;

/// A fault to inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The service it hits.
    pub service: Service,
    /// Only requests whose path starts with this (e.g. `/token`); `None` = every path.
    pub path_prefix: Option<String>,
    /// What happens.
    pub kind: FaultKind,
    /// Which matching requests it hits.
    pub schedule: FaultSchedule,
}

/// What a fault does to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Wait this long, then answer normally.
    Latency(Duration),
    /// Answer with this status (clamped to 500–599) and a short text body.
    Status(u16),
    /// Answer 429 Too Many Requests with `Retry-After: secs`.
    TooManyRequests {
        /// The Retry-After value in seconds.
        retry_after_secs: u32,
    },
    /// Answer normally but cut the body in half (truncated JSON/JWT).
    MalformedBody,
    /// Close the connection without any response.
    DropConnection,
    /// Answer 200 with an HTML page instead of the service's answer, as a captive portal or a
    /// misconfigured proxy does.
    Garbage,
}

/// Which matching requests a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultSchedule {
    /// The next `n` matching requests, then the fault is gone.
    Next(u32),
    /// `numerator` out of every `denominator` matching requests, spread evenly by a counter
    /// (deterministic: with 1/3 the 3rd, 6th, 9th … are hit). Stays until cleared.
    Fraction {
        /// Hits per period.
        numerator: u32,
        /// Period length.
        denominator: u32,
    },
}

#[derive(Debug)]
struct Active {
    fault: Fault,
    seen: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    active: Mutex<Vec<Active>>,
}

impl Faults {
    pub(crate) fn add(&self, fault: Fault) {
        self.lock().push(Active { fault, seen: 0 });
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// The fault that hits this request, if any, advancing the schedules of matching faults.
    pub(crate) fn take(&self, service: Service, path: &str) -> Option<FaultKind> {
        let mut active = self.lock();
        let mut hit = None;
        for entry in active.iter_mut() {
            let matches = entry.fault.service == service
                && entry
                    .fault
                    .path_prefix
                    .as_deref()
                    .is_none_or(|p| path.starts_with(p));
            if !matches || hit.is_some() {
                continue;
            }
            entry.seen += 1;
            match &mut entry.fault.schedule {
                FaultSchedule::Next(n) => {
                    if *n > 0 {
                        *n -= 1;
                        hit = Some(entry.fault.kind.clone());
                    }
                }
                FaultSchedule::Fraction {
                    numerator,
                    denominator,
                } => {
                    let (num, den) = (u64::from(*numerator), u64::from((*denominator).max(1)));
                    // Bresenham: request k is hit when floor(k·n/d) steps up.
                    if (entry.seen * num) / den > ((entry.seen - 1) * num) / den {
                        hit = Some(entry.fault.kind.clone());
                    }
                }
            }
        }
        active.retain(|a| a.fault.schedule != FaultSchedule::Next(0));
        hit
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Active>> {
        self.active
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(schedule: FaultSchedule) -> Fault {
        Fault {
            service: Service::Maskinporten,
            path_prefix: Some("/token".into()),
            kind: FaultKind::Status(503),
            schedule,
        }
    }

    #[test]
    fn next_n_hits_exactly_n_matching_requests() {
        let faults = Faults::default();
        faults.add(fault(FaultSchedule::Next(2)));
        assert!(
            faults.take(Service::Maskinporten, "/jwk").is_none(),
            "other paths pass"
        );
        assert!(
            faults.take(Service::Apps, "/token").is_none(),
            "other services pass"
        );
        assert!(faults.take(Service::Maskinporten, "/token").is_some());
        assert!(faults.take(Service::Maskinporten, "/token").is_some());
        assert!(faults.take(Service::Maskinporten, "/token").is_none());
    }

    #[test]
    fn a_fraction_hits_evenly_and_deterministically() {
        let faults = Faults::default();
        faults.add(fault(FaultSchedule::Fraction {
            numerator: 1,
            denominator: 3,
        }));
        let hits: Vec<bool> = (0..6)
            .map(|_| faults.take(Service::Maskinporten, "/token").is_some())
            .collect();
        assert_eq!(hits, [false, false, true, false, false, true]);
    }
}
