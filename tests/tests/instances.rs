//! Instances of app B against the sandbox through the domain's `AppClient`: each way to
//! instantiate, each kind of owner, each refusal (before sending and from the app), the
//! follow-up chain to a receipt PDF, and cleanup.

use std::collections::BTreeMap;

use assistant_domain::altinn::app::AppMetadata;
use assistant_domain::altinn::client::AppClient;
use assistant_domain::altinn::instance::{Create, DataPart, InstanceRef};
use assistant_domain::altinn::owner::InstanceOwner;
use assistant_domain::chain::{self, ChainOptions, ChainTokenSource, Session};
use assistant_domain::http::ReqwestTransport;
use assistant_domain::{ErrorKind, SystemClock};
use assistant_sandbox::{AppDefinition, Seed, defaults};
use assistant_tests::Harness;
use assistant_tests::chain_support::{KID, endpoints, key, profile, public_jwk};

const SERVICE_OWNER: &str =
    "altinn:serviceowner/instances.read altinn:serviceowner/instances.write";

/// A person-owned app next to the default one, so every owner kind has somewhere to go, and
/// one whose policy lets the owner delete (the template's does not).
fn seed() -> Seed {
    let mut seed = Seed::default();
    let person_app = r#"{"org":"ttd","app":"person-app","dataTypes":[{"id":"model","allowedContentTypes":["application/json"],"appLogic":{"autoCreate":true,"classRef":"M"},"taskId":"Task_1","maxCount":1}],
      "partyTypesAllowed":{"bankruptcyEstate":false,"organisation":false,"person":true,"subUnit":false},"policy":[{"actions":["instantiate","read","write","complete"],"subjects":["[org]"]}],"schemas":{"model":{"type":"object","properties":{"navn":{"type":"string"}}}}}"#;
    let deletable_app = r#"{"org":"ttd","app":"deletable-app","dataTypes":[{"id":"model","allowedContentTypes":["application/json"],"appLogic":{"autoCreate":true,"classRef":"M"},"taskId":"Task_1","maxCount":1}],
      "partyTypesAllowed":{"bankruptcyEstate":false,"organisation":true,"person":false,"subUnit":false},"policy":[{"actions":["instantiate","read","write","complete","delete"],"subjects":["[org]"]}],"preventInstanceDeletionForDays":30,"schemas":{"model":{"type":"object","properties":{"navn":{"type":"string"}}}}}"#;
    for app in [person_app, deletable_app] {
        seed.apps
            .push(AppDefinition::from_json_str(app).expect("app definition"));
    }
    seed
}

struct Fixture {
    h: Harness,
    session: Session,
    transport: ReqwestTransport,
}

async fn fixture(client: &str) -> Fixture {
    let h = Harness::start_with(seed()).await;
    h.control
        .register_key(client, public_jwk())
        .expect("register our key");
    Fixture {
        h,
        session: Session::default(),
        transport: ReqwestTransport::new(None).expect("client"),
    }
}

impl Fixture {
    fn tokens(&self, client: &str, scopes: &str) -> ChainTokenSource<'_> {
        let options = ChainOptions {
            exchange: true,
            ..ChainOptions::default()
        };
        let (request, context) =
            chain::request_for_profile(&profile(client, scopes), &options).expect("request");
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

    fn app<'a>(&'a self, tokens: &'a ChainTokenSource<'a>, app: &str) -> AppClient<'a> {
        let url = endpoints(&self.h)
            .app(defaults::APP_ORG, app)
            .expect("app url");
        AppClient {
            transport: &self.transport,
            tokens,
            app: url,
        }
    }
}

async fn metadata(app: &AppClient<'_>) -> AppMetadata {
    app.metadata().await.expect("metadata")
}

#[tokio::test]
async fn app_b_at_a_glance_shows_the_form_data_types_and_party_types() {
    let f = fixture(defaults::CLIENT_ID).await;
    let tokens = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let meta = metadata(&f.app(&tokens, defaults::APP_NAME)).await;
    assert_eq!(meta.id, "ttd/sandbox-app-b");
    assert_eq!(meta.form().map(|d| d.id.as_str()), Some("model"));
    assert_eq!(meta.data_type("attachment").map(|d| d.max_count), Some(3));
    assert!(
        meta.party_types_allowed.allows_organisation() && !meta.party_types_allowed.allows_person()
    );
    assert!(
        f.app(&tokens, defaults::APP_NAME)
            .schema("model")
            .await
            .expect("schema")
            .is_some()
    );
}

