//! The process routes: definitions, instances, the task inbox and the designer.

use super::{api, designer, dto, inbox, pages};
use crate::routes::Need::Perm;
use crate::routes::{r, Route};
use axum::routing::{get, post};
use fgf_domain::base::permission::Permission as P;

pub(crate) fn table() -> Vec<Route> {
    vec![
        // Processes (the engine).
        r("GET", "/api/v1/processes", Perm(P::Workbench), "processes", "Deployed process definitions", get(api::list_processes)).returns_list::<dto::Definition>(),
        r("POST", "/api/v1/processes", Perm(P::ProcessDesign), "processes", "Deploy BPMN 2.0 XML (raw body; ?publish=true)", post(api::deploy_process)).query::<api::DeployParams>().raw_body("application/xml").created::<dto::Deployed>(),
        r("POST", "/api/v1/processes/check", Perm(P::Workbench), "processes", "Check BPMN 2.0 XML without storing it", post(api::check_process)).raw_body("application/xml").returns::<dto::Checked>(),
        r("GET", "/api/v1/processes/{id}", Perm(P::Workbench), "processes", "One definition with its check result", get(api::get_process)).returns::<dto::DefinitionDetail>(),
        r("GET", "/api/v1/processes/{id}/bpmn", Perm(P::Workbench), "processes", "The definition as BPMN 2.0 XML", get(api::process_bpmn)).returns_raw("application/xml"),
        r("GET", "/api/v1/processes/{id}/diagram", Perm(P::Workbench), "processes", "The definition's diagram (SVG)", get(api::process_diagram)).returns_raw("image/svg+xml"),
        r("POST", "/api/v1/processes/{key}/start", Perm(P::Workbench), "processes", "Start an instance of the latest published version", post(api::start_process)).body::<api::StartBody>().created::<dto::Started>(),
        r("GET", "/api/v1/instances/{id}", Perm(P::Workbench), "processes", "One instance with its work items", get(api::get_instance)).returns::<dto::Instance>(),
        r("GET", "/api/v1/instances/{id}/history", Perm(P::Workbench), "processes", "The instance's history", get(api::instance_history)).returns_list::<dto::HistoryEvent>(),
        r("GET", "/api/v1/instances/{id}/diagram", Perm(P::Workbench), "processes", "The diagram with completed and active nodes marked (SVG)", get(api::instance_diagram)).returns_raw("image/svg+xml"),
        r("POST", "/api/v1/instances/{id}/control", Perm(P::Workbench), "processes", "Suspend, resume or terminate (initiator or process designer)", post(api::control_instance)).body::<api::ControlBody>().no_content(),
        r("GET", "/api/v1/tasks", Perm(P::Workbench), "processes", "The task inbox: ?box=todo|done|copies", get(api::list_tasks)).query::<api::InboxParams>().returns::<dto::Inbox>(),
        r("POST", "/api/v1/tasks/{id}", Perm(P::Workbench), "processes", "An operation on a work item: complete, send_back, withdraw, transfer, delegate, resolve, claim, unclaim, add_signer, remove_signer, urge, carbon_copy", post(api::task_op)).body::<dto::TaskOpBody>().no_content(),
        r("GET", "/api/v1/tasks/{id}/form", Perm(P::Workbench), "processes", "The business-record fields this step may see (read) and edit (write)", get(api::task_form)).returns::<dto::TaskForm>(),
        r("POST", "/api/v1/messages", Perm(P::Workbench), "processes", "Deliver a message to the instance waiting for it (or start a process with that message start)", post(api::deliver_message)).body::<api::MessageBody>().returns::<dto::Delivered>(),
        r("POST", "/api/v1/signals", Perm(P::ProcessDesign), "processes", "Broadcast a signal to every waiting instance and signal-started process", post(api::broadcast_signal)).body::<api::SignalBody>().returns::<dto::Signalled>(),
        r("POST", "/api/v1/designer/compile", Perm(P::ProcessDesign), "processes", "Compile a node-tree design to BPMN", post(api::designer_compile)).body::<dto::Flow>().returns::<dto::Compiled>(),
        r("POST", "/api/v1/designer/deploy", Perm(P::ProcessDesign), "processes", "Compile and publish a node-tree design", post(api::designer_deploy)).body::<dto::Flow>().created::<dto::Deployed>(),
        r("GET", "/tasks", Perm(P::Workbench), "pages", "Task inbox: each item with its case (matter, masked applicant, number, deadline)", get(inbox::tasks_page)),
        r("GET", "/tasks/{id}", Perm(P::Workbench), "pages", "One work item with its case, business data, diagram and operations (an application's opens on the application)", get(inbox::task_page)),
        r("POST", "/tasks/{id}", Perm(P::Workbench), "pages", "Act on a work item", post(inbox::task_submit)),
        r("GET", "/processes", Perm(P::Workbench), "pages", "Process definitions", get(pages::processes_page)),
        r("POST", "/processes", Perm(P::ProcessDesign), "pages", "Upload a BPMN definition", post(pages::processes_upload)),
        r("GET", "/processes/{id}", Perm(P::Workbench), "pages", "One definition", get(pages::process_page)),
        r("POST", "/processes/{id}/start", Perm(P::Workbench), "pages", "Start an instance", post(pages::process_start)),
        r("GET", "/instances/{id}", Perm(P::Workbench), "pages", "One instance: diagram and history", get(pages::instance_page)),
        r("POST", "/instances/{id}/control", Perm(P::Workbench), "pages", "Suspend, resume or terminate", post(pages::instance_control_page)),
        r("GET", "/designer", Perm(P::ProcessDesign), "pages", "Node-tree process designer", get(designer::designer_page)),
        r("POST", "/designer", Perm(P::ProcessDesign), "pages", "Edit or publish a design", post(designer::designer_submit)),
    ]
}
