//! Bulk benchmark (not a test): 1,000 instances of app B on the sandbox through the domain's
//! bulk runner, beside `wrk` (a raw HTTP load generator) posting the same request to the same
//! endpoint in the same run, and the number of Maskinporten token requests the run made.
//! Run with `cargo bench -p assistant-tests --bench bulk` (needs `wrk`: apt-get install wrk).

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use assistant_domain::SystemClock;
use assistant_domain::altinn::bulk::{
    self, BulkControl, BulkJob, BulkRow, NoJournal, RowStatus, TokenSource,
};
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::chain::{self, ChainOptions, ChainTokenSource, Session};
use assistant_domain::http::ReqwestTransport;
use assistant_sandbox::{Seed, defaults};
use assistant_tests::Harness;
use assistant_tests::chain_support::{endpoints, key, profile, public_jwk};

const ROWS: usize = 1000;
const CONCURRENCY: usize = 8;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let h = Harness::start_with(Seed::default()).await;
    h.control
        .register_key(defaults::CLIENT_ID, public_jwk())
        .expect("key");
    let session = Session::default();
    let transport = ReqwestTransport::new(None).expect("client");
    let scopes = "altinn:serviceowner/instances.read altinn:serviceowner/instances.write";
    let (request, context) = chain::request_for_profile(
        &profile(defaults::CLIENT_ID, scopes),
        &ChainOptions {
            exchange: true,
            ..ChainOptions::default()
        },
    )
    .expect("request");
    let tokens = ChainTokenSource {
        session: &session,
        transport: &transport,
        clock: &SystemClock,
        key: key(),
        endpoints: endpoints(&h),
        request,
        context,
        refresh: Default::default(),
    };
    let app = endpoints(&h)
        .app(defaults::APP_ORG, defaults::APP_NAME)
        .expect("url");
    let owners = [
        (defaults::CUSTOMER_ORG_NUMBER, defaults::CUSTOMER_PARTY_ID),
        (defaults::ORG_NUMBER, defaults::ORG_PARTY_ID),
    ];
    let rows: Vec<BulkRow> = (0..ROWS)
        .map(|i| {
            let (org, party) = owners[i % owners.len()];
            BulkRow {
                line: i + 2,
                owner: InstanceOwner::Organisation(org.into()),
                party_id: Some(party.into()),
                prefill: BTreeMap::from([("navn".to_string(), format!("Rad {i}"))]),
            }
        })
        .collect();
    let job = BulkJob {
        app: app.clone(),
        rows,
        concurrency: CONCURRENCY,
        earlier: Default::default(),
    };
    let started = Instant::now();
    let results = bulk::run(
        &transport,
        &tokens,
        &job,
        &BulkControl::default(),
        &|_| {},
        &NoJournal,
    )
    .await;
    let ours = started.elapsed();
    let created = results
        .iter()
        .filter(|r| r.status == RowStatus::Created)
        .count();
    let token_requests = h
        .control
        .request_log()
        .iter()
        .filter(|e| e.path.starts_with("/token"))
        .count();
    let exchanges = h
        .control
        .request_log()
        .iter()
        .filter(|e| e.path.starts_with("/authentication/api/v1/exchange"))
        .count();
    let ours_rate = created as f64 / ours.as_secs_f64();

    // The same POST, same token, same endpoint, from wrk.
    let token = tokens.altinn_token().await.expect("token");
    let body = serde_json::json!({"instanceOwner": {"organisationNumber": defaults::CUSTOMER_ORG_NUMBER}, "prefill": {"navn": "wrk"}}).to_string();
    // The token goes to wrk in its environment, never into the script file.
    let script = format!(
        "wrk.method = \"POST\"\nwrk.body = {body:?}\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer \" .. os.getenv(\"BENCH_ALTINN_TOKEN\")\n"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let lua = dir.path().join("post.lua");
    std::fs::write(&lua, script).expect("script");
    let url = app.join("instances/create").expect("url");
    let wrk = Command::new("wrk")
        .env("BENCH_ALTINN_TOKEN", token.expose_secret())
        .args(["-t2", &format!("-c{CONCURRENCY}"), "-d5s", "-s"])
        .arg(&lua)
        .arg(url.as_str())
        .output();
    let wrk_rate = wrk.ok().filter(|o| o.status.success()).and_then(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| l.starts_with("Requests/sec:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
    });

    println!("Bulk instantiation on the sandbox: {ROWS} rows, concurrency {CONCURRENCY}");
    println!(
        "  ours (bulk runner)   {created} created in {:.2?} = {ours_rate:.0} instances/s",
        ours
    );
    match wrk_rate {
        Some(rate) => println!(
            "  wrk (raw HTTP)       {rate:.0} requests/s on the same endpoint   ratio ours/wrk = {:.2}",
            ours_rate / rate
        ),
        None => println!("  wrk (raw HTTP)       unavailable (apt-get install wrk)"),
    }
    println!("  Maskinporten token requests: {token_requests}, Altinn exchanges: {exchanges}");
}
