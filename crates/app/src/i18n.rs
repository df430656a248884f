//! The one message catalogue: every user-facing string, Chinese first with English beside it.
//! Pages and error messages both read from here, so a wording is changed in one place.

use fgf_domain::permission::Permission;
use fgf_domain::DataScope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn from_code(s: &str) -> Lang {
        if s.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

macro_rules! catalogue {
    ($( $key:literal => $zh:literal, $en:literal; )*) => {
        /// Looks a key up; an unknown key returns itself so a missing entry is visible.
        pub fn t(lang: Lang, key: &str) -> &str {
            lookup(lang, key).unwrap_or_else(|| key_fallback(key))
        }

        /// Looks a key up, `None` when the catalogue lacks it.
        pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
            match (key, lang) {
                $( ($key, Lang::Zh) => Some($zh), ($key, Lang::En) => Some($en), )*
                _ => None,
            }
        }

        /// Every key, for the test that checks both languages are filled in.
        pub const KEYS: &[&str] = &[ $( $key, )* ];
    };
}

fn key_fallback(key: &str) -> &str {
    key
}

/// The label of a permission (its `perm.<code>` entry).
pub fn permission_label(lang: Lang, p: Permission) -> &'static str {
    lookup(lang, &format!("perm.{}", p.code())).unwrap_or_else(|| p.label_zh())
}

/// The label of a data scope (its `scope.<code>` entry).
pub fn scope_label(lang: Lang, s: DataScope) -> &'static str {
    lookup(lang, &format!("scope.{}", s.code())).unwrap_or_else(|| s.label_zh())
}

/// The label of a department kind (its `dept_kind.<code>` entry); an unknown kind shows as is.
pub fn department_kind_label(lang: Lang, kind: &str) -> &str {
    lookup(lang, &format!("dept_kind.{kind}")).unwrap_or(kind)
}