#[tokio::test]
async fn a_template_an_org_number_a_party_id_and_a_person_each_create_an_instance() {
    let f = fixture(defaults::CLIENT_ID).await;
    let tokens = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let app = f.app(&tokens, defaults::APP_NAME);
    let meta = metadata(&app).await;
    let by_org = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Template,
        )
        .await
        .expect("org");
    assert!(
        by_org
            .instance
            .id
            .starts_with(&format!("{}/", defaults::CUSTOMER_PARTY_ID)),
        "{}",
        by_org.instance.id
    );
    assert_eq!(by_org.instance.current_task.as_deref(), Some("Task_1"));
    let by_party = app
        .instantiate(
            &meta,
            &InstanceOwner::Party(defaults::ORG_PARTY_ID.into()),
            &Create::Template,
        )
        .await
        .expect("party id");
    assert!(
        by_party
            .instance
            .id
            .starts_with(&format!("{}/", defaults::ORG_PARTY_ID))
    );
    let person_app = f.app(&tokens, "person-app");
    let person_meta = metadata(&person_app).await;
    let by_person = person_app
        .instantiate(
            &person_meta,
            &InstanceOwner::Person(defaults::PERSON_SSN.into()),
            &Create::Template,
        )
        .await
        .expect("person");
    assert!(
        by_person
            .instance
            .id
            .starts_with(&format!("{}/", defaults::PERSON_PARTY_ID))
    );
}

#[tokio::test]
async fn prefill_fills_known_keys_and_warns_about_keys_the_app_would_silently_drop() {
    let f = fixture(defaults::CLIENT_ID).await;
    let tokens = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let app = f.app(&tokens, defaults::APP_NAME);
    let meta = metadata(&app).await;
    let prefill = BTreeMap::from([
        ("navn".to_string(), "Kari Nordmann".to_string()),
        ("kontakt.epost".to_string(), "kari@example.no".to_string()),
        ("skjema.ukjent".to_string(), "x".to_string()),
    ]);
    let made = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Prefill(prefill),
        )
        .await
        .expect("created");
    assert_eq!(made.ignored_prefill_keys, ["skjema.ukjent"]);
    assert_eq!(
        made.instance
            .data
            .iter()
            .filter(|d| d.data_type == "model")
            .count(),
        1,
        "the form was created"
    );
}

#[tokio::test]
async fn multipart_sends_the_form_and_attachments_named_by_data_type() {
    let f = fixture(defaults::CLIENT_ID).await;
    let tokens = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let app = f.app(&tokens, defaults::APP_NAME);
    let meta = metadata(&app).await;
    let parts = vec![
        DataPart {
            data_type: "model".into(),
            content_type: "application/xml; charset=utf-8".into(),
            file_name: None,
            body: b"<Model><navn>Ola</navn></Model>".to_vec(),
        },
        DataPart {
            data_type: "attachment".into(),
            content_type: "application/pdf".into(),
            file_name: Some("Vedlegg æøå.pdf".into()),
            body: b"%PDF-1.4 test".to_vec(),
        },
    ];
    let made = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Multipart(parts),
        )
        .await
        .expect("created");
    let types: Vec<&str> = made
        .instance
        .data
        .iter()
        .map(|d| d.data_type.as_str())
        .collect();
    assert!(
        types.contains(&"model") && types.contains(&"attachment"),
        "{types:?}"
    );
    let attachment = made
        .instance
        .data
        .iter()
        .find(|d| d.data_type == "attachment")
        .expect("attachment");
    assert_eq!(
        attachment.filename.as_deref(),
        Some("Vedlegg æøå.pdf"),
        "the real file name arrives, Norwegian letters and all"
    );
}

