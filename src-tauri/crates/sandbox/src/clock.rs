//! The sandbox's application clock: real time plus an adjustable offset per service, so tests
//! (and a person rehearsing) can skew a server's clock. Every time check and the `Date` header
//! read it; nothing in the sandbox calls `OffsetDateTime::now_utc()` elsewhere.

use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

use crate::Service;

#[derive(Debug, Default)]
pub(crate) struct Clock {
    /// Milliseconds added to real time, one slot per `Service::index()`.
    offsets_ms: [AtomicI64; 5],
}

impl Clock {
    pub(crate) fn now(&self, service: Service) -> OffsetDateTime {
        let offset = self.offsets_ms[service.index()].load(Ordering::Relaxed);
        OffsetDateTime::now_utc() + Duration::milliseconds(offset)
    }

    /// Unix seconds on `service`'s clock.
    pub(crate) fn unix(&self, service: Service) -> i64 {
        self.now(service).unix_timestamp()
    }

    pub(crate) fn set_offset(&self, service: Service, offset: Duration) {
        let ms = i64::try_from(offset.whole_milliseconds()).unwrap_or(i64::MAX);
        self.offsets_ms[service.index()].store(ms, Ordering::Relaxed);
    }

    pub(crate) fn offset(&self, service: Service) -> Duration {
        Duration::milliseconds(self.offsets_ms[service.index()].load(Ordering::Relaxed))
    }
}

/// RFC 9110 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`, for the `Date` header.
pub(crate) fn http_date(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// RFC 3339 with a `Z`, the way Altinn and Digdir print timestamps.
pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_header_uses_the_imf_fixdate_format() {
        let at =
            OffsetDateTime::from_unix_timestamp(784_111_777).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(http_date(at), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn an_offset_moves_only_its_own_service() {
        let clock = Clock::default();
        clock.set_offset(Service::Maskinporten, Duration::hours(1));
        let skewed = clock.now(Service::Maskinporten) - clock.now(Service::Apps);
        assert!(
            skewed > Duration::minutes(59),
            "the Maskinporten clock is an hour ahead"
        );
    }
}
