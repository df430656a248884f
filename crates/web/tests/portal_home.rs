//! Issue 15, the public portal: the home page leads with one large search box, hot services,
//! life events and notices (of matters people apply for), and the deadline calculator and ID
//! checker live on the tools page.

mod common;

use axum::http::{Method, StatusCode};
use common::District;

#[tokio::test]
async fn the_home_page_leads_with_search_and_the_tools_moved_to_their_page() {
    let d = District::new().await;
    d.app.application().seed_demo_applications().await.unwrap();
    let r = d.page(Method::GET, "/", "").await;
    assert_eq!(r.status, StatusCode::OK);
    let home = r.text();
    let search = home
        .find("form class=\"big-search\" method=\"get\" action=\"/guide\"")
        .expect("the search box");
    assert!(
        home[..search].matches("<form").count() == 0,
        "the search box is the page's first form"
    );
    for section in [
        "热门服务",
        "一件事一次办",
        "通知公告",
        "href=\"/life-events/",
        "href=\"/tools\"",
    ] {
        assert!(home.contains(section), "{section} on the home page");
    }
    // Penalties and inspections are not services anyone applies for: not hot, not news.
    assert!(
        !home.contains("行政处罚》办事指南更新") && !home.contains("的行政处罚</a>"),
        "{home}"
    );
    assert!(
        !home.contains("name=\"n\""),
        "the deadline calculator left the home page"
    );

    let tools = d.page(Method::GET, "/tools?date=2025-09-26&n=5", "").await;
    assert_eq!(tools.status, StatusCode::OK);
    let tools = tools.text();
    assert!(tools.contains("<strong>2025-10-10</strong>"), "{tools}");
    let id = d
        .page(Method::GET, "/tools?code=91350100M000100Y43", "")
        .await
        .text();
    assert!(
        id.contains("有效") || id.contains("无效"),
        "the ID checker answers"
    );
}