catalogue! {
    // Errors (codes are part of the API and stable).
    "internal_error" => "系统内部错误，请稍后重试或联系管理员", "internal error, try again later or contact the administrator";
    "not_found" => "未找到记录（{0} {1}），或不在您的数据权限范围内", "record not found ({0} {1}) or outside your data scope";
    "conflict" => "数据冲突，请刷新后重试", "conflict, reload and try again";
    "invalid_request" => "请求无效：{0}", "invalid request: {0}";
    "invalid_json" => "请求体不是有效的 JSON", "the request body is not valid JSON";
    "invalid_json.value" => "请求体中有字段的值类型或格式不符", "a value in the request body has the wrong type or form";
    "invalid_json.missing_field" => "请求体缺少字段 {0}", "the request body lacks the field {0}";
    "invalid_json.unknown_field" => "请求体含有未知字段 {0}", "the request body has an unknown field {0}";
    "invalid_form" => "表单内容无效", "the form could not be read";
    "invalid_query" => "查询参数无效", "invalid query parameter";
    "invalid_query.field" => "查询参数 {0} 缺失或无效", "the query parameter {0} is missing or invalid";
    "invalid_field" => "字段“{0}”无效：{1}", "field {0} is invalid: {1}";
    "text_invalid_chars" => "字段“{0}”含有不允许的控制字符或文字方向控制字符", "field {0} contains control or text-direction characters that are not allowed";
    "text_too_long" => "字段“{0}”过长：最多 {1} 个字符", "field {0} is too long: at most {1} characters";
    "reference_invalid" => "引用的记录不存在", "a referenced record does not exist";
    "store_unavailable" => "数据库暂时不可用，请稍后重试", "the database is temporarily unavailable, try again later";
    "unauthenticated" => "请先登录", "please sign in";
    "session_expired" => "会话已超时，请重新登录", "your session expired, please sign in again";
    "invalid_credentials" => "用户名或密码错误", "wrong username or password";
    "method_not_allowed" => "此地址不支持该请求方法，可用的方法：{0}", "this address does not take that method; it takes {0}";
    "too_many_attempts" => "本地址登录失败次数过多，请 {0} 分钟后再试", "too many failed logins from this address; try again in {0} minutes";
    "password_reused" => "新密码不能与最近 {0} 次使用过的密码相同", "the new password must differ from the last {0} passwords";
    "recovery_code_invalid" => "验证码错误、已过期或已失效，请重新获取", "the code is wrong, expired or used up; ask for a new one";
    "account_locked" => "登录失败次数过多，账号已锁定至 {0}，请稍后再试或联系安全管理员解锁", "too many failed logins: the account is locked until {0}; try later or ask the security administrator to unlock it";
    "account_disabled" => "账号已停用，请联系管理员", "the account is disabled, contact the administrator";
    "totp_required" => "请输入动态口令（6 位数字）", "enter your one-time code (6 digits)";
    "totp_invalid" => "动态口令错误或已过期", "the one-time code is wrong or expired";
    "totp_not_started" => "请先生成动态口令密钥", "generate a one-time code secret first";
    "password_change_required" => "首次登录或密码已重置，请先修改密码", "you must change your password first";
    "totp_enrolment_required" => "管理员账号必须先绑定动态口令（双因素认证）", "administrator accounts must enrol a one-time code (second factor) first";
    "password_wrong" => "原密码错误", "the current password is wrong";
    "password_weak" => "密码不符合复杂度要求：{0}", "the password does not meet the policy: {0}";
    "password_same" => "新密码不能与原密码相同", "the new password must differ from the current one";
    "password_mismatch" => "两次输入的新密码不一致", "the two new passwords differ";
    "csrf_invalid" => "页面已过期（安全校验失败），请刷新后重试", "the page expired (security check failed), reload and try again";
    "permission_denied" => "您没有“{0}”权限", "you lack the permission {0}";
    "staff_only" => "该功能仅限工作人员使用", "this is for staff only";
    "no_post_in_department" => "您在该部门没有任职，不能以该部门身份办理", "you hold no post in that department";
    "username_taken" => "用户名已被使用", "the username is taken";
    "username_invalid" => "用户名须为 3–32 位字母、数字、下划线或点", "a username is 3–32 letters, digits, underscores or dots";
    "department_code_taken" => "部门编码已存在", "the department code is taken";
    "department_not_empty" => "部门下还有下级部门或人员，不能删除", "the department still has sub-departments or staff";
    "department_parent_invalid" => "上级部门无效：不能移动到自身或其下级之下", "invalid parent: a department cannot move under itself or its subtree";
    "resident_id_registered" => "该身份证号已注册", "this resident ID is already registered";
    "uscc_registered" => "该统一社会信用代码已注册", "this unified social credit code is already registered";
    "resident_id_invalid" => "身份证号码无效：{0}", "invalid resident ID: {0}";
    "uscc_invalid" => "统一社会信用代码无效：{0}", "invalid unified social credit code: {0}";
    "phone_invalid" => "手机号码无效：{0}", "invalid mobile number: {0}";
    "post_exists" => "该用户在此部门已有岗位", "the user already holds a post in that department";
    "post_last" => "不能删除用户唯一的岗位", "cannot remove the user's only post";
    "role_unknown" => "未知角色：{0}", "unknown role: {0}";
    "admin_duty_conflict" => "三员分立：同一账号不能同时担任{0}和{1}", "separation of duties: one account cannot be both {0} and {1}";
    "role_self_grant" => "不能给自己的账号分配角色", "you cannot grant roles to your own account";
    "admin_business_role" => "三员分立：{0}账号不能同时持有业务角色", "separation of duties: an administrator account ({0}) cannot also hold business roles";
    "account_self_admin" => "不能通过用户管理停用、重置或调整自己的账号", "you cannot disable, reset or re-post your own account through administration";
    "admin_account_protected" => "三员分立：系统管理员不能停用、重置或调整{0}的账号", "separation of duties: the system administrator cannot disable, reset or re-post the account of the {0}";
    "applicant_reset_self_service" => "申请人账号的密码不能由管理员重置，请申请人通过“找回密码”自行重置", "an administrator does not reset an applicant's password: the applicant recovers it through password recovery";
    "security_admin_only" => "只有安全管理员可以重置动态口令", "only the security administrator resets a second factor";
    "calendar_invalid" => "日历数据无效：{0}", "invalid calendar data: {0}";
    "date_invalid" => "日期无效：{0}（应为 YYYY-MM-DD）", "invalid date {0} (expected YYYY-MM-DD)";
    "number_invalid" => "数字无效：{0}", "invalid number: {0}";
    "dictionary_invalid" => "字典数据无效：{0}", "invalid dictionary: {0}";
    "file_too_large" => "文件过大（上限 {0} MB）", "the file is too large (limit {0} MB)";
    "file_empty" => "文件为空", "the file is empty";
    "effective_date_past" => "生效日期不得早于今天（{0}）", "the effective date cannot be before today ({0})";
    "idempotency_key_reused" => "幂等键已用于内容不同的另一个请求，请为新请求使用新的幂等键", "the idempotency key was used for a request with a different body; use a new key for a new request";
    "idempotency_mismatch" => "幂等键已用于另一个请求", "the idempotency key was used for a different request";
    "route_not_found" => "页面不存在", "page not found";
    "bpmn_invalid" => "BPMN 文件无法读取：{0}", "the BPMN file cannot be read: {0}";
    "process_check_failed" => "流程定义校验未通过（{0} 个问题），不能发布", "the process definition failed its check ({0} problems) and cannot be published";
    "process_operation_refused" => "当前流程状态不允许此操作：{0}", "the process state does not allow this: {0}";
    "process_instance_changed" => "流程已被他人处理，请刷新后重试", "someone else changed the process meanwhile; reload and try again";
    "work_item_closed" => "该待办已办结或已取消", "this task is already done or cancelled";
    "work_item_not_yours" => "该待办不是您的，不能办理", "this task is not yours to handle";
    "field_not_editable" => "本环节不能修改字段“{0}”", "this step may not edit the field {0}";
    "message_no_receiver" => "没有流程在等待消息“{0}”", "no process waits for the message {0}";
    "designer_invalid" => "流程设计有误：{0}", "the process design has problems: {0}";
    "not_from_designer" => "该流程不是在设计器中制作的，请导入 BPMN 修改", "this process was not made in the designer; edit its BPMN instead";
    "payload_too_large" => "请求内容过大", "request body too large";

    // Navigation and layout.
    "nav.tasks" => "待办事项", "Tasks";
    "nav.processes" => "流程管理", "Processes";
    "page.tasks" => "我的待办", "My tasks";
    "page.processes" => "流程定义", "Process definitions";
    "page.instance" => "流程实例", "Process instance";
    "page.designer" => "流程设计器", "Process designer";
    "task.todo" => "待办", "To do";
    "task.done" => "已办", "Done";
    "task.copies" => "抄送我的", "Copied to me";
    "task.name" => "事项", "Task";
    "task.instance" => "流程", "Instance";
    "task.assignee" => "办理人", "Assignee";
    "task.candidates" => "候选：", "Candidates: ";
    "task.completed_at" => "办结时间", "Completed";
    "task.claim" => "认领", "Claim";
    "task.complete" => "提交", "Submit";
    "task.opinion" => "审批意见", "Opinion";
    "task.approve" => "同意", "Approve";
    "task.reject" => "不同意", "Reject";
    "task.comment" => "意见说明", "Comment";
    "task.more" => "更多操作", "More";
    "task.send_back_to" => "退回到", "Send back to";
    "task.send_back" => "退回", "Send back";
    "task.return_direct" => "改完直接回到我", "Return straight to me";
    "task.transfer" => "转办", "Transfer";
    "task.delegate" => "委派", "Delegate";
    "task.add_signer" => "加签", "Add signer";
    "task.readers" => "抄送给（用户名，逗号分隔）", "Copy to (usernames)";
    "task.copy" => "抄送", "Copy";
    "task.urge" => "催办", "Urge";
    "task.withdraw" => "撤回", "Withdraw";
    "task.unread" => "未读", "Unread";
    "process.key" => "流程标识", "Process key";
    "process.version" => "版本", "Version";
    "process.published" => "已发布", "Published";
    "process.draft" => "草稿", "Draft";
    "process.from_designer" => "设计器", "Designer";
    "process.upload" => "导入 BPMN", "Import BPMN";
    "process.upload_hint" => "粘贴 Camunda Modeler、bpmn.io 或 Flowable 导出的 BPMN 2.0 XML；发布前会校验每个节点。", "Paste BPMN 2.0 XML from Camunda Modeler, bpmn.io or Flowable; every element is checked before publishing.";
    "process.publish" => "校验通过后发布", "Publish when the check passes";
    "process.check_and_save" => "校验并保存", "Check and save";
    "process.designer_hint" => "按钉钉审批的方式：发起 → 审批节点 → 条件分支 → 抄送 → 办结。", "DingTalk style: start → approvals → branches → copies → end.";
    "process.problems" => "校验问题", "Check problems";
    "process.download" => "下载 BPMN", "Download BPMN";
    "process.edit_in_designer" => "在设计器中修改（发布为新版本）", "Edit in the designer (publishes a new version)";
    "process.start" => "发起流程", "Start an instance";
    "process.business_key" => "业务编号", "Business key";
    "process.vars" => "流程变量（JSON）", "Variables (JSON)";
    "instance.running" => "办理中", "Running";
    "instance.suspended" => "已挂起", "Suspended";
    "instance.completed" => "已办结", "Completed";
    "instance.terminated" => "已终止", "Terminated";
    "instance.failed" => "出错", "Failed";
    "instance.started" => "发起时间", "Started";
    "instance.history" => "办理记录", "History";
    "instance.control" => "流程控制", "Control";
    "instance.suspend" => "挂起", "Suspend";
    "instance.resume" => "激活", "Resume";
    "instance.terminate" => "终止", "Terminate";
    "instance.reason" => "终止原因（必填）", "Reason (required)";
    "instance.suspend_reason" => "挂起原因（如听证、检验、鉴定、专家评审）", "Reason for suspending (e.g. a hearing, an inspection, an appraisal, an expert review)";
    "instance.deadlines" => "办理时限", "Deadlines";
    "instance.pauses" => "挂起记录", "Suspensions";
    "instance.pause_open" => "至今", "until now";
    "instance.suspended_note" => "挂起期间时限停止计算，激活后按工作日重新计算。", "Deadlines stop while the instance is suspended and are counted again in working days when it resumes.";
    "deadline.column" => "办理时限", "Deadline";
    "deadline.due" => "{0} {1} 前", "by {0} {1}";
    "deadline.working_days" => "{0} 个工作日", "{0} working days";
    "deadline.paused" => "挂起不计 {0} 个工作日", "{0} working days paused";
    "deadline.assumed" => "按周一至周五推算，{0} 年放假安排未导入", "Counted Monday to Friday: the holiday arrangements for {0} have not been imported";
    "instance.legend_done" => "已完成", "done";
    "instance.legend_active" => "进行中", "active";
    "instance.legend_pending" => "未开始", "not started";
    "event.started" => "发起", "Started";
    "event.task_created" => "生成待办", "Task created";
    "event.task_completed" => "办理", "Completed";
    "event.task_assigned" => "转交", "Reassigned";
    "event.operation" => "操作", "Operation";
    "event.timer_fired" => "定时到期", "Timer fired";
    "event.completed" => "办结", "Completed";
    "event.terminated" => "终止", "Terminated";
    "event.failed" => "出错", "Failed";
    "event.urged" => "催办", "Urged";
    "event.copied" => "抄送", "Copied";
    "designer.start" => "发起", "Start";
    "designer.end" => "办结", "End";
    "designer.approval" => "审批", "Approval";
    "designer.handle" => "办理", "Handle";
    "designer.copy" => "抄送", "Copy";
    "designer.branch" => "条件分支", "Condition";
    "designer.parallel" => "并行分支", "Parallel";
    "designer.otherwise" => "其他情况", "otherwise";
    "designer.when" => "条件成立", "when";
    "designer.branch_fields" => "条件分支 / 并行分支：每支一个审批节点", "Condition / parallel: one approval per branch";
    "designer.condition" => "条件（满足时走第一支）", "Condition (true: first branch)";
    "designer.branch_a" => "第一支：节点名称与审批人", "First branch: name and approvers";
    "designer.branch_b" => "第二支（其他情况）：节点名称与审批人，可留空", "Second branch (otherwise): name and approvers, may be empty";
    "designer.single" => "单人审批", "Single";
    "designer.all" => "会签（全部同意）", "Countersign (all)";
    "designer.any" => "或签（一人同意）", "Any one";
    "designer.sequential" => "依次审批", "In order";
    "designer.vote" => "票签", "Vote";
    "designer.add" => "添加节点", "Add a node";
    "designer.approvers" => "审批人", "Approvers";
    "designer.mode" => "审批方式", "Sign mode";
    "designer.timeout_days" => "超时催办（工作日，0 为不催办）", "Remind after (working days; 0 = never)";
    "designer.remove" => "删除", "Remove";
    "designer.edit" => "修改", "Edit";
    "designer.arm" => "第 {0} 支：名称与条件", "Arm {0}: name and condition";
    "designer.arm_drop" => "删除这一支（连同其中的节点）", "Remove this arm (with its cards)";
    "designer.arm_new" => "新增一支（填写条件即添加）", "Add an arm (give a condition; it goes before “otherwise”)";
    "designer.arm_add" => "新增一个并行分支", "Add a parallel arm";
    "designer.save_card" => "保存节点", "Save the card";
    "designer.cancel" => "取消", "Cancel";
    "designer.ratio" => "票签通过比例（0–1，仅票签）", "Vote pass ratio (0–1, vote only)";
    "designer.on_empty" => "审批人为空时", "When nobody resolves";
    "designer.on_initiator" => "审批人与发起人相同时", "When the approver is the initiator";
    "designer.rule_default" => "按系统默认", "System default";
    "designer.empty_skip" => "自动通过", "Pass automatically";
    "designer.empty_admin" => "转交流程管理员", "Give to the process administrator";
    "designer.empty_stop" => "终止流程", "Stop the flow";
    "designer.self_allow" => "由发起人自己审批", "The initiator approves";
    "designer.self_skip" => "自动跳过", "Skip";
    "designer.self_leader" => "转交直属上级", "Give to the initiator's leader";
    "designer.fields" => "字段权限（字段=read/write/hidden）", "Field permissions (field=read/write/hidden)";
    "designer.timeout_action" => "超时后", "When overdue";
    "designer.remind" => "催办（节点不变）", "Remind (card stays)";
    "designer.escalate" => "上报直属上级处理", "Escalate to the initiator's leader";
    "designer.up" => "上移", "Move up";
    "designer.down" => "下移", "Move down";
    "designer.place" => "插入位置", "Insert at";
    "designer.place_end" => "流程末尾（办结之前）", "End of the flow (before 办结)";
    "designer.place_after" => "之后：", "After: ";
    "designer.place_arm" => "第 {0} 支开头", "start of arm {0}";
    "designer.save" => "保存并发布", "Save and publish";
    "designer.deploy" => "发布流程", "Publish";
    "designer.preview" => "流程图预览", "Preview";

    "app.name" => "放管服改革综合平台", "Fangguanfu Reform Platform";
    "app.district" => "示范区", "Demo District";
    "portal.name" => "政务服务网", "Government Services Portal";
    "portal.brand" => "{0}{1}", "{0} {1}";
    "nav.workbench" => "工作台", "Workbench";
    "nav.departments" => "部门管理", "Departments";
    "nav.users" => "用户管理", "Users";
    "nav.audit" => "审计日志", "Audit log";
    "nav.login_log" => "登录日志", "Login log";
    "nav.refusals" => "越权访问记录", "Refused attempts";
    "nav.calendar" => "工作日历", "Calendar";
    "nav.dictionaries" => "数据字典", "Dictionaries";
    "nav.notifications" => "消息", "Messages";
    "nav.password" => "修改密码", "Change password";
    "nav.totp" => "动态口令", "One-time codes";
    "nav.logout" => "退出", "Sign out";
    "nav.login" => "登录", "Sign in";
    "nav.register" => "注册", "Register";
    "nav.recover" => "忘记密码", "Forgot password";
    "nav.portal" => "门户首页", "Portal";
    "nav.me" => "我的", "My account";
    "nav.api_docs" => "接口文档", "API docs";
    "nav.skip" => "跳到正文", "Skip to content";
    "nav.large_type" => "大字版", "Large type";
    "nav.standard_type" => "标准版", "Standard type";
    "nav.acting_for" => "当前办理部门", "Acting for";
    "nav.switch" => "切换", "Switch";

    // Forms and common words.
    "form.username" => "用户名", "Username";
    "form.password" => "密码", "Password";
    "form.totp" => "动态口令（已绑定时填写）", "One-time code (if enrolled)";
    "form.submit" => "提交", "Submit";
    "form.save" => "保存", "Save";
    "form.search" => "查询", "Search";
    "form.create" => "新建", "Create";
    "form.delete" => "删除", "Delete";
    "form.old_password" => "原密码", "Current password";
    "form.new_password" => "新密码", "New password";
    "form.recovery_code" => "短信验证码", "Code from the text message";
    "form.new_password2" => "确认新密码", "Repeat new password";
    "form.name" => "名称", "Name";
    "form.code" => "编码", "Code";
    "form.kind" => "类型", "Kind";
    "form.parent" => "上级部门", "Parent";
    "form.sort" => "排序", "Order";
    "form.display_name" => "姓名", "Name";
    "form.phone" => "手机号码", "Mobile";
    "form.resident_id" => "居民身份证号码", "Resident ID";
    "form.uscc" => "统一社会信用代码", "Unified social credit code";
    "form.enterprise_name" => "单位名称", "Organisation name";
    "form.department" => "部门", "Department";
    "form.title" => "职务", "Title";
    "form.roles" => "角色", "Roles";
    "form.status" => "状态", "Status";
    "form.actions" => "操作", "Actions";
    "form.from" => "起", "From";
    "form.to" => "止", "To";
    "form.actor" => "操作人", "Actor";
    "form.object" => "对象", "Object";
    "form.action" => "动作", "Action";
    "form.time" => "时间", "Time";
    "form.source" => "来源地址", "Source";
    "form.before" => "修改前", "Before";
    "form.after" => "修改后", "After";
    "form.field" => "字段", "Field";
    "form.outcome" => "结果", "Outcome";
    "form.year" => "年份", "Year";
    "form.document_no" => "文件号", "Document No.";
    "form.holidays" => "放假日期", "Holidays";
    "form.workdays" => "调休上班日", "Make-up working days";
    "form.total" => "共 {0} 条", "{0} in total";
    "form.prev" => "上一页", "Previous";
    "form.next" => "下一页", "Next";
    "form.none" => "暂无数据", "Nothing here yet";
    "form.unmask" => "查看完整信息（将记入审计）", "Show in full (audited)";
    "form.unlock" => "解锁", "Unlock";
    "form.totp_reset" => "重置动态口令", "Reset the second factor";
    "form.reset_password" => "重置密码", "Reset password";
    "form.add_post" => "增加兼职岗位", "Add a post";
    "form.primary" => "主岗", "Primary";
    "form.applicant_kind" => "申请人类型", "Applicant type";
    "form.citizen" => "个人（自然人）", "Individual";
    "form.enterprise" => "法人（企业）", "Legal person";
    "form.mark_read" => "标为已读", "Mark read";

    // Page titles and texts.
    "page.login" => "工作人员与申请人登录", "Sign in";
    "page.login_hint" => "登录失败 5 次将锁定账号 15 分钟。管理员账号须输入动态口令。", "Five failures lock the account for 15 minutes. Administrators need a one-time code.";
    "page.workbench" => "工作台", "Workbench";
    "page.workbench_welcome" => "欢迎，{0}", "Welcome, {0}";
    "page.password" => "修改密码", "Change password";
    "page.password_rule" => "密码至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类，且不得包含用户名。", "At least 8 characters from three of: upper case, lower case, digits, symbols; not containing the username.";
    "page.totp" => "绑定动态口令", "Enrol one-time codes";
    "page.totp_intro" => "在手机验证器（如“宁盾令牌”“Google Authenticator”）中添加以下密钥，然后输入显示的 6 位数字完成绑定。", "Add this secret to an authenticator app, then enter the 6-digit code it shows.";
    "page.totp_enabled" => "已绑定动态口令。", "One-time codes are enrolled.";
    "page.totp_start" => "生成密钥", "Generate a secret";
    "page.departments" => "部门管理", "Departments";
    "page.users" => "用户管理", "Users";
    "page.user_new" => "新建工作人员", "New staff member";
    "page.audit" => "审计日志", "Audit log";
    "page.audit_entry" => "审计记录 #{0}", "Audit entry #{0}";
    "page.login_log" => "登录日志", "Login log";
    "page.refusals" => "越权访问记录", "Refused attempts";
    "page.refusals_note" => "被拒绝的操作（无权限、安全校验失败、访问数据范围以外的记录）。同一账号或地址在同一分钟内对同一功能的重复尝试合并为一行并计数。", "Refused actions (a permission not held, a failed security check, a record outside the data scope). Repeats by one account or address on one function within a minute are one row with a count.";
    "form.refusal_code" => "拒绝原因代码", "Refusal code";
    "form.route" => "功能（请求）", "Function (request)";
    "form.count" => "次数", "Count";
    "form.address" => "地址", "Address";
    "form.anonymous" => "（未登录）", "(anonymous)";
    "page.calendar" => "工作日历", "Working-day calendar";
    "page.calendar_note" => "法定节假日与调休安排依据国务院办公厅通知；年度数据由系统管理员录入。无数据的年份按周一至周五计算，并在期限计算处注明。", "Holidays and make-up days follow the State Council notices; administrators enter each new year. Years without data count Monday–Friday, and deadlines say so.";
    "page.dictionaries" => "数据字典", "Dictionaries";
    "page.notifications" => "消息中心", "Messages";
    "page.register" => "申请人注册", "Applicant registration";
    "page.recover" => "找回密码", "Recover your password";
    "page.recover_intro" => "申请人可凭注册时登记的证件号码和手机号码自行找回密码；工作人员请联系安全管理员。", "Applicants recover their password with the identity and mobile number they registered; staff ask the security administrator.";
    "page.recover_send" => "发送验证码", "Send a code";
    "page.recover_sent" => "如填写的信息与账号登记一致，验证码已发送至登记的手机，10 分钟内有效。", "If the details match the account, a code valid for 10 minutes went to the registered phone.";
    "page.me" => "我的办事", "My services";
    "page.portal_title" => "一网通办 · 只进一扇门 · 最多跑一次", "One-stop online services";
    "page.portal_intro" => "在这里查询办事指南、在线申请、查看办理进度。", "Find service guides, apply online and follow your applications.";
    "page.forbidden" => "无权访问", "Access denied";
    "page.not_found" => "页面不存在", "Page not found";
    "page.error" => "出错了", "Something went wrong";
    "page.api_docs" => "接口文档（OpenAPI）", "API documentation (OpenAPI)";
    "msg.saved" => "已保存", "Saved";
    "msg.logged_out" => "您已安全退出", "You are signed out";
    "msg.password_changed" => "密码已修改", "Password changed";
    "msg.registered" => "注册成功，请登录", "Registered; please sign in";
    "msg.recovered" => "密码已重置，请用新密码登录", "Your password was reset; sign in with the new one";

    // Layout chrome.
    "nav.main_aria" => "主导航", "Main navigation";
    "nav.portal_aria" => "门户导航", "Portal navigation";
    "nav.pager_aria" => "分页", "Pagination";
    "nav.unread" => "未读", "unread";
    "footer.text" => "{0}人民政府 主办 · 区政务服务中心 承办 · 政务服务便民热线 12345", "Run by the {0} People's Government · Operated by the District Government Services Centre · Service hotline 12345";

    // Punctuation and shared words.
    "punct.colon" => "：", ": ";
    "punct.list_sep" => "、", ", ";
    "form.all" => "全部", "All";
    "form.edit" => "编辑", "Edit";
    "form.path" => "路径", "Path";
    "form.permission" => "权限", "Permission";
    "form.data_scope" => "数据范围", "Data scope";
    "form.subject" => "标题", "Subject";
    "form.content" => "内容", "Content";
    "form.detail" => "说明", "Details";
    "form.changed_fields" => "变更字段", "Changed fields";
    "form.days_count" => "（{0} 天）", " ({0} days)";
    "form.parent_none" => "（无：区级根节点）", "(none: district root)";
    "form.user_search_hint" => "用户名或姓名", "Username or name";
    "form.required_citizen" => "（个人必填）", " (required for individuals)";
    "form.required_enterprise" => "（法人必填）", " (required for legal persons)";
    "form.phone_clear_hint" => "（留空则清除）", " (leave empty to clear)";
    "form.initial_password" => "初始密码（首次登录须修改）", "Initial password (must be changed at first sign-in)";
    "kind.staff" => "工作人员", "Staff";
    "kind.citizen" => "个人", "Individual";
    "kind.enterprise" => "法人", "Legal person";
    "status.active" => "正常", "Active";
    "status.disabled" => "停用", "Disabled";
    "status.enabled" => "启用", "Enabled";
    "status.locked" => "已锁定", "Locked";
    "status.read" => "已读", "Read";
    "status.totp_enabled" => "已绑定动态口令", "one-time codes enrolled";

    // Portal home.
    "portal.entry_citizen" => "个人办事", "Services for individuals";
    "portal.entry_citizen_hint" => "社保、户籍、教育、医疗、养老等", "Social insurance, household registration, education, health care, elderly care and more";
    "portal.entry_enterprise" => "法人办事", "Services for legal persons";
    "portal.entry_enterprise_hint" => "设立登记、经营许可、项目审批等", "Company registration, business licences, project approvals and more";
    "portal.entry_register" => "注册账号", "Create an account";
    "portal.entry_register_hint" => "自然人凭身份证号，法人凭统一社会信用代码", "Individuals with their resident ID, legal persons with their unified social credit code";
    "portal.deadline" => "办理时限计算（工作日）", "Deadline calculator (working days)";
    "portal.deadline_note" => "按国务院办公厅节假日安排计算，开始当日不计入（民法典第二百零一条）。", "Follows the State Council holiday arrangements; the starting day is not counted (Civil Code, Article 201).";
    "portal.deadline_start" => "起算日期", "Start date";
    "portal.deadline_days" => "工作日数", "Working days";
    "portal.deadline_compute" => "计算", "Calculate";
    "portal.deadline_result" => "{0} 起 {1} 个工作日后为", "{1} working days after {0} is";
    "portal.deadline_assumed" => "注意：{0} 年尚无节假日安排，按周一至周五计算。", "Note: there are no holiday arrangements for {0} yet, so Monday to Friday were counted.";
    "portal.id_check" => "证件号码校验", "ID number check";
    "portal.id_check_note" => "校验居民身份证号码（GB 11643）或统一社会信用代码（GB 32100）的校验位。", "Checks the check digit of a resident ID number (GB 11643) or a unified social credit code (GB 32100).";
    "portal.id_number" => "号码", "Number";
    "portal.id_verify" => "校验", "Check";
    "portal.id_valid" => "有效 · {0}", "Valid · {0}";
    "portal.id_invalid" => "无效：{0}", "Invalid: {0}";

    // Staff and applicant pages.
    "page.totp_secret" => "密钥 Secret:", "Secret:";
    "page.totp_code" => "6 位动态口令", "6-digit one-time code";
    "page.totp_reenrol" => "更换动态口令", "Change the second factor";
    "page.totp_reenrol_note" => "更换前须输入登录密码和当前的动态口令；手机丢失时请联系安全管理员重置。", "Enter your password and the current code first; if you lost your phone, ask the security administrator to reset it.";
    "page.totp_current_code" => "当前动态口令", "Current one-time code";
    "page.workbench_inbox" => "我的待办 · 消息", "My tasks · Messages";
    "page.workbench_all_messages" => "全部消息 →", "All messages →";
    "page.workbench_identity" => "当前身份", "Current identity";
    "page.workbench_extra_posts" => "兼职岗位", "Additional posts";
    "page.workbench_post_count" => "{0} 个", "{0}";
    "page.workbench_permissions" => "我的权限", "My permissions";
    "page.me_account" => "账号信息", "Account details";
    "page.department_tree" => "部门树（{0}）", "Department tree ({0})";
    "page.department_staff" => "本部门人员", "Staff of this department";
    "page.user_roles_note" => "角色由安全管理员分配（三员分立）。", "Roles are assigned by the security administrator (separation of duties).";
    "page.user_posts" => "岗位与角色", "Posts and roles";
    "page.audit_diff" => "变更对比", "Changes";
    "page.calendar_year" => "{0} 年 · {1}", "{0} · {1}";
    "page.calendar_missing" => "{0} 年尚未录入国务院节假日安排，期限计算按周一至周五进行。", "The State Council holiday arrangements for {0} have not been entered yet; deadlines count Monday to Friday.";
    "page.calendar_edit" => "录入或修改年度安排", "Enter or change a year's arrangements";
    "page.calendar_document_hint" => "国办发明电〔2026〕X号", "e.g. 国办发明电〔2026〕X号";
    "page.calendar_holidays_hint" => "（每行：YYYY-MM-DD 名称）", " (one per line: YYYY-MM-DD name)";
    "page.calendar_workdays_hint" => "（每行一个日期）", " (one date per line)";
    "page.dictionaries_note" => "代码表修改后立即生效，无需重启；每次修改生成新版本并记入审计日志。", "Changes take effect at once, without a restart; every change makes a new version and is recorded in the audit log.";
    "page.dictionary_items_hint" => "项目（每行：编码|名称|English|0 停用）", "Items (one per line: code|name|English|0 to disable)";
    "calendar.holiday" => "节日", "Holiday";
    "calendar.dates" => "放假时间", "Dates";
    "calendar.days" => "天数", "Days";
    "calendar.through" => "至", "to";
    "calendar.workday" => "{0}（{1}）", "{0} ({1})";
    "weekday.1" => "周一", "Mon";
    "weekday.2" => "周二", "Tue";
    "weekday.3" => "周三", "Wed";
    "weekday.4" => "周四", "Thu";
    "weekday.5" => "周五", "Fri";
    "weekday.6" => "周六", "Sat";
    "weekday.7" => "周日", "Sun";

    // Labels of code-defined values. The Chinese must match the labels in fgf-domain and
    // `org::DEPARTMENT_KINDS` (checked by a test below); pages look these up by code.
    "dept_kind.district" => "区", "District";
    "dept_kind.bureau" => "部门", "Bureau";
    "dept_kind.section" => "科室", "Section";
    "dept_kind.street" => "街道", "Subdistrict";
    "dept_kind.town" => "镇", "Town";
    "dept_kind.community" => "社区", "Community";
    "dept_kind.village" => "村", "Village";
    "scope.own" => "本人", "Own records";
    "scope.dept" => "本部门", "Own department";
    "scope.dept_and_below" => "本部门及下级", "Own department and below";
    "scope.all" => "全部", "All";
    "perm.workbench.view" => "进入工作台", "Open the workbench";
    "perm.process.design" => "设计与发布流程", "Design and publish processes";
    "nav.catalog" => "事项清单", "Catalogue";
    "nav.reform" => "改革督查", "Reform tasks";
    "reform.title" => "改革任务督查", "Reform task supervision";
    "reform.no_plan" => "尚无实施方案", "no implementation plan yet";
    "reform.light_green" => "绿灯", "green";
    "reform.light_yellow" => "黄灯", "yellow";
    "reform.light_red" => "红灯", "red";
    "reform.light_done" => "已完成", "done";
    "reform.all" => "全部任务", "all tasks";
    "reform.code" => "编号", "No.";
    "reform.task" => "改革任务", "Task";
    "reform.lead" => "牵头单位", "Lead unit";
    "reform.owner" => "责任人", "Owner";
    "reform.deadline" => "完成时限", "Deadline";
    "reform.progress" => "进度", "Progress";
    "reform.light" => "状态", "Light";
    "reform.after" => "前置任务：", "after:";
    "reform.cases" => "待协调事项", "Coordination cases";
    "reform.cases_note" => "单位逾期未确认或对分工提出异议的任务，由改革办协调确定后执行", "parts disputed or not accepted in time, for the reform office to settle";
    "reform.unit" => "单位", "Unit";
    "reform.case" => "情形", "Case";
    "reform.reason" => "理由", "Reason";
    "reform.age" => "已等待（天）", "Days open";
    "reform.role_lead" => "（牵头）", "(lead)";
    "reform.role_partner" => "（配合）", "(partner)";
    "reason.overdue" => "已超过完成时限{0}个工作日", "{0} working days past the deadline";
    "reason.milestone" => "节点{0}未按期完成", "milestone of {0} not met";
    "reason.behind" => "{0}临近，进度{1}%落后于时间进度（已用{2}/{3}个工作日）", "{0} is near and progress {1}% is behind time ({2} of {3} working days used)";
    "reason.report" => "应于{0}报送的进展未报送", "the report due on {0} has not arrived";
    "dash.title" => "改革督查看板", "Reform dashboard";
    "dash.tasks" => "任务", "Tasks";
    "dash.done" => "已完成", "Done";
    "dash.rate" => "完成率", "Completion";
    "dash.max_overdue" => "最长逾期（工作日）", "Most overdue (working days)";
    "dash.score" => "考核得分", "Score";
    "dash.rank" => "排名", "Rank";
    "dash.overdue_days" => "逾期（工作日）", "Overdue (working days)";
    "dash.nav_board" => "任务看板", "Task board";
    "dash.nav_dashboard" => "督查看板", "Dashboard";
    "dash.nav_supervision" => "督查考核", "Inspection and assessment";
    "dash.nav_innovations" => "基层首创", "Grassroots innovations";
    "dash.as_of" => "截至", "as of";
    "dash.export" => "导出 Excel", "Export xlsx";
    "dash.by_category" => "按改革类别", "By category";
    "dash.category" => "改革类别", "Category";
    "dash.by_unit" => "按牵头单位", "By lead unit";
    "dash.scores_from" => "得分来自", "Scores from";
    "dash.red_list" => "红灯任务", "Red tasks";
    "dash.yellow_list" => "黄灯任务", "Yellow tasks";
    "dash.timeline" => "任务时间轴", "Timeline";
    "dash.timeline_note" => "横条为开始至完成时限，深色为已完成进度；◆为节点（实心已完成）；虚线箭头为前置任务；红色竖线为今天。", "Bars run from start to deadline, filled to progress; diamonds are milestones (filled when met); dashed arrows are dependencies; the red line is today.";
    "dash.today" => "今天", "today";
    "sup.title" => "督查考核", "Inspection and assessment";
    "sup.findings" => "监督检查发现问题", "Inspection findings";
    "sup.no_findings" => "尚无监督检查记录", "no inspection findings yet";
    "sup.held_on" => "检查日期", "Held on";
    "sup.finding" => "发现的问题", "Finding";
    "sup.rectify_by" => "整改期限", "Rectify by";
    "sup.rectification" => "整改情况", "Rectification";
    "sup.verified" => "已核验", "verified";
    "sup.accept" => "核验通过", "Accept";
    "sup.return" => "退回重改", "Send back";
    "sup.record" => "记录监督检查", "Record an inspection";
    "sup.inspection_title" => "检查名称", "Inspection";
    "sup.findings_lines" => "发现的问题（每行：任务编号｜问题｜整改期限）", "Findings (one per line: task｜finding｜rectify by)";
    "sup.assessments" => "考核", "Assessments";
    "sup.published" => "已公布", "published";
    "sup.open" => "评分中", "open";
    "sup.assessment_title" => "考核名称，如：2026年上半年考核", "Title, e.g. first half of 2026";
    "sup.from" => "起", "From";
    "sup.to" => "止", "To";
    "sup.new_assessment" => "新建考核", "New assessment";
    "sup.merits" => "表彰与问责", "Commendations and accountability";
    "sup.decided_on" => "决定日期", "Decided on";
    "sup.kind" => "类型", "Kind";
    "sup.person" => "人员", "Person";
    "sup.category" => "类别", "Category";
    "sup.category_hint" => "问责：不作为／慢作为／乱作为；表彰：先进集体等", "accountability: 不作为/慢作为/乱作为; commendation: the honour";
    "sup.reason" => "事由", "Reason";
    "sup.document_no" => "决定文号", "Decision no.";
    "sup.commendation" => "表彰", "Commendation";
    "sup.accountability" => "问责", "Accountability";
    "sup.record_merit" => "记录表彰或问责", "Record a commendation or accountability";
    "sup.unit_code" => "单位编码", "Unit code";
    "sup.save" => "保存", "Save";
    "sup.bulletins" => "改革进展通报", "Progress bulletins";
    "sup.issue" => "生成通报", "Issue bulletin";
    "sup.rules" => "评分规则（满分100）：按时完成／工作质量／按时报送／问题整改 =", "Scoring (out of 100): on time / quality / reports / rectification =";
    "sup.deduction" => "问责扣分", "Deduction";
    "sup.no_results" => "尚未公布考核结果", "no results published yet";
    "sup.on_time" => "按时完成", "On time";
    "sup.quality" => "工作质量", "Quality";
    "sup.reports" => "按时报送", "Reports";
    "sup.rectify" => "问题整改", "Rectification";
    "sup.appeal" => "复核申请", "Appeal";
    "sup.decision" => "复核结论", "Decision";
    "sup.appeal_reason" => "对得分有异议，请写明理由", "Reason for the appeal";
    "sup.appeal_once" => "申请复核（限一次）", "Appeal (once)";
    "sup.quality_scores" => "工作质量评分", "Quality scores";
    "sup.note" => "说明", "Note";
    "sup.publish" => "计算并公布考核结果", "Score, rank and publish";
    "bul.total" => "共有任务", "tasks";
    "bul.completed_total" => "已完成", "completed";
    "bul.on_track" => "按计划推进", "on track";
    "bul.behind" => "进度滞后", "behind";
    "bul.overdue" => "逾期未完成", "overdue";
    "bul.cases" => "待协调事项", "open coordination cases";
    "bul.completed_in_period" => "本期完成", "Completed in the period";
    "bul.overdue_list" => "逾期未完成", "Overdue";
    "bul.units_named" => "逾期任务涉及单位：", "Units with overdue tasks:";
    "bul.behind_list" => "进度滞后", "Behind";
    "inno.portal" => "基层首创与典型经验", "Grassroots innovations";
    "inno.published" => "已发布", "published";
    "inno.rejected" => "未采用", "declined";
    "inno.submitted" => "待审核", "in review";
    "inno.note" => "审核意见（不采用时必填）", "Review note (required to decline)";
    "inno.publish" => "发布到门户", "Publish on the portal";
    "inno.reject" => "不予采用", "Decline";
    "inno.submit_title" => "报送本单位经验", "Submit your unit's experience";
    "inno.title" => "标题", "Title";
    "inno.summary" => "摘要", "Summary";
    "inno.body" => "正文", "Text";
    "inno.submit" => "报送", "Submit";
    "inno.title_page" => "基层首创", "Grassroots innovations";
    "inno.portal_note" => "各部门、街镇在深化改革中的首创做法和典型经验，经区委改革办审核发布。", "First-of-a-kind practices of the district's units, reviewed and published by the reform office.";
    "inno.none" => "暂无发布的经验", "nothing published yet";
    "inno.back" => "← 基层首创与典型经验", "← Grassroots innovations";
    "review.saved" => "已保存", "Saved";
    "review.inspected" => "监督检查已记录，问题已交办", "Inspection recorded; findings sent to the units";
    "review.published" => "考核结果已公布", "Results published";
    "review.appealed" => "复核申请已提交", "Appeal submitted";
    "review.issued" => "通报已生成", "Bulletin issued";
    "review.submitted" => "已报送，待改革办审核", "Submitted for review";
    "inbox.part" => "本单位分工：", "Your part:";
    "inbox.findings" => "督查发现问题整改", "Findings to rectify";
    "inbox.rectify" => "报送整改情况", "Report rectification";
    "inbox.assessments" => "考核结果", "Assessment results";
    "finding_rectified" => "已报送整改情况", "the rectification has been reported";
    "finding_not_reported" => "该问题尚未报送整改情况或已核验", "no rectification to verify";
    "assessment_not_published" => "考核结果尚未公布", "the results are not published yet";
    "appeal_late" => "复核申请应在收到考核结果之日起 {0} 日内提出，已超过期限", "an appeal must be made within {0} days of the result";
    "appeal_recusal" => "作出考核结论的人员应当回避，请由其他改革办人员作出复核决定", "whoever published the result stands aside; another officer decides the appeal";
    "sup.decision_due" => "复核决定期限", "decide by";
    "appeal_used" => "复核申请限一次，已申请过", "the one appeal has been used";
    "appeal_not_open" => "该单位没有待处理的复核申请", "that unit has no open appeal";
    "innovation_reviewed" => "该经验材料已审核", "that innovation has been reviewed";
    "plan.back_board" => "← 督查看板", "← Board";
    "plan.back_plan" => "← 返回方案", "← Back to the plan";
    "plan.report" => "征求意见采纳情况", "Consultation report";
    "plan.version" => "第 {0} 版", "version {0}";
    "plan.status_draft" => "草拟中", "Draft";
    "plan.status_consultation" => "征求意见中", "In consultation";
    "plan.status_reviewed" => "已会议审议", "Reviewed at a meeting";
    "plan.status_submitted" => "报审定中", "Submitted for approval";
    "plan.status_approved" => "已审定印发", "Approved and published";
    "plan.steps" => "办理", "Next steps";
    "plan.edit_text" => "编辑方案文本", "Edit the text";
    "plan.text_note" => "“一、……”开头的行为部分标题；以编号开头的行为条款（如“3 ……”“3.2 ……”）；其他行接续上一条款。", "Lines like “一、…” open a part; lines starting with a number (“3 …”, “3.2 …”) are clauses; other lines continue the clause before.";
    "plan.save_text" => "保存文本", "Save text";
    "plan.consult_units" => "征求意见单位", "Units to consult";
    "plan.consult_due" => "反馈截止", "Reply by";
    "plan.send" => "印发征求意见", "Send for consultation";
    "plan.record_meeting" => "会议审议通过", "Record the meeting";
    "plan.meeting_record" => "会议纪要（审议意见）", "Meeting record";
    "plan.submit" => "报审定", "Submit for approval";
    "plan.approve" => "审定印发", "Approve and publish";
    "plan.send_back" => "退回修改", "Send back";
    "plan.send_back_reason" => "退回理由", "Reason for sending back";
    "plan.revise" => "启动修订", "Start a revision";
    "plan.consultation" => "征求意见情况", "Consultation";
    "plan.round" => "第 {0} 轮", "round {0}";
    "plan.reply" => "反馈", "Reply";
    "plan.comments" => "意见", "Comments";
    "plan.no_comment" => "无意见", "No comment";
    "plan.replied" => "已反馈", "Replied";
    "plan.awaited" => "待反馈", "Awaited";
    "plan.changes" => "较上一版的修改", "Changes since the last published version";
    "plan.added" => "新增", "added";
    "plan.removed" => "删除", "removed";
    "plan.reply_title" => "反馈本单位意见", "Your unit's comments";
    "plan.reply_note" => "在相关条款下填写意见；无意见请点“无意见”。一次反馈，截止日期：", "Write comments under the clauses concerned, or choose No comment. One reply; due";
    "plan.reply_send" => "提交意见", "Send comments";
    "plan.history" => "方案办理过程", "History";
    "plan.attachment" => "附件", "attachment";
    "plan.no_text" => "方案尚无正文", "the plan has no text yet";
    "plan.tasks_from" => "分解任务：", "Tasks:";
    "plan.disposition" => "处理意见", "Disposition";
    "plan.adopted" => "采纳", "Adopted";
    "plan.partly" => "部分采纳", "Partly adopted";
    "plan.rejected" => "不采纳", "Not adopted";
    "plan.reason" => "理由（部分采纳、不采纳时必填）", "Reason (required unless adopted)";
    "plan.dispose" => "保存", "Save";
    "plan.comment_placeholder" => "对本条的意见（可不填）", "Comment on this clause (optional)";
    "plan.comment_on" => "对条款", "Comment on clause";
    "plan.print" => "打印", "Print";
    "plan.report_units" => "征求意见单位", "Units consulted:";
    "plan.report_replied" => "已反馈", "replied:";
    "plan.report_silent" => "未反馈：", "not replied: ";
    "plan.report_comments" => "收到意见", "Comments received:";
    "plan.undisposed" => "未处理", "not disposed of";
    "plan.clause" => "条款", "Clause";
    "plan.saved" => "方案文本已保存", "Text saved";
    "plan.sent" => "已印发征求意见", "Sent for consultation";
    "plan.reply_sent" => "意见已反馈", "Reply sent";
    "plan.disposed" => "处理意见已保存", "Disposition saved";
    "plan.stepped" => "已办理", "Done";
    "plan.open" => "方案文本与征求意见", "Plan text and consultation";
    "inbox.title" => "本单位改革任务", "My unit's reform work";
    "inbox.notices" => "督办通知", "Notices";
    "inbox.to_answer" => "件待书面回复", "to answer";
    "inbox.no_notices" => "暂无督办通知", "no notices";
    "inbox.consultations" => "征求意见", "Consultations";
    "inbox.parts" => "待确认分工", "Parts to accept";
    "inbox.accept_by" => "确认期限", "accept by";
    "inbox.accept" => "确认承担", "Accept";
    "inbox.dispute" => "提出异议", "Dispute";
    "inbox.dispute_reason" => "异议理由（如：不属于我单位职责）", "Reason (e.g. not our responsibility)";
    "inbox.tasks" => "本单位牵头任务", "Tasks my unit leads";
    "inbox.no_tasks" => "本单位暂无牵头任务", "no tasks led by your unit";
    "inbox.report" => "报送进展", "Report progress";
    "inbox.percent" => "完成进度（%）", "Progress (%)";
    "inbox.done" => "本期完成情况", "Done this period";
    "inbox.problems" => "存在问题", "Problems";
    "inbox.evidence" => "佐证材料", "Evidence files";
    "inbox.claim" => "申报完成（须附佐证材料）", "Claim completion (evidence required)";
    "inbox.send_report" => "报送", "Send report";
    "inbox.response" => "书面说明", "Written response";
    "inbox.response_late" => "已逾期", "late";
    "inbox.response_due" => "回复期限", "due";
    "inbox.respond" => "提交书面说明", "Send response";
    "inbox.responded" => "已回复：", "Answered:";
    "inbox.accepted" => "已确认", "Answer recorded";
    "inbox.reported" => "进展已报送", "Report sent";
    "inbox.responded_msg" => "书面说明已提交", "Response sent";
    "inbox.swept" => "督查扫描已完成", "Supervision sweep done";
    "inbox.sweep" => "立即督查扫描", "Run the supervision sweep";
    "inbox.open" => "本单位改革任务", "My unit's reform work";
    "inbox.all_notices" => "督办通知", "Notices";
    "inbox.demo_clock" => "演示时钟", "Demo clock";
    "inbox.demo_clock_note" => "演示区可让时间前进，以展示到期、逾期与催办；前进后需重新登录。已前进天数：", "The demo district's clock can move forward to show deadlines passing; sign in again afterwards. Days moved:";
    "inbox.advance" => "时间前进", "Move forward";
    "inbox.days" => "天数", "Days";
    "notice.reminder" => "提醒", "Reminder";
    "notice.urge" => "催办", "Urge";
    "notice.supervise" => "督办通报", "Supervision notice";
    "notice.report_chase" => "催报", "Report chase";
    "notice.consultation_chase" => "催复", "Reply chase";
    "plan_not_draft" => "只有草拟中的方案可以修改文本", "only a draft plan's text can be edited";
    "plan_changed" => "方案已被他人更新，请刷新后重试", "the plan changed meanwhile; reload and try again";
    "plan_not_in_consultation" => "方案不在征求意见阶段", "the plan is not in consultation";
    "plan_step_not_allowed" => "当前不能办理：{0}", "that step is not allowed now: {0}";
    "plan_no_clauses" => "方案尚无正文，不能征求意见", "the plan has no text to consult on";
    "plan_no_units" => "请选择征求意见单位", "choose the units to consult";
    "plan_comments_open" => "尚有 {0} 条意见未处理", "{0} comments are not disposed of";
    "plan_replies_awaited" => "尚有 {0} 个单位未反馈且未到截止日期", "{0} units have not replied and their date has not passed";
    "disposition_reason_required" => "部分采纳或不采纳须说明理由", "a partial adoption or a rejection needs a reason";
    "plan_clause_duplicate" => "条款编号“{0}”重复", "clause number {0} is used twice";
    "plan_clause_empty" => "每条条款须有编号和正文（无法识别的首行）", "every clause needs a number and a text";
    "not_consulted" => "本单位不在本轮征求意见范围内", "your unit was not consulted in this round";
    "already_replied" => "本单位已反馈意见", "your unit has already replied";
    "reply_contradictory" => "选择“无意见”时不能同时填写意见", "no comment was chosen, yet comments were written";
    "reply_empty" => "请填写意见，或选择“无意见”", "write a comment, or choose no comment";
    "notice_no_response" => "该通知无需书面回复", "that notice needs no response";
    "notice_answered" => "该通知已回复", "that notice has been answered";
    "demo_only" => "仅演示区可调整时钟", "only the demo district's clock can be moved";
    "nav.guide" => "办事指南", "Service guides";
    "form.filter" => "筛选", "Filter";
    "import_file_invalid" => "上传的文件无法读取：{0}", "the uploaded file cannot be read: {0}";
    "import_refused" => "导入未执行：文件中有 {0} 处问题，请修改后重新上传", "nothing was imported: the file has {0} problems; fix them and upload again";
    "catalog.title" => "事项清单管理", "Catalogue management";
    "catalog.phrases" => "常用说法", "Everyday phrases";
    "catalog.parent_item" => "所属事项：", "Part of:";
    "catalog.sub_items" => "具体办理项（请选择与您情况相符的一项）", "Choose the item that fits your case";
    "catalog.phrases_note" => "群众搜索这些说法时，本事项排在最前", "people searching for these phrases find this matter first";
    "catalog.phrase_placeholder" => "如：开饭店", "e.g. open a restaurant";
    "catalog.add_phrase" => "添加说法", "Add phrase";
    "catalog.remove" => "删除", "Remove";
    "catalog.portal_title" => "办事指南", "Service guides";
    "catalog.search" => "搜索", "Search";
    "catalog.search_placeholder" => "想办什么事？如：开饭店、营业执照、yyzz", "What do you need to do? e.g. open a restaurant, business licence, yyzz";
    "catalog.department" => "实施部门", "Department";
    "catalog.any_department" => "全部部门", "All departments";
    "catalog.kind" => "事项类型", "Kind";
    "catalog.any_kind" => "全部类型", "All kinds";
    "catalog.fully_online" => "全程网办", "Fully online";
    "catalog.at_most_one_trip" => "最多跑一次", "At most one trip";
    "catalog.results" => "找到 {0} 个事项", "{0} matters found";
    "catalog.no_results" => "没有找到相关事项，换个说法试试", "nothing found; try other words";
    "catalog.trips_n" => "跑动 {0} 次", "{0} trips";
    "catalog.by_audience" => "按服务对象", "By audience";
    "catalog.person" => "个人办事", "For individuals";
    "catalog.legal_person" => "法人办事", "For organisations";
    "catalog.by_event" => "按生活事件（一件事）", "By life event";
    "catalog.by_department" => "按部门", "By department";
    "catalog.by_kind" => "按事项类型", "By kind";
    "catalog.guide" => "办事指南", "Service guide";
    "catalog.version_n" => "第 {0} 版", "version {0}";
    "catalog.print" => "打印", "Print";
    "catalog.level" => "行使层级", "Level";
    "catalog.body_nature" => "实施主体性质", "Implementing body";
    "catalog.audience" => "服务对象", "Audience";
    "catalog.legal_basis" => "设定依据", "Legal basis";
    "catalog.conditions" => "受理条件", "Acceptance conditions";
    "catalog.time_limits" => "办结时限", "Time limits";
    "catalog.statutory_days" => "法定 {0} 个工作日", "statutory {0} working days";
    "catalog.promised_days" => "承诺 {0} 个工作日", "promised {0} working days";
    "catalog.on_the_spot" => "即来即办", "on the spot";
    "catalog.fee" => "收费", "Fee";
    "catalog.free" => "不收费", "free of charge";
    "catalog.trips" => "到办事现场次数", "Trips";
    "catalog.online_depth" => "网上办理深度", "Online depth";
    "catalog.handling_forms" => "办理形式", "Ways to apply";
    "catalog.place" => "办理地点", "Place";
    "catalog.hours" => "办理时间", "Hours";
    "catalog.special" => "特别程序", "Special procedures";
    "catalog.special_note" => "（所需时间不计入办结时限）", "(time spent is outside the limit)";
    "catalog.result" => "审批结果", "Result";
    "catalog.phones" => "咨询与投诉", "Enquiries and complaints";
    "catalog.consult" => "咨询电话", "Enquiries";
    "catalog.complaint" => "监督投诉电话", "Complaints";
    "catalog.materials" => "申请材料", "Materials";
    "catalog.no_materials" => "无需提交材料", "no materials needed";
    "catalog.material" => "材料名称", "Material";
    "catalog.form" => "材料形式", "Form";
    "catalog.copies" => "份数", "Copies";
    "catalog.necessity" => "必要性", "Necessity";
    "catalog.source" => "来源渠道", "Source";
    "catalog.condition" => "条件说明", "Condition";
    "catalog.no_need_to_bring" => "政府部门共享获取，无需提交", "shared by government, no need to bring";
    "catalog.back" => "返回办事指南", "Back to the service guides";
    "catalog.yes" => "是", "yes";
    "catalog.no" => "否", "no";
    "catalog.review_queue" => "待我审核", "Waiting for my review";
    "catalog.new" => "新增事项", "New matter";
    "catalog.import" => "导入清单", "Import";
    "catalog.export_xlsx" => "导出 Excel", "Export xlsx";
    "catalog.handovers" => "下放承接", "Delegation handovers";
    "catalog.reports" => "统计报表", "Reports";
    "catalog.name_or_code" => "名称或编码", "Name or code";
    "catalog.code" => "事项编码", "Code";
    "catalog.in_force" => "现行版本", "In force";
    "catalog.not_in_force" => "未发布", "not published";
    "catalog.public_guide" => "现行第 {0} 版（查看公开办事指南）", "version {0} in force (see the public guide)";
    "catalog.edit" => "编辑草稿", "Edit draft";
    "catalog.versions" => "版本记录", "Versions";
    "catalog.version" => "版本", "Version";
    "catalog.note" => "变更说明", "Change note";
    "catalog.drafted_at" => "编制时间", "Drafted";
    "catalog.effective" => "生效日期", "Effective";
    "catalog.submit" => "提交审核", "Send for review";
    "catalog.comment" => "审核意见", "Comment";
    "catalog.approve" => "审核通过并发布", "Approve and publish";
    "catalog.reject" => "退回", "Send back";
    "catalog.diff" => "版本比对", "Compare versions";
    "catalog.diff_between" => "第 {0} 版 → 第 {1} 版", "version {0} → version {1}";
    "catalog.from" => "从", "From";
    "catalog.to" => "到", "To";
    "catalog.compare" => "比对", "Compare";
    "catalog.no_diff" => "两个版本没有差异", "no differences";
    "catalog.field" => "要素", "Field";
    "catalog.before" => "修改前", "Before";
    "catalog.after" => "修改后", "After";
    "catalog.status_draft" => "草稿", "draft";
    "catalog.status_in_review" => "审核中", "in review";
    "catalog.status_published" => "已发布", "published";
    "catalog.status_rejected" => "已退回", "sent back";
    "catalog.status_superseded" => "已被替代", "superseded";
    "catalog.submitted" => "已提交审核", "sent for review";
    "catalog.published" => "已审核发布", "approved and published";
    "catalog.rejected" => "已退回修改", "sent back";
    "catalog.draft_saved" => "草稿已保存，确认无误后请提交审核", "draft saved; send it for review when ready";
    "catalog.saved" => "已保存", "saved";
    "catalog.switched_done" => "已完成承接，事项已切换至承接单位", "handed over: the matter now sits with the receiving unit";
    "catalog.fix_problems" => "请修改以下问题后再保存：", "fix these problems before saving:";
    "catalog.identity" => "基本信息", "Identity";
    "catalog.parent" => "上级事项编码", "Parent code";
    "catalog.tier" => "事项层级", "Tier";
    "catalog.basis_and_conditions" => "依据与条件", "Basis and conditions";
    "catalog.one_per_line" => "每行一条", "one per line";
    "catalog.time_and_fee" => "时限与收费", "Time limits and fees";
    "catalog.case_type" => "办件类型", "Case type";
    "catalog.statutory" => "法定办结时限（工作日）", "Statutory limit (working days)";
    "catalog.promised" => "承诺办结时限（工作日，即办件不填）", "Promised limit (working days; blank on the spot)";
    "catalog.fee_standard" => "收费标准", "Fee standard";
    "catalog.fee_basis" => "收费依据", "Fee basis";
    "catalog.how_to_apply" => "办理方式", "How to apply";
    "catalog.process" => "办理流程（流程标识）", "Process (key)";
    "catalog.trips_reason" => "必须现场办理原因", "Why in person";
    "catalog.life_events" => "生活事件", "Life events";
    "catalog.disposition" => "改革处置", "Reform disposition";
    "catalog.disposition_note" => "处置说明", "Disposition note";
    "catalog.delegate_to" => "下放至", "Delegated to";
    "catalog.change_note" => "变更说明", "Change note";
    "catalog.save_draft" => "保存草稿", "Save draft";
    "catalog.handover_note" => "下放事项须由承接单位逐项确认准备就绪后方可切换，目前待承接 {0} 项", "a delegated matter switches only when the receiving unit confirms it is ready; {0} awaiting handover";
    "catalog.matter" => "事项", "Matter";
    "catalog.from_unit" => "下放单位", "From";
    "catalog.to_unit" => "承接单位", "To";
    "catalog.days_waiting" => "等待天数", "Days waiting";
    "catalog.checklist" => "承接条件", "Checklist";
    "catalog.awaiting_handover" => "待承接", "awaiting handover";
    "catalog.switched" => "已承接", "handed over";
    "catalog.save" => "保存", "Save";
    "catalog.switch_over" => "确认承接", "Take over";
    "catalog.items_open" => "项未确认", "items open";
    "catalog.report_by_kind" => "事项类型分部门统计", "Matters by kind and department";
    "catalog.report_by_disposition" => "改革处置情况统计", "Matters by reform disposition";
    "catalog.report_service_depth" => "全程网办与最多跑一次情况", "Fully online and at most one trip";
    "catalog.report_compression" => "承诺时限压缩情况", "Promised against statutory time limits";
    "catalog.import_done" => "导入完成：共 {0} 个事项，新增 {1} 个，新版本 {2} 个（已提交审核），无变化 {3} 个", "imported {0} matters: {1} new, {2} new versions (sent for review), {3} unchanged";
    "catalog.import_refused" => "导入未执行：文件中有 {0} 处问题，未写入任何数据。请按下表修改后重新上传。", "nothing was imported: the file has {0} problems. Fix them and upload again.";
    "catalog.sheet" => "工作表", "Sheet";
    "catalog.row" => "行", "Row";
    "catalog.column" => "列", "Column";
    "catalog.reason" => "原因", "Reason";
    "catalog.import_note" => "上传 Excel（工作表“事项”和“材料”）或 CSV（事项表，材料表另选）。先整体校验，有任何问题则不写入；变更的事项生成新版本并提交审核。", "Upload xlsx (sheets 事项 and 材料) or CSV (matters; materials as a second file). Everything is checked first and nothing is written on any problem; changed matters get a new version in review.";
    "catalog.import_file" => "清单文件（.xlsx 或事项 .csv）", "Catalogue file (.xlsx or matters .csv)";
    "catalog.import_materials" => "材料表（仅 CSV 时）", "Materials (.csv, with a CSV file only)";
    "catalog.import_start" => "上传并校验", "Upload and check";
    "catalog.template_note" => "表头须与模板一致，可先导出现行清单作为模板：", "Headers must match the template; export the current catalogue to start from:";
    "perm.catalog.draft" => "编制事项与确认承接", "Draft matters and confirm handovers";
    "perm.reform.manage" => "管理改革方案与任务", "Manage reform plans and tasks";
    "task_dependency_cycle" => "{0}", "{0}";
    "task_dependency_open" => "{0}", "{0}";
    "task_code_taken" => "任务编号已被使用", "the task number is taken";
    "task_completed" => "任务已完成，不能再报送进展", "the task is completed; no more reports";
    "task_changed" => "任务已被他人更新，请刷新后重试", "the task changed meanwhile; reload and try again";
    "task_not_claimed" => "该任务未申报完成", "that task has not been claimed complete";
    "part_already_answered" => "本单位已确认或已提出异议", "your unit has already answered";
    "case_resolved" => "该协调事项已处理", "that coordination case is settled";
    "unit_has_part" => "该单位已承担此任务的其他部分", "that unit already has a part of this task";
    "perm.catalog.review" => "审核发布事项", "Review and publish matters";
    "matter_invalid" => "事项内容不符合要求：{0}", "the matter is not valid: {0}";
    "matter_code_taken" => "事项编码已被使用", "the matter code is taken";
    "matter_in_review" => "该事项有正在审核的版本，请先审核", "the matter has a version in review; decide it first";
    "matter_not_draft" => "只有草稿可以提交审核", "only a draft can be sent for review";
    "matter_not_in_review" => "该版本不在审核中", "that version is not in review";
    "review_own_draft" => "不能审核本人编制的版本", "you cannot review a version you drafted";
    "review_comment_required" => "退回时请填写意见", "give a reason when sending a version back";
    "handover_not_ready" => "承接条件未全部确认：{0}", "the handover checklist is not complete: {0}";
    "handover_closed" => "该下放事项已完成承接或已撤回", "that handover is already closed";
    "handover.staff_named" => "明确承办人员", "staff named";
    "handover.staff_trained" => "人员完成培训", "staff trained";
    "handover.process_bound" => "办理流程已配置", "process bound";
    "handover.guide_published" => "办事指南和材料已公布", "guide and materials published";
    "handover.supervisor" => "明确监管单位", "supervising unit assigned";
    "catalog.code_missing" => "缺少事项编码", "the matter code is missing";
    "catalog.code_too_long" => "事项编码不能超过 50 个字符", "the matter code is longer than 50 characters";
    "catalog.code_characters" => "事项编码只能包含字母、数字、“-”“_”“.”", "the matter code may hold letters, digits, '-', '_' and '.' only";
    "catalog.code_duplicate" => "事项编码重复（与第 {0} 行相同）", "duplicate matter code (same as line {0})";
    "catalog.name_missing" => "缺少事项名称", "the name is missing";
    "catalog.name_too_long" => "事项名称不能超过 200 个字", "the name is longer than 200 characters";
    "catalog.cell_invalid_chars" => "含有控制字符或文字方向控制字符", "holds control or text-direction characters";
    "catalog.cell_too_long" => "内容过长", "is too long";
    "catalog.name_invalid_chars" => "事项名称不能含换行、控制字符或文字方向控制字符", "the name may not hold line breaks, control or text-direction characters";
    "catalog.audiences_missing" => "缺少服务对象", "the audience is missing";
    "catalog.legal_basis_missing" => "缺少设定依据", "the legal basis is missing";
    "catalog.conditions_missing" => "依申请事项须写明受理条件", "a matter on application needs its acceptance conditions";
    "catalog.instant_has_promised_days" => "即办件不应填写承诺办结时限", "an on-the-spot matter has no promised time limit";
    "catalog.promised_days_missing" => "承诺件须填写承诺办结时限", "a promised matter needs its promised time limit";
    "catalog.promised_days_zero" => "承诺办结时限应至少 1 个工作日", "the promised time limit must be at least one working day";
    "catalog.promised_exceeds_statutory" => "承诺办结时限不能超过法定办结时限", "the promised time limit exceeds the statutory one";
    "catalog.statutory_days_missing" => "承诺件须填写法定办结时限", "a promised matter needs its statutory time limit";
    "catalog.fully_online_depth_mismatch" => "“是否全程网办”与网上办理深度不一致（全程网办即Ⅳ级）", "fully online must match online depth level IV";
    "catalog.fully_online_needs_zero_trips" => "全程网办事项的到办事现场次数应为 0", "a fully online matter needs zero trips";
    "catalog.fully_online_needs_desktop" => "全程网办事项的办理形式须包含电脑端网上办理", "a fully online matter must be offered online";
    "catalog.trips_reason_missing" => "到办事现场次数大于 0 时须说明必须现场办理的原因", "trips above zero need the reason for coming in person";
    "catalog.trips_reason_without_trips" => "无需到现场时不应填写现场办理原因", "no reason for coming in person when no trip is needed";
    "catalog.handling_forms_missing" => "缺少办理形式", "the handling forms are missing";
    "catalog.zero_trips_needs_remote_channel" => "零跑动事项的办理形式须包含网上办理或快递申请", "a zero-trip matter needs an online or postal channel";
    "catalog.fee_standard_missing" => "收费事项须填写收费标准", "a charged matter needs its fee standard";
    "catalog.fee_basis_missing" => "收费事项须填写收费依据", "a charged matter needs the basis of its fee";
    "catalog.fee_without_charge" => "不收费事项不应填写收费标准或依据", "a free matter has no fee standard or basis";
    "catalog.consult_phone_missing" => "缺少咨询电话", "the consultation phone is missing";
    "catalog.complaint_phone_missing" => "缺少监督投诉电话", "the complaint phone is missing";
    "catalog.complaint_phone_same_as_consult" => "监督投诉电话不能与咨询电话相同", "the complaint phone must differ from the consultation phone";
    "catalog.place_missing" => "缺少办理地点", "the place is missing";
    "catalog.hours_missing" => "缺少办理时间", "the opening hours are missing";
    "catalog.delegate_to_missing" => "下放事项须写明承接单位", "a delegation needs its receiving unit";
    "catalog.delegate_to_without_delegation" => "只有下放事项才填写“下放至”", "only a delegation names a receiving unit";
    "catalog.delegate_to_unknown" => "承接单位编码不存在", "unknown receiving unit";
    "catalog.disposition_note_missing" => "取消、简化、告知承诺制须填写处置说明", "cancel, simplify and commitment need their note";
    "catalog.material_name_missing" => "缺少材料名称", "a material has no name";
    "catalog.material_duplicate" => "同一事项的材料名称重复", "a material is listed twice";
    "catalog.material_copies_zero" => "材料份数应至少为 1", "a material needs at least one copy";
    "catalog.material_condition_missing" => "条件必要的材料须写明条件", "a conditional material needs its condition";
    "catalog.material_file_unknown" => "材料所附文件不存在，请先上传", "a material's attached file does not exist; upload it first";
    "catalog.material_file_without_flag" => "附有空白表格或示例样表文件的材料，须标明“有”", "a material with an attached form or sample must say it has one";
    "catalog.form_downloads" => "表格下载", "Forms";
    "catalog.blank_form" => "空白表格", "blank form";
    "catalog.sample" => "示例样表", "sample";
    "catalog.file_hash" => "文件编号", "file number";
    "catalog.upload_blank" => "上传空白表格", "upload the blank form";
    "catalog.upload_sample" => "上传示例样表", "upload the sample";
    "catalog.material_matter_unknown" => "材料所属事项编码不在事项表中", "the material's matter code is not in the matters sheet";
    "catalog.department_unknown" => "实施部门编码不存在", "unknown department code";
    "catalog.parent_unknown" => "上级事项编码不存在", "unknown parent matter code";
    "catalog.parent_missing" => "子项和业务办理项须填写上级事项编码", "a sub-item needs its parent";
    "catalog.parent_is_self" => "上级事项不能是本事项", "a matter cannot be its own parent";
    "catalog.tier_does_not_fit_parent" => "事项层级与上级事项不符（主项→子项→业务办理项）", "the tier does not fit the parent (main → sub → item)";
    "catalog.process_unknown" => "流程定义不存在或未发布", "the process definition does not exist or is not published";
    "catalog.cell_required" => "必填", "required";
    "catalog.not_a_number" => "应为非负整数", "must be a whole number of zero or more";
    "catalog.unknown_value" => "取值不在规定范围内", "not one of the allowed values";
    "catalog.column_missing" => "缺少该列（表头须与模板一致）", "the column is missing (headers must match the template)";
    "catalog.kind_unknown" => "事项类型不在国家标准（GB/T 39046 表 A.1）中，也不在本区的事项类型字典中", "the matter kind is neither in table A.1 of GB/T 39046 nor in the district's dictionary of matter kinds";
    "matter_kind_code_invalid" => "事项类型编码“{0}”无效：本区自定义的事项类型编码须为 11–19 或 21–99 的两位数字（01–10、20 为国家标准表 A.1 的编码）", "matter kind code {0} is invalid: the district's own kinds take two-digit codes 11–19 or 21–99 (01–10 and 20 are those of table A.1)";
    "matter_kind_label_taken" => "事项类型名称“{0}”已被使用：每个事项类型的名称须唯一，且不能与国家标准表 A.1 的名称相同", "matter kind name {0} is taken: each kind needs a name of its own, different from those of table A.1";
    "matter_kind.01" => "行政许可", "administrative licensing";
    "matter_kind.02" => "行政处罚", "administrative penalty";
    "matter_kind.03" => "行政强制", "administrative coercion";
    "matter_kind.04" => "行政征收", "administrative levy";
    "matter_kind.05" => "行政给付", "administrative payment";
    "matter_kind.06" => "行政检查", "administrative inspection";
    "matter_kind.07" => "行政确认", "administrative confirmation";
    "matter_kind.08" => "行政奖励", "administrative award";
    "matter_kind.09" => "行政裁决", "administrative adjudication";
    "matter_kind.10" => "其他行政权力", "other administrative power";
    "matter_kind.20" => "公共服务", "public service";
    "list.separator" => "、", ", ";
    "case_type.1" => "即办件", "on the spot";
    "case_type.2" => "承诺件", "promised";
    "case_type.9" => "其他", "other";
    "special_procedure.hearing" => "听证", "hearing";
    "special_procedure.bidding" => "招标", "bidding";
    "special_procedure.auction" => "拍卖", "auction";
    "special_procedure.inspection" => "检验", "inspection";
    "special_procedure.testing" => "检测", "testing";
    "special_procedure.quarantine" => "检疫", "quarantine";
    "special_procedure.appraisal" => "鉴定", "appraisal";
    "special_procedure.expert_review" => "专家评审", "expert review";
    "catalog.matter_in_review" => "该事项有正在审核的版本，导入前请先审核", "the matter has a version in review; decide it before importing";
    "perm.department.read" => "查看部门", "View departments";
    "perm.department.write" => "维护部门", "Maintain departments";
    "perm.user.read" => "查看用户", "View users";
    "perm.user.write" => "维护用户", "Maintain users";
    "perm.user.unlock" => "解锁账号", "Unlock accounts";
    "perm.role.read" => "查看角色", "View roles";
    "perm.role.assign" => "分配角色", "Assign roles";
    "perm.audit.read" => "查阅审计日志", "Read the audit log";
    "perm.login_log.read" => "查阅登录日志", "Read the login log";
    "perm.dictionary.write" => "维护数据字典", "Maintain dictionaries";
    "perm.calendar.write" => "维护工作日历", "Maintain the working-day calendar";
    "perm.job.read" => "查看后台任务", "View background jobs";
    "perm.pii.unmask" => "查看完整个人信息", "View personal data in full";
    "perm.file.upload" => "上传文件", "Upload files";
    "perm.applicant.self" => "申请人自助服务", "Applicant self-service";
}

