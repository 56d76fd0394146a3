//! Bulk instantiation against the sandbox with faults injected: every row ends with a definite
//! outcome in the results file, no owner gets two instances, 429 is waited out, and pause and
//! cancel hold back what was not yet sent.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use assistant_domain::SystemClock;
use assistant_domain::altinn::bulk::{
    self, BulkControl, BulkJob, BulkProgress, BulkRow, NoJournal, RowStatus, RunState,
};
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::chain::{self, ChainOptions, ChainTokenSource, Session};
use assistant_domain::http::ReqwestTransport;
use assistant_sandbox::{
    Fault, FaultKind, FaultSchedule, Party, PartyType, Seed, Service, defaults,
};
use assistant_tests::Harness;
use assistant_tests::chain_support::{endpoints, key, profile, public_jwk};

const SERVICE_OWNER: &str =
    "altinn:serviceowner/instances.read altinn:serviceowner/instances.write";
const CREATE: &str = "/ttd/sandbox-app-b/instances/create";

/// `n` valid organisation numbers (mod 11) with party ids, added to the default world.
fn seed_with_owners(n: usize) -> (Seed, Vec<(String, String)>) {
    let mut seed = Seed::default();
    let mut owners = Vec::new();
    let mut candidate = 320_000_000u32;
    while owners.len() < n {
        candidate += 10;
        let digits: Vec<u32> = candidate
            .to_string()
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        let sum: u32 = [3, 2, 7, 6, 5, 4, 3, 2]
            .iter()
            .zip(&digits)
            .map(|(w, d)| w * d)
            .sum();
        let check = match 11 - sum % 11 {
            11 => 0,
            10 => continue,
            k => k,
        };
        let org = format!("{}{check}", &candidate.to_string()[..8]);
        let party_id = format!("{}", 700_000 + owners.len());
        seed.parties.push(Party {
            party_id: party_id.clone(),
            party_uuid: uuid::Uuid::new_v4().to_string(),
            party_type: PartyType::Organisation,
            name: format!("Bulk AS {org}"),
            org_number: Some(org.clone()),
            ssn: None,
        });
        owners.push((org, party_id));
    }
    (seed, owners)
}

fn rows(owners: &[(String, String)], with_party: bool) -> Vec<BulkRow> {
    owners
        .iter()
        .enumerate()
        .map(|(i, (org, party))| BulkRow {
            line: i + 2,
            owner: InstanceOwner::Organisation(org.clone()),
            party_id: with_party.then(|| party.clone()),
            prefill: BTreeMap::from([("navn".to_string(), format!("Rad {i}"))]),
        })
        .collect()
}

struct Setup {
    h: Harness,
    owners: Vec<(String, String)>,
    session: Session,
    transport: ReqwestTransport,
}

async fn setup(n: usize) -> Setup {
    let (seed, owners) = seed_with_owners(n);
    let h = Harness::start_with(seed).await;
    h.control
        .register_key(defaults::CLIENT_ID, public_jwk())
        .expect("key");
    Setup {
        h,
        owners,
        session: Session::default(),
        transport: ReqwestTransport::new(None).expect("client"),
    }
}

impl Setup {
    fn tokens(&self) -> ChainTokenSource<'_> {
        let (request, context) = chain::request_for_profile(
            &profile(defaults::CLIENT_ID, SERVICE_OWNER),
            &ChainOptions {
                exchange: true,
                ..ChainOptions::default()
            },
        )
        .expect("request");
        ChainTokenSource {
            session: &self.session,
            transport: &self.transport,
            clock: &SystemClock,
            key: key(),
            endpoints: endpoints(&self.h),
            request,
            context,
            refresh: Default::default(),
        }
    }

    fn job(&self, with_party: bool, concurrency: usize) -> BulkJob {
        BulkJob {
            app: endpoints(&self.h)
                .app(defaults::APP_ORG, defaults::APP_NAME)
                .expect("url"),
            rows: rows(&self.owners, with_party),
            concurrency,
            earlier: Default::default(),
        }
    }

    /// How many active instances each owner has now.
    async fn instances_per_owner(&self) -> Vec<usize> {
        let tokens = self.tokens();
        let app = self.job(true, 1).app;
        let mut counts = Vec::new();
        for (_, party) in &self.owners {
            let token = assistant_domain::altinn::bulk::TokenSource::altinn_token(&tokens)
                .await
                .expect("token");
            let response = assistant_domain::http::Transport::send(
                &self.transport,
                assistant_domain::altinn::instance::active_request(&app, &token, party),
            )
            .await
            .expect("list");
            counts.push(
                assistant_domain::altinn::instance::parse_active(&response)
                    .expect("ids")
                    .len(),
            );
        }
        counts
    }
}

