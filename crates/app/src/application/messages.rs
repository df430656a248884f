//! Online applications' entries in the message catalogue (`crate::i18n`), Chinese first with
//! English beside it.

crate::i18n::messages! {
    "perm.application.intake" => "受理申请", "Accept applications";
    "perm.application.review" => "审查申请", "Review applications";
    "application_matter_not_in_force" => "该事项暂无有效的办事指南，不能申请", "The matter has no guide in force and cannot be applied for";
    "application_form_invalid" => "申请表须为字段与取值组成的对象", "The form must be an object of fields and values";
    "application_not_received" => "申请当前状态为“{0}”，不在待受理状态", "The application is {0}, not waiting for intake";
    "application_reason_missing" => "请填写理由", "A reason is required";
    "application_competent_missing" => "不予受理须写明应向哪个行政机关申请", "Name the authority the applicant should apply to";
    "application_nothing_listed" => "请逐项列明需更正或补正的内容", "List every item to correct or supply";
    "application_deemed_accepted" => "收件后五个工作日内未一次告知补正（截至{0}），该申请已自收件之日起视为受理", "No correction notice by {0}: the application counts as accepted from its receipt";
    "application_new_items" => "补正告知须一次告知全部内容，以下材料不在首次告知中：{0}", "Items not in the first correction notice: {0}";
    "application_not_awaiting_supplement" => "该申请不在待补正状态", "The application is not waiting for a supplement";
    "application_status_changed" => "该申请的状态已被他人更新，请刷新后重试", "Someone else moved the application; reload and try again";
    "application_clock_not_running" => "申请当前状态为“{0}”，办理时限未在计算", "The application is {0}: its clock is not running";
    "application_not_paused" => "该申请的办理时限未中止", "The application's clock is not stopped";
    "application_already_paused" => "办理时限已自{0}起中止", "The clock stands still since {0}";
    "application_pause_overlaps" => "中止期间不能与受理日或此前的中止期间重叠", "A pause cannot overlap the day of acceptance or an earlier pause";
    "application_expected_length_missing" => "须书面告知申请人特别程序所需时间", "Tell the applicant in writing how long the procedure should take";
    "application_already_extended" => "该申请已延期一次，依法只能延期一次", "The application was already extended once; the law allows one extension";
    "application_extension_too_long" => "延期不得超过{0}个工作日", "An extension may add at most {0} working days";
    "application_extension_after_deadline" => "办理期限已于{0}届满，不能再延期", "The deadline passed on {0}: it can no longer be extended";
    "application_wrong_approver" => "延期批准人不符合法定要求", "The extension needs the approver the law names";
    "application_approver_missing" => "请填写批准延期的负责人", "Name who approved the extension";
    "application_barred" => "依{1}，您在{0}前不得再次申请该事项", "Under {1} you may not apply for this matter again until {0}";
    "application_bar_not_protected" => "仅涉及公共安全、人身健康、生命财产安全的事项可限制再次申请", "Only matters of public safety, health, life and property carry a bar";
    "application_applicant_id_invalid" => "请填写有效的居民身份证号码或统一社会信用代码", "Enter a valid resident ID or unified social credit code";
    "application_applicant_unknown" => "未找到该证件号码的申请人，请申请人先注册账号", "No applicant has this number; they must register first";
    "application_agent_invalid" => "代办人信息不完整或无效", "The agent's details are incomplete or invalid";
    "application.status.draft" => "草稿", "Draft";
    "application.status.submitted" => "已收件", "Received";
    "application.status.awaiting_supplement" => "待补正", "Awaiting supplement";
    "application.status.not_accepted" => "不予受理", "Not accepted";
    "application.status.accepted" => "已受理", "Accepted";
    "application.status.under_review" => "审查中", "Under review";
    "application.status.suspended" => "中止计时", "Clock stopped";
    "application.status.extended" => "已延期", "Extended";
    "application.status.approved" => "准予许可", "Granted";
    "application.status.rejected" => "不予许可", "Refused";
    "application.status.delivered" => "已送达", "Delivered";
    "application.status.closed" => "已办结", "Closed";
    "application.status.withdrawn" => "已撤回", "Withdrawn";
    "application.light.on_time" => "正常", "On time";
    "application.light.due_soon" => "即将到期", "Due soon";
    "application.light.overdue" => "已超期", "Overdue";
}