/// Why a task has its light, in the language of the page.
pub fn light_reason(lang: Lang, r: &fgf_domain::reform::LightReason) -> String {
    use fgf_domain::reform::LightReason as R;
    let fill = |key: &str, args: &[String]| {
        args.iter()
            .enumerate()
            .fold(t(lang, key).to_owned(), |s, (i, a)| {
                s.replace(&format!("{{{i}}}"), a)
            })
    };
    match r {
        R::Overdue { days } => fill("reason.overdue", &[days.to_string()]),
        R::MilestoneMissed { date } => fill("reason.milestone", &[date.to_string()]),
        R::Behind {
            near,
            progress_pct,
            elapsed_workdays,
            planned_workdays,
        } => fill(
            "reason.behind",
            &[
                near.to_string(),
                progress_pct.to_string(),
                elapsed_workdays.to_string(),
                planned_workdays.to_string(),
            ],
        ),
        R::ReportMissing { due } => fill("reason.report", &[due.to_string()]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages_and_no_duplicates() {
        let mut seen = std::collections::BTreeSet::new();
        for key in KEYS {
            assert!(seen.insert(*key), "duplicate catalogue key {key}");
            assert_ne!(t(Lang::Zh, key), *key, "missing Chinese text for {key}");
            assert_ne!(t(Lang::En, key), *key, "missing English text for {key}");
        }
    }

    #[test]
    fn code_defined_labels_match_their_chinese_source() {
        for p in Permission::ALL {
            let key = format!("perm.{}", p.code());
            assert_eq!(lookup(Lang::Zh, &key), Some(p.label_zh()), "{key}");
            assert!(lookup(Lang::En, &key).is_some(), "{key}");
        }
        for s in DataScope::ALL_SCOPES {
            let key = format!("scope.{}", s.code());
            assert_eq!(lookup(Lang::Zh, &key), Some(s.label_zh()), "{key}");
            assert!(lookup(Lang::En, &key).is_some(), "{key}");
        }
        for (kind, label) in crate::org::DEPARTMENT_KINDS {
            assert_eq!(department_kind_label(Lang::Zh, kind), *label, "{kind}");
            assert_ne!(department_kind_label(Lang::En, kind), *kind, "{kind}");
        }
        assert_eq!(department_kind_label(Lang::En, "moon_base"), "moon_base");
        assert_eq!(
            scope_label(Lang::En, DataScope::DeptAndBelow),
            "Own department and below"
        );
    }
}