#[tokio::test]
async fn refusals_before_sending_name_the_problem_and_send_nothing() {
    let f = fixture(defaults::CLIENT_ID).await;
    let tokens = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let app = f.app(&tokens, defaults::APP_NAME);
    let meta = metadata(&app).await;
    let before = f.h.control.request_log().len();
    let person = app
        .instantiate(
            &meta,
            &InstanceOwner::Person(defaults::PERSON_SSN.into()),
            &Create::Template,
        )
        .await
        .expect_err("persons not allowed");
    assert!(
        person.message.contains("does not accept person"),
        "{}",
        person.message
    );
    let unknown_type = vec![DataPart {
        data_type: "vedlegg".into(),
        content_type: "application/pdf".into(),
        file_name: None,
        body: b"%PDF".to_vec(),
    }];
    let e = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Multipart(unknown_type),
        )
        .await
        .expect_err("no such type");
    assert!(
        e.message.contains("no data type \"vedlegg\"") && e.message.contains("attachment"),
        "{}",
        e.message
    );
    let wrong_case = vec![DataPart {
        data_type: "attachment".into(),
        content_type: "Application/PDF".into(),
        file_name: None,
        body: b"%PDF".to_vec(),
    }];
    let e = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Multipart(wrong_case),
        )
        .await
        .expect_err("app-lib compares content types exactly");
    assert!(e.message.contains("send application/pdf"), "{}", e.message);
    let wrong_content = vec![DataPart {
        data_type: "attachment".into(),
        content_type: "image/png".into(),
        file_name: None,
        body: b"png".to_vec(),
    }];
    let e = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Multipart(wrong_content),
        )
        .await
        .expect_err("pdf only");
    assert!(
        e.message.contains("accepts application/pdf, not image/png"),
        "{}",
        e.message
    );
    assert_eq!(
        f.h.control.request_log().len(),
        before,
        "nothing reached the sandbox"
    );
    for bad in ["991825828", "15058510171", "party:5x"] {
        assert!(
            InstanceOwner::parse(bad).is_err(),
            "{bad} must be refused before sending"
        );
    }
}

#[tokio::test]
async fn the_apps_own_refusals_are_explained_policy_unknown_party_and_conflict() {
    let f = fixture(defaults::CLIENT_ID).await;
    // A plain organisation token: the template policy has no rule for it (only [org] and the
    // roles DAGL/REGNA), so the app answers 403 even for the organisation's own party.
    let plain = f.tokens(
        defaults::CLIENT_ID,
        "altinn:instances.read altinn:instances.write",
    );
    let app = f.app(&plain, defaults::APP_NAME);
    let meta = metadata(&app).await;
    let denied = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::ORG_NUMBER.into()),
            &Create::Template,
        )
        .await
        .expect_err("403");
    assert!(
        denied.message.contains("403")
            && denied.hint.as_deref().is_some_and(|h| h.contains("policy")),
        "{denied:?}"
    );
    let owner = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let app = f.app(&owner, defaults::APP_NAME);
    let unknown = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation("974760673".into()),
            &Create::Template,
        )
        .await
        .expect_err("404");
    assert!(
        unknown
            .message
            .contains("could not find the instance owner")
            && unknown.hint.as_deref().is_some_and(|h| h.contains("Tenor")),
        "{unknown:?}"
    );
    let made = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Template,
        )
        .await
        .expect("the owner instantiates for any party");
    let reference = made.instance.reference().expect("ref");
    app.next(&reference).await.expect("to the end");
    let conflict = app.next(&reference).await.expect_err("409 after the end");
    assert!(conflict.message.contains("409"), "{}", conflict.message);
}

#[tokio::test]
async fn with_the_template_policy_a_delete_is_refused_with_the_rule_to_add_and_where_allowed_it_is_hard()
 {
    let f = fixture(defaults::CLIENT_ID).await;
    let owner = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let template = f.app(&owner, defaults::APP_NAME);
    let meta = metadata(&template).await;
    let made = template
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Template,
        )
        .await
        .expect("created");
    let reference = made.instance.reference().expect("ref");
    let refused = template.delete(&reference).await.expect_err("403");
    assert!(
        refused.message.contains("\"delete\""),
        "{}",
        refused.message
    );
    let hint = refused.hint.expect("the rule to add");
    assert!(
        hint.contains(assistant_domain::altinn::delete::OWNER_DELETE_ACTION),
        "{hint}"
    );
    template.show(&reference).await.expect("still there");

    let deletable = f.app(&owner, "deletable-app");
    let meta = metadata(&deletable).await;
    let open = deletable
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Template,
        )
        .await
        .expect("created");
    let open_ref = open.instance.reference().expect("ref");
    assert_eq!(
        deletable.delete(&open_ref).await.expect("deleted"),
        assistant_domain::altinn::delete::Deleted::Hard
    );
    let gone = deletable.show(&open_ref).await.expect_err("gone");
    assert_eq!(gone.kind, ErrorKind::NotFound, "{gone:?}");

    // Archived instances wait out preventInstanceDeletionForDays (30 days in this app).
    let archived = deletable
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Template,
        )
        .await
        .expect("created");
    let archived_ref = archived.instance.reference().expect("ref");
    deletable.next(&archived_ref).await.expect("archived");
    let held = deletable
        .delete(&archived_ref)
        .await
        .expect_err("held back");
    assert!(
        held.hint
            .as_deref()
            .is_some_and(|h| h.contains("preventInstanceDeletionForDays")),
        "{held:?}"
    );
}