#[tokio::test]
async fn with_5xx_429_and_garbled_answers_every_row_ends_definite_and_no_owner_gets_two() {
    let s = setup(30).await;
    let fault = |kind, schedule| Fault {
        service: Service::Apps,
        path_prefix: Some(CREATE.into()),
        kind,
        schedule,
    };
    s.h.control.inject_fault(fault(
        FaultKind::Status(503),
        FaultSchedule::Fraction {
            numerator: 1,
            denominator: 5,
        },
    ));
    s.h.control.inject_fault(fault(
        FaultKind::TooManyRequests {
            retry_after_secs: 1,
        },
        FaultSchedule::Next(3),
    ));
    s.h.control
        .inject_fault(fault(FaultKind::MalformedBody, FaultSchedule::Next(2)));
    let progress: Mutex<Vec<BulkProgress>> = Mutex::default();
    let tokens = s.tokens();
    let results = bulk::run(
        &s.transport,
        &tokens,
        &s.job(true, 4),
        &BulkControl::default(),
        &|p| progress.lock().expect("lock").push(p),
        &NoJournal,
    )
    .await;
    assert_eq!(results.len(), 30);
    let file = bulk::results_csv(&results);
    // Definite: created with an id, or failed and confirmed not created (never unknown).
    for r in &results {
        match r.status {
            RowStatus::Created => assert!(
                r.instance_id.as_ref().is_some_and(|id| id.contains('/')),
                "{r:?}"
            ),
            RowStatus::Failed => assert!(
                r.error
                    .as_deref()
                    .is_some_and(|e| e.contains("not created after 3 attempts")),
                "{r:?}"
            ),
            other => panic!("line {} ended {other:?}: {file}", r.line),
        }
    }
    assert!(
        results
            .iter()
            .filter(|r| r.status == RowStatus::Created)
            .count()
            >= 27,
        "{file}"
    );
    assert!(
        results.iter().any(|r| r
            .error
            .as_deref()
            .is_some_and(|e| e.contains("found by listing"))),
        "garbled answers were settled by listing: {file}"
    );
    assert!(
        results.iter().any(|r| r.attempts > 1),
        "503s were sent again once confirmed not created"
    );
    let expected: Vec<usize> = results
        .iter()
        .map(|r| usize::from(r.status == RowStatus::Created))
        .collect();
    assert_eq!(
        s.instances_per_owner().await,
        expected,
        "one instance per created row, none for a failed one: {file}"
    );
    let created = expected.iter().sum::<usize>();
    let last = progress
        .lock()
        .expect("lock")
        .last()
        .cloned()
        .expect("progress reported");
    assert_eq!((last.done, last.created, last.total), (30, created, 30));
    let log = s.h.control.request_log();
    assert_eq!(
        log.iter().filter(|e| e.path.starts_with("/token")).count(),
        1,
        "one Maskinporten token for the whole run"
    );
}

#[tokio::test]
async fn without_a_party_id_an_unclear_answer_stays_unknown_and_is_not_sent_again() {
    let s = setup(6).await;
    s.h.control.inject_fault(Fault {
        service: Service::Apps,
        path_prefix: Some(CREATE.into()),
        kind: FaultKind::MalformedBody,
        schedule: FaultSchedule::Next(1),
    });
    let tokens = s.tokens();
    let results = bulk::run(
        &s.transport,
        &tokens,
        &s.job(false, 2),
        &BulkControl::default(),
        &|_| {},
        &NoJournal,
    )
    .await;
    let unknown: Vec<_> = results
        .iter()
        .filter(|r| r.status == RowStatus::Unknown)
        .collect();
    assert_eq!(unknown.len(), 1, "{results:?}");
    assert_eq!(unknown[0].attempts, 1, "never re-sent");
    assert!(
        unknown[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("add a partyId column")),
        "{:?}",
        unknown[0].error
    );
    assert_eq!(
        results
            .iter()
            .filter(|r| r.status == RowStatus::Created)
            .count(),
        5
    );
    let counts = s.instances_per_owner().await;
    assert!(
        counts.iter().all(|c| *c == 1),
        "the garbled one was in fact created once, not twice: {counts:?}"
    );
}

