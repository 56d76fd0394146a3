//! The customer's side of a system-user request on the sandbox: open the confirm link as a
//! browser would, read the form, and answer it.

/// Opens `confirm_url`, checks the page names the customer `customer`, and presses Approve (or
/// "Do not approve" when `approve` is false). Returns the page the decision answers with.
pub async fn decide_on_confirm_page(confirm_url: &str, customer: &str, approve: bool) -> String {
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let page = http
        .get(confirm_url)
        .send()
        .await
        .expect("confirm page")
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("Approve") && page.contains(customer),
        "the confirm page names the customer: {page}"
    );
    let field = |after: &str| {
        page.split(after)
            .nth(1)
            .and_then(|a| a.split('"').next())
            .unwrap_or_else(|| panic!("{after} on the confirm page: {page}"))
            .replace("&amp;", "&")
    };
    let (action, id) = (field("action=\""), field("name=\"id\" value=\""));
    let target = url::Url::parse(confirm_url)
        .and_then(|base| base.join(&action))
        .expect("form target");
    let decision = if approve { "approve" } else { "reject" };
    let answer = http
        .post(target)
        .form(&[("id", id.as_str()), ("decision", decision)])
        .send()
        .await
        .expect("decision");
    assert!(
        answer.status().is_success(),
        "decision: {}",
        answer.status()
    );
    answer.text().await.expect("answer")
}
