//! Issue 15, portal search: everyday queries land on the matter named so; words only a guide's
//! text mentions (身份证 in nearly every material list, 护照 in a foreigner's marriage
//! registration) rank after, and when nothing is named so the page says it; a 主项 and its
//! 子项 are shown together.

mod common;

use axum::http::Method;
use common::District;
use fgf_app::catalog::search::SearchFilter;

#[tokio::test]
async fn everyday_queries_land_on_the_matter_named_so_and_guide_text_ranks_after() {
    let d = District::new().await;
    let search = |q: &'static str| {
        let app = d.app.clone();
        async move {
            app.catalog()
                .search_matters(q, &SearchFilter::default(), 0, 50)
                .await
                .unwrap()
        }
    };
    // An everyday phrase lands first.
    let r = search("领结婚证").await;
    assert_eq!(
        r.hits[0].name,
        "结婚登记",
        "{:?}",
        r.hits.iter().map(|h| &h.name).collect::<Vec<_>>()
    );
    // 办护照: 办 names nothing; no matter of the district is 护照, so the guides that mention
    // it are all there is, and they are marked as such.
    for q in ["办护照", "身份证"] {
        let r = search(q).await;
        assert_eq!(r.named_total, 0, "{q}");
        assert!(r.hits.iter().all(|h| !h.named), "{q}");
        let page = d
            .page(Method::GET, &format!("/guide?q={}", urlencoding(q)), "")
            .await
            .text();
        if r.total > 0 {
            assert!(page.contains("没有名称或常用说法与"), "{q}: {page}");
        } else {
            assert!(page.contains("没有找到"), "{q}: {page}");
        }
    }
    // A named match always ranks before a match in the guide's text only.
    let r = search("食品经营许可 身份证").await;
    let first_text_only = r.hits.iter().position(|h| !h.named).unwrap_or(r.hits.len());
    assert!(r.hits[..first_text_only].iter().all(|h| h.named));
    assert!(r.hits[first_text_only..].iter().all(|h| !h.named));
    assert!(first_text_only > 0);
}

#[tokio::test]
async fn a_main_item_and_its_sub_items_are_shown_together() {
    let d = District::new().await;
    let r = d
        .app
        .catalog()
        .search_matters("食品经营许可", &SearchFilter::default(), 0, 50)
        .await
        .unwrap();
    let parent = r
        .hits
        .iter()
        .find(|h| !h.parent_code.is_empty())
        .map(|h| h.parent_code.clone())
        .expect("a 子项 found");
    assert!(
        r.hits.iter().any(|h| h.code == parent),
        "its 主项 is found too"
    );
    let page = d
        .page(
            Method::GET,
            &format!("/guide?q={}", urlencoding("食品经营许可")),
            "",
        )
        .await
        .text();
    let at = page
        .find(&format!("href=\"/guide/{parent}\""))
        .expect("the 主项 listed");
    let list = &page[at..];
    let sub = list
        .find("<ul class=\"sub-items\">")
        .expect("its 子项 under it");
    assert!(
        sub < list.find("</li>").unwrap_or(usize::MAX) || list[..sub].matches("<li>").count() == 0
    );
}

fn urlencoding(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}