#[tokio::test]
async fn update_next_and_receipt_follow_up_an_instance_to_a_saved_pdf() {
    let f = fixture(defaults::CLIENT_ID).await;
    let tokens = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let app = f.app(&tokens, defaults::APP_NAME);
    let meta = metadata(&app).await;
    let made = app
        .instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Template,
        )
        .await
        .expect("created");
    let reference = made.instance.reference().expect("ref");
    let form = made
        .instance
        .data
        .iter()
        .find(|d| d.data_type == "model")
        .expect("form element")
        .id
        .clone();
    app.update(
        &reference,
        &form,
        "application/json",
        br#"{"navn":"Oppdatert"}"#.to_vec(),
    )
    .await
    .expect("json update");
    app.update(
        &reference,
        &form,
        "application/xml",
        b"<Model><navn>XML</navn></Model>".to_vec(),
    )
    .await
    .expect("xml update");
    let early = app
        .receipt(&reference)
        .await
        .expect_err("no receipt before the end");
    assert!(early.message.contains("has not ended"), "{}", early.message);
    let ended = app.next(&reference).await.expect("process next");
    assert!(
        ended.ended.is_some() && ended.current_task.is_none(),
        "{ended:?}"
    );
    let (element, pdf) = app.receipt(&reference).await.expect("receipt");
    assert!(pdf.starts_with(b"%PDF") && element.content_type.starts_with("application/pdf"));
    let dir = tempfile::tempdir().expect("tmp");
    let saved = dir.path().join("kvittering.pdf");
    std::fs::write(&saved, &pdf).expect("saved where the person chose");
    assert!(std::fs::read(&saved).expect("read").starts_with(b"%PDF-"));
    assert!(InstanceRef::parse(&made.instance.id).is_ok());
}

#[tokio::test]
async fn many_calls_share_one_maskinporten_grant_and_one_exchange() {
    let f = fixture(defaults::CLIENT_ID).await;
    let tokens = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let app = f.app(&tokens, defaults::APP_NAME);
    let meta = metadata(&app).await;
    for _ in 0..5 {
        app.instantiate(
            &meta,
            &InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into()),
            &Create::Template,
        )
        .await
        .expect("created");
    }
    let log = f.h.control.request_log();
    let count = |path: &str| log.iter().filter(|e| e.path.starts_with(path)).count();
    assert_eq!(
        (count("/token"), count("/authentication/api/v1/exchange")),
        (1, 1),
        "one token per lifetime"
    );
    let _ = KID;
}

/// A 429 means app B did not process the request (RFC 6585): one instantiation waits as told
/// and sends again, so exactly one instance is made; a wait longer than 30 s is reported.
#[tokio::test]
async fn a_short_429_is_waited_out_and_makes_one_instance_a_long_one_is_reported() {
    use assistant_sandbox::{Fault, FaultKind, FaultSchedule, Service};
    let f = fixture(defaults::CLIENT_ID).await;
    let tokens = f.tokens(defaults::CLIENT_ID, SERVICE_OWNER);
    let app = f.app(&tokens, defaults::APP_NAME);
    let meta = metadata(&app).await;
    let owner = InstanceOwner::Organisation(defaults::CUSTOMER_ORG_NUMBER.into());
    let throttle = |secs: u32, n: u32| Fault {
        service: Service::Apps,
        path_prefix: Some(format!(
            "/{}/{}/instances",
            defaults::APP_ORG,
            defaults::APP_NAME
        )),
        kind: FaultKind::TooManyRequests {
            retry_after_secs: secs,
        },
        schedule: FaultSchedule::Next(n),
    };
    let posts = |f: &Fixture| {
        f.h.control
            .request_log()
            .iter()
            .filter(|e| e.method == "POST" && e.path.ends_with("/instances"))
            .map(|e| e.status)
            .collect::<Vec<_>>()
    };

    f.h.control.inject_fault(throttle(1, 2));
    let made = app
        .instantiate(&meta, &owner, &Create::Template)
        .await
        .expect("made after two waits");
    assert!(made.instance.id.starts_with(defaults::CUSTOMER_PARTY_ID));
    assert_eq!(posts(&f), vec![Some(429), Some(429), Some(201)]);

    f.h.control.inject_fault(throttle(120, 1));
    let error = app
        .instantiate(&meta, &owner, &Create::Template)
        .await
        .expect_err("not waited for");
    assert_eq!(error.kind, ErrorKind::Server, "{error:?}");
    assert!(error.message.contains("429"), "{error:?}");
    assert_eq!(posts(&f).len(), 4, "sent once, not again");
}
