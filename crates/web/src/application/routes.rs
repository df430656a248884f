//! The online applications part's routes.

use super::{api, desk, dto, events, pages, print};
use crate::routes::Need::{Authenticated, Perm, Public};
use crate::routes::{r, Route};
use axum::routing::{get, post, put};
use fgf_domain::base::permission::Permission as P;

pub(crate) fn table() -> Vec<Route> {
    vec![
        // 服 online applications (一网通办).
        r("POST", "/api/v1/applications", Perm(P::ApplicantSelf), "application", "Apply for a matter in force: received today (收件), the five working days of Article 32(4) start", post(api::submit)).body::<dto::ApplicationBody>().created::<dto::Application>(),
        r("POST", "/api/v1/applications/window", Perm(P::ApplicationIntake), "application", "The window clerk enters an application for the person at the counter (resident ID or credit code), optionally through an agent with a written authorisation (代办)", post(api::window)).body::<dto::WindowBody>().created::<dto::Application>(),
        r("GET", "/api/v1/applications", Authenticated, "application", "Applications the caller may read, newest first: an applicant their own, staff their departments' (?status=)", get(api::list)).query::<api::ListParams>().returns_list::<dto::Application>(),
        r("GET", "/api/v1/applications/reuse", Authenticated, "application", "Per matter, the applications sent and the materials attached from e-licences instead of uploaded (免提交, 数据多跑路); staff with intake or review", get(api::reuse)).returns_list::<dto::Reuse>(),
        r("GET", "/api/v1/applications/export", Authenticated, "application", "The cases the caller may read in the data items of GB/T 39046-2020 (办件编号, 实施编码, 受理单位, 受理时间, 受理文书编号, 承诺办结时间, 办件类型代码, 环节 …): ?format=json or xlsx; staff with intake or review", get(api::export)).query::<api::ExportParams>().returns_raw("application/json"),
        r("GET", "/api/v1/applications/trips", Authenticated, "application", "Per matter, the promised maximum trips (最多跑一次) against the visits applicants made: the most and how many went over; staff with intake or review", get(api::trips)).returns_list::<dto::Trips>(),
        r("POST", "/api/v1/applications/{id}/visits", Authenticated, "application", "Record a visit in person (inspection, handing in paper …); window intake and collection are recorded as they happen; staff with intake or review", post(api::record_visit)).body::<dto::VisitBody>().created::<dto::Visit>(),
        r("GET", "/api/v1/applications/{id}/visits", Authenticated, "application", "The visits in person of an application the caller may read", get(api::visits)).returns_list::<dto::Visit>(),
        r("PUT", "/api/v1/applications/{id}", Perm(P::ApplicantSelf), "application", "Save a draft of one's own: the form, materials and consent as now filled", put(api::update_draft)).body::<dto::ApplicationBody>().returns::<dto::Application>(),
        r("POST", "/api/v1/applications/{id}/submit", Perm(P::ApplicantSelf), "application", "Send a draft of one's own: the form checked against the matter's, bars checked, e-licences attached with consent; received today", post(api::submit_draft)).no_body().returns::<dto::Application>(),
        r("GET", "/api/v1/applications/{id}", Authenticated, "application", "One application with its clock (due date, working days left, light) and history", get(api::one)).returns::<dto::ApplicationDetail>(),
        r("POST", "/api/v1/applications/{id}/intake", Perm(P::ApplicationIntake), "application", "The clerk's decision under Article 32: no_licence_needed, wrong_authority, corrected_on_spot, supplement (one notice of every item) or accept", post(api::intake)).body::<dto::IntakeBody>().returns::<dto::Application>(),
        r("POST", "/api/v1/applications/{id}/pause", Perm(P::ApplicationReview), "application", "Stop the clock for a special procedure of Article 45 (with the written notice of its expected length) or a supplement asked in review", post(api::pause)).body::<dto::PauseBody>().returns::<dto::Application>(),
        r("POST", "/api/v1/applications/{id}/resume", Perm(P::ApplicationReview), "application", "The clock runs again from tomorrow", post(api::resume)).no_body().returns::<dto::Application>(),
        r("POST", "/api/v1/applications/{id}/extension", Perm(P::ApplicationReview), "application", "The one extension of Article 42 (10 working days, 15 for joint handling), approved at the rank the law names, before the deadline", post(api::extend)).body::<dto::ExtensionBody>().returns::<dto::Application>(),
        r("POST", "/api/v1/applications/{id}/bar", Perm(P::ApplicationReview), "application", "Bar the applicant from applying again for the matter: false_materials (Article 78, one year) or fraud_or_bribery (Article 79, three years), for matters of public safety, health, life and property", post(api::bar)).body::<dto::BarBody>().created::<dto::Barred>(),
        r("POST", "/api/v1/applications/{id}/review-assignment", Perm(P::ApplicationReview), "application", "Assign the review of an accepted application: two verifiers or more (Article 34) who countersign, and the decider; the review process starts", post(api::assign)).body::<dto::AssignBody>().returns::<dto::Application>(),
        r("POST", "/api/v1/applications/{id}/verification", Perm(P::ApplicationReview), "application", "A verifier's opinion on their countersign step; the decider's step opens when every verifier has signed", post(api::verify)).body::<dto::OpinionBody>().returns::<dto::Application>(),
        r("POST", "/api/v1/applications/{id}/decision", Perm(P::ApplicationReview), "application", "Grant or deny in writing (Article 38; a denial states reasons and the right to reconsideration or litigation); a grant may issue an SM2-signed e-licence", post(api::decide)).body::<dto::DecisionBody>().returns::<dto::Application>(),
        r("POST", "/api/v1/applications/{id}/delivery", Perm(P::ApplicationIntake), "application", "The window delivers the result (Articles 26 and 44): collect, post (with the EMS number) or online", post(api::deliver)).body::<dto::DeliveryBody>().returns::<dto::Application>(),
        r("GET", "/api/v1/applications/{id}/documents/{doc}", Authenticated, "application", "One notice or decision of an application the caller may read", get(api::document)).returns::<dto::Document>(),
        r("GET", "/api/v1/licences", Authenticated, "application", "Electronic licences the caller may read: a holder their own, staff their departments'", get(api::licences)).query::<api::PageParams>().returns_list::<dto::Licence>(),
        r("POST", "/api/v1/licences/{number}/status", Perm(P::ApplicationReview), "application", "Suspend (暂扣), restore or revoke (吊销) a licence by a decision with its reason; the verify page answers accordingly", post(api::licence_status)).body::<dto::LicenceStatusBody>().returns::<dto::Licence>(),
        r("GET", "/api/v1/licences/{number}", Authenticated, "application", "One electronic licence with its signature and standing", get(api::licence)).returns::<dto::Licence>(),
        r("POST", "/api/v1/applications/{id}/commitment-check", Perm(P::ApplicationReview), "application", "Record the check of a commitment that replaced a material (告知承诺制): true, or false (with what was found), which goes on the applicant's record and bars a grant", post(api::check_commitment)).body::<dto::CommitmentCheckBody>().returns::<dto::Application>(),
        r("GET", "/api/v1/licences/{number}/revisions", Authenticated, "application", "What changes and renewals replaced on a licence, oldest first: content, signature, the application that replaced it", get(api::licence_revisions)).returns_list::<dto::LicenceRevision>(),
        // 一件事一次办: life-event packages.
        r("GET", "/api/v1/life-events", Public, "application", "The life-event packages (一件事一次办), each with its matters, combined form and materials", get(api::life_events)).returns_list::<dto::LifeEvent>(),
        r("GET", "/api/v1/life-events/{code}", Public, "application", "One life-event package with its combined form (a shared field once) and materials", get(api::life_event)).returns::<dto::LifeEvent>(),
        r("PUT", "/api/v1/life-events/{code}", Perm(P::CatalogReview), "application", "Define or change a package: two or more matters in force, of departments the keeper's catalogue review reaches", put(api::put_life_event)).body::<dto::LifeEventBody>().returns::<dto::LifeEvent>(),
        r("POST", "/api/v1/life-event-cases", Perm(P::ApplicantSelf), "application", "Apply once for a package (`event`): the combined form checked whole, then one application per matter, each with its own clock, in one transaction", post(api::apply_life_event)).body::<dto::LifeEventApplicationBody>().created::<dto::LifeEventCase>(),
        r("GET", "/api/v1/life-event-cases", Perm(P::ApplicantSelf), "application", "The caller's own life-event cases, newest first", get(api::life_event_cases)).returns_list::<dto::LifeEventCase>(),
        r("GET", "/api/v1/life-event-cases/{id}", Authenticated, "application", "One life-event case: its applicant sees it whole, staff the applications of it they may read", get(api::life_event_case)).returns::<dto::LifeEventCase>(),
        r("PUT", "/api/v1/applications/{id}/overdue-reason", Perm(P::ApplicationReview), "application", "Publish why an overdue application is late (优化营商环境条例第三十六条)", put(api::overdue_reason)).body::<dto::ReasonBody>().returns::<dto::Application>(),
        // The applicant's pages.
        r("GET", "/apply/{code}", Perm(P::ApplicantSelf), "pages", "Apply for a matter: its form and materials (continue a draft with ?draft=)", get(pages::apply_page)),
        r("POST", "/apply/{code}", Perm(P::ApplicantSelf), "pages", "Send or keep as draft an application with its uploaded materials (multipart)", post(pages::apply_submit)),
        r("GET", "/me/applications", Perm(P::ApplicantSelf), "pages", "My applications, life-event cases and licences", get(pages::my_applications)),
        r("GET", "/life-events", Public, "pages", "The life-event packages (一件事一次办)", get(events::list_page)),
        r("GET", "/life-events/{code}", Public, "pages", "One package: its matters with their limits and departments, the materials brought once", get(events::event_page)),
        r("GET", "/apply/event/{code}", Perm(P::ApplicantSelf), "pages", "Apply once for a package: its combined form and materials", get(events::apply_page)),
        r("POST", "/apply/event/{code}", Perm(P::ApplicantSelf), "pages", "Send a package's form and materials (multipart): one application per matter", post(events::apply_submit)),
        r("GET", "/catalog/life-events", Perm(P::CatalogReview), "pages", "The keeper's life-event packages: the list and the form that defines or changes one, matters picked by department", get(events::keeper_page)),
        r("POST", "/catalog/life-events", Perm(P::CatalogReview), "pages", "Define or change a life-event package", post(events::keeper_submit)),
        r("GET", "/me/life-events/{id}", Perm(P::ApplicantSelf), "pages", "One of my life-event cases: each application with its status and deadline", get(events::case_page)),
        r("GET", "/me/applications/{id}", Perm(P::ApplicantSelf), "pages", "One of my applications: its steps, deadline, documents, what is asked of me", get(pages::my_application)),
        r("POST", "/me/applications/{id}/supplement", Perm(P::ApplicantSelf), "pages", "Supply what the correction notice listed, with uploads (multipart)", post(pages::supply_submit)),
        // The staff's desk.
        r("GET", "/applications", Authenticated, "pages", "The desk: applications being handled, the most urgent first (staff with intake or review)", get(desk::desk_page)),
        r("GET", "/applications/{id}", Authenticated, "pages", "One application: form and materials side by side, clock, review diagram, the caller's step", get(desk::case_page)),
        r("POST", "/applications/{id}/defer", Perm(P::ApplicationIntake), "pages", "容缺受理: accept with a material the guide lets follow, its day, and the applicant's signed commitment uploaded (multipart)", post(desk::defer_submit)),
        r("POST", "/applications/{id}/{step}", Authenticated, "pages", "Take a step: accept, correction, refuse, assign, verify, decide, deliver, pause, resume, extend, overdue-reason", post(desk::step_submit)),
        // Printable documents and licences; the public verify page.
        r("GET", "/applications/{id}/documents/{doc}", Authenticated, "pages", "A notice or decision on A4 with its number and seal", get(print::document_page)),
        r("GET", "/licences/{number}", Authenticated, "pages", "An electronic licence with the QR code of its verify page", get(print::licence_page)),
        r("GET", "/licences/{number}/download", Authenticated, "pages", "The licence as a signed file (content, SM2 signature, public key)", get(print::licence_download)),
        r("GET", "/verify/{number}", Public, "pages", "Anyone checks a licence: genuine, valid, suspended, revoked or expired", get(print::verify_page)),
        r("POST", "/api/v1/applications/{id}/supplement", Perm(P::ApplicantSelf), "application", "The applicant supplies what the correction notice listed: a new round, received today", post(api::supply)).body::<dto::SupplyBody>().returns::<dto::Application>(),
    ]
}