#[tokio::test]
async fn a_paused_run_sends_nothing_and_cancelling_it_skips_every_row() {
    let s = setup(5).await;
    let control = BulkControl::default();
    control.set(RunState::Paused);
    let tokens = s.tokens();
    let job = s.job(true, 4);
    let run = bulk::run(&s.transport, &tokens, &job, &control, &|_| {}, &NoJournal);
    let cancel = async {
        // Wait until the run has listed the owners' instances (its last step before sending).
        while s
            .h
            .control
            .request_log()
            .iter()
            .filter(|e| e.path.ends_with("/active"))
            .count()
            < 5
        {
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(
            s.h.control
                .request_log()
                .iter()
                .filter(|e| e.path.starts_with(CREATE))
                .count(),
            0,
            "paused: nothing sent"
        );
        control.set(RunState::Cancelled);
    };
    let (results, ()) = tokio::join!(run, cancel);
    assert!(
        results.iter().all(|r| r.status == RowStatus::Skipped),
        "{results:?}"
    );
    assert_eq!(s.instances_per_owner().await, vec![0; 5]);
}

#[tokio::test]
async fn a_resumed_run_sends_only_what_is_not_made_and_never_guesses_about_a_cut_off_row() {
    let s = setup(4).await;
    let tokens = s.tokens();
    assert_eq!(
        s.instances_per_owner().await,
        [0, 0, 0, 0],
        "a fresh sandbox"
    );
    // The first run: lines 2 and 3 made and recorded; line 4 made, but the run died before its
    // answer was recorded; line 5 recorded as sending, but its request never reached app B.
    let mut first = s.job(true, 1);
    first.rows.truncate(3);
    let made = bulk::run(
        &s.transport,
        &tokens,
        &first,
        &BulkControl::default(),
        &|_| {},
        &NoJournal,
    )
    .await;
    assert!(
        made.iter().all(|r| r.status == RowStatus::Created),
        "{made:?}"
    );
    let mut recorded: HashMap<usize, bulk::RowResult> =
        made.iter().cloned().map(|r| (r.line, r)).collect();
    let cut_off = |r: &bulk::RowResult| bulk::RowResult {
        instance_id: None,
        status: RowStatus::Sending,
        ..r.clone()
    };
    recorded.insert(4, cut_off(&made[2]));
    let line5 = bulk::RowResult {
        line: 5,
        owner: s.owners[3].0.clone(),
        instance_id: None,
        status: RowStatus::Sending,
        error: None,
        attempts: 1,
    };
    recorded.insert(5, line5.clone());
    let nothing_before: bulk::Baseline = s
        .owners
        .iter()
        .map(|(_, party)| (party.clone(), Default::default()))
        .collect();

    let mut job = s.job(true, 2);
    job.earlier = bulk::Earlier {
        rows: recorded,
        baseline: Some(nothing_before),
    };
    let resumed = bulk::run(
        &s.transport,
        &tokens,
        &job,
        &BulkControl::default(),
        &|_| {},
        &NoJournal,
    )
    .await;
    assert!(
        resumed.iter().all(|r| r.status == RowStatus::Created),
        "{resumed:?}"
    );
    assert_eq!(
        resumed[2].instance_id, made[2].instance_id,
        "line 4's instance is found, not made again"
    );
    assert_eq!(
        s.instances_per_owner().await,
        [1, 1, 1, 1],
        "only line 5 was sent"
    );

    // Without the first run's list, a cut-off row is left for the person to check, not sent.
    let mut blind = s.job(true, 1);
    blind.earlier = bulk::Earlier {
        rows: HashMap::from([(5, line5)]),
        baseline: None,
    };
    let guarded = bulk::run(
        &s.transport,
        &tokens,
        &blind,
        &BulkControl::default(),
        &|_| {},
        &NoJournal,
    )
    .await;
    assert_eq!(guarded[3].status, RowStatus::Unknown, "{guarded:?}");
    assert!(
        guarded[3]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("list of the owners' instances is missing")),
        "{guarded:?}"
    );
    assert_eq!(
        s.instances_per_owner().await,
        [2, 2, 2, 1],
        "lines 2–4 (no record) were sent, line 5 was not"
    );
}

/// A token source that cannot give a token (Maskinporten down or too slow), counting its calls.
struct NoToken(std::sync::atomic::AtomicUsize);

impl assistant_domain::altinn::bulk::TokenSource for NoToken {
    fn altinn_token(
        &self,
    ) -> assistant_domain::http::BoxFuture<
        '_,
        Result<assistant_domain::secret::AltinnToken, assistant_domain::AppError>,
    > {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async {
            Err(assistant_domain::AppError::new(
                assistant_domain::ErrorKind::Network,
                "Network problem: 127.0.0.1 did not answer in time.",
            ))
        })
    }
}

/// Without a token no row can be sent: the run stops at the first failure instead of leaving
/// each of its rows to wait out the same timeout, and says why on every row it did not send.
#[tokio::test]
async fn when_no_token_can_be_had_the_run_stops_and_says_why_on_every_row() {
    let s = setup(40).await;
    let tokens = NoToken(Default::default());
    let job = s.job(false, 4);
    let results = bulk::run(
        &s.transport,
        &tokens,
        &job,
        &BulkControl::default(),
        &|_| {},
        &NoJournal,
    )
    .await;
    let asked = tokens.0.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        asked <= 4,
        "one token request per row in flight, then stop: {asked}"
    );
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r.status == RowStatus::Failed)
        .collect();
    assert!(!failed.is_empty() && failed.len() <= 4, "{results:?}");
    assert!(failed.iter().all(|r| {
        r.error
            .as_deref()
            .is_some_and(|e| e.contains("no Altinn token"))
    }));
    let skipped: Vec<_> = results
        .iter()
        .filter(|r| r.status == RowStatus::Skipped)
        .collect();
    assert_eq!(failed.len() + skipped.len(), 40, "{results:?}");
    assert!(
        skipped.iter().all(|r| r
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("not sent: the run stopped (no Altinn token"))),
        "{skipped:?}"
    );
    assert_eq!(
        s.h.control
            .request_log()
            .iter()
            .filter(|e| e.path.starts_with(CREATE))
            .count(),
        0
    );
}
