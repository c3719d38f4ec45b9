"""Every user-visible string, in Simplified Chinese (default) and English.

``t("key", **params)`` returns the string in the current language. Keys that are missing
from the catalog are a bug: tests check that every key the code uses is present in both
languages.
"""

from __future__ import annotations

from typing import Any

__all__ = ["t", "set_language", "get_language", "CATALOG", "kind_label", "field_label", "column_label", "choice_label"]

_language = "zh"


def set_language(language: str) -> None:
    global _language
    _language = "en" if language == "en" else "zh"


def get_language() -> str:
    return _language


def t(key: str, /, **params: Any) -> str:  # positional-only: params may hold a "key"
    """The string for ``key`` in the current language, formatted with ``params``."""
    entry = CATALOG.get(key)
    if entry is None:
        return key
    text = entry[1] if _language == "en" else entry[0]
    return text.format(**params) if params else text


def kind_label(kind: str) -> str:
    return t(f"kind.{kind}")


def field_label(kind: str, field: str) -> str:
    return t(f"field.{kind}.{field}")


def column_label(kind: str, field: str) -> str:
    """A list column's header: a short form where the field label is too long for 80 columns."""
    key = f"col.{kind}.{field}"
    return t(key) if key in CATALOG else field_label(kind, field)


def choice_label(choice_set: str, code: str | None) -> str:
    return t(f"choice.{choice_set}.{code}") if code else ""


CATALOG: dict[str, tuple[str, str]] = {
    # -- application -------------------------------------------------------------------
    "app.title": ("乡镇法治政府建设台账", "Township rule-of-law records"),
    "app.subtitle": ("{name}（{code}）", "{name} ({code})"),
    "app.loading": ("正在打开数据……", "Opening the data…"),
    "app.started": ("启动用时 {ms} 毫秒", "Started in {ms} ms"),
    # -- record kinds -------------------------------------------------------------------
    "kind.meeting": ("会议", "Meetings"),
    "kind.staff": ("人员", "Staff"),
    "kind.delegated_item": ("下放执法事项", "Delegated powers"),
    "kind.training": ("培训指导", "Trainings"),
    "kind.hearing": ("旁听庭审", "Court hearings"),
    "kind.service_item": ("政务服务事项", "Service items"),
    "kind.annual_report": ("年度报告", "Annual reports"),
    # -- fields ---------------------------------------------------------------------------
    "field.meeting.kind": ("会议类型", "Kind"),
    "field.meeting.date": ("日期", "Date"),
    "field.meeting.title": ("会议名称", "Title"),
    "field.meeting.chair": ("主持人", "Chair"),
    "field.meeting.attendees": ("参会人员", "Attendees"),
    "field.meeting.minutes_no": ("纪要文号", "Minutes no."),
    "field.meeting.head_attendance": ("司法所所长列席", "Judicial head"),
    "field.meeting.head_absence_reason": ("未全程列席原因", "Reason not in full"),
    "field.meeting.notes": ("备注", "Notes"),
    "field.staff.name": ("姓名", "Name"),
    "field.staff.post": ("职务/岗位", "Post"),
    "field.staff.background": ("专业背景", "Background"),
    "field.staff.education": ("学历", "Education"),
    "field.staff.start_date": ("到岗日期", "Start date"),
    "field.staff.active": ("在岗", "Active"),
    "field.staff.rule_of_law": ("从事法治工作", "Rule-of-law work"),
    "field.staff.enforcement": ("执法人员", "Enforcement"),
    "field.staff.cert_no": ("执法证号", "Certificate no."),
    "field.staff.cert_issued": ("发证日期", "Certificate issued"),
    "field.staff.cert_expiry": ("证件有效期至", "Certificate expires"),
    "field.staff.notes": ("备注", "Notes"),
    "field.delegated_item.code": ("事项编码", "Code"),
    "field.delegated_item.name": ("事项名称", "Name"),
    "field.delegated_item.power_type": ("权力类型", "Power type"),
    "field.delegated_item.legal_basis": ("法律依据", "Legal basis"),
    "field.delegated_item.department": ("原实施部门", "Delegating dept."),
    "field.delegated_item.mode": ("下放方式", "Mode"),
    "field.delegated_item.delegated_on": ("下放日期", "Delegated on"),
    "field.delegated_item.status": ("承接状态", "Status"),
    "field.delegated_item.status_reason": ("暂缓/收回原因", "Reason (deferred/withdrawn)"),
    "field.delegated_item.staff": ("承接人员", "Staff assigned"),
    "field.delegated_item.notes": ("备注", "Notes"),
    "field.training.date": ("日期", "Date"),
    "field.training.title": ("培训内容", "Title"),
    "field.training.department": ("培训部门", "Department"),
    "field.training.form": ("形式", "Form"),
    "field.training.hours": ("学时", "Hours"),
    "field.training.items": ("涉及下放事项", "Items covered"),
    "field.training.staff": ("参训人员", "Staff attending"),
    "field.training.notes": ("备注", "Notes"),
    "field.hearing.staff_uuid": ("人员", "Person"),
    "field.hearing.date": ("日期", "Date"),
    "field.hearing.mode": ("方式", "Mode"),
    "field.hearing.court": ("法院", "Court"),
    "field.hearing.case_name": ("案件", "Case"),
    "field.hearing.notes": ("备注", "Notes"),
    "field.service_item.name": ("事项名称", "Name"),
    "field.service_item.guide_published": ("办事指南已公布", "Guide published"),
    "field.service_item.procedure_done": ("工作规程已制定", "Procedure written"),
    "field.service_item.handled_locally": ("在乡镇办理", "Handled locally"),
    "field.service_item.notes": ("备注", "Notes"),
    "field.annual_report.year": ("报告年度", "Year"),
    "field.annual_report.sent_on": ("报送上级日期", "Sent up on"),
    "field.annual_report.published_on": ("公开日期", "Published on"),
    "field.annual_report.published_where": ("公开渠道", "Published where"),
    "field.annual_report.notes": ("备注", "Notes"),
    # -- short list-column headers (only where the field label is too wide) ----------------
    "col.meeting.head_attendance": ("所长列席", "Head"),
    "col.staff.background": ("背景", "Background"),
    "col.staff.enforcement": ("执法", "Enf."),
    "col.staff.cert_expiry": ("证件到期", "Cert. expiry"),
    "col.delegated_item.power_type": ("类型", "Type"),
    "col.delegated_item.department": ("原部门", "Dept."),
    "col.delegated_item.status": ("状态", "Status"),
    "col.training.form": ("形式", "Form"),
    "col.service_item.guide_published": ("办事指南", "Guide"),
    "col.service_item.procedure_done": ("工作规程", "Procedure"),
    "col.service_item.handled_locally": ("乡镇办理", "Local"),
    "col.annual_report.sent_on": ("报送日期", "Sent"),
    "col.annual_report.published_on": ("公开日期", "Published"),
    # -- choices --------------------------------------------------------------------------
    "choice.meeting_kind.deploy": ("专题研究部署", "Dedicated rule-of-law"),
    "choice.meeting_kind.admin": ("行政会议", "Administrative"),
    "choice.meeting_kind.study": ("会前学法", "Law study"),
    "choice.meeting_kind.lecture": ("法治讲座", "Law lecture"),
    "choice.meeting_kind.forum": ("法治论坛/研讨", "Forum/seminar"),
    "choice.meeting_kind.other": ("其他", "Other"),
    "choice.attendance.full": ("全程", "In full"),
    "choice.attendance.partial": ("部分", "Partly"),
    "choice.attendance.absent": ("缺席", "Absent"),
    "choice.background.law_degree": ("法学专业", "Law degree"),
    "choice.background.law_work": ("法治工作经历", "Rule-of-law work"),
    "choice.background.other": ("其他", "Other"),
    "choice.power_type.penalty": ("行政处罚", "Penalty"),
    "choice.power_type.coercion": ("行政强制", "Coercion"),
    "choice.power_type.inspection": ("行政检查", "Inspection"),
    "choice.power_type.other": ("其他", "Other"),
    "choice.mode.empower": ("赋权", "Empower"),
    "choice.mode.entrust": ("委托", "Entrust"),
    "choice.item_status.taking": ("承接中", "Taking on"),
    "choice.item_status.taken": ("已承接", "Taken on"),
    "choice.item_status.deferred": ("暂缓", "Deferred"),
    "choice.item_status.withdrawn": ("收回", "Withdrawn"),
    "choice.training_form.central": ("集中培训", "Classroom"),
    "choice.training_form.onsite": ("实地指导", "On-site guidance"),
    "choice.training_form.joint": ("随队执法", "Joint enforcement"),
    "choice.training_form.online": ("线上", "Online"),
    "choice.hearing_mode.online": ("网络直播", "Online"),
    "choice.hearing_mode.onsite": ("现场旁听", "In person"),
    "bool.yes": ("是", "Yes"),
    "bool.no": ("否", "No"),
    # -- validation messages ----------------------------------------------------------------
    "err.required": ("必填，请填写", "Required: please fill in"),
    "err.too_long": ("太长了，最多 {max} 个字", "Too long: at most {max} characters"),
    "err.date_format": (
        "“{text}”不是日期。请按 2024-03-05、20240305、2024/3/5 或 2024年3月5日 填写",
        "“{text}” is not a date. Type 2024-03-05, 20240305, 2024/3/5 or 2024年3月5日",
    ),
    "err.date_impossible": ("“{text}”这一天不存在，请核对月份和日", "“{text}” does not exist: check the month and day"),
    "err.date_too_far": ("日期比今天晚 {days} 天以上，请核对年份", "More than {days} days in the future: check the year"),
    "err.date_in_future": ("日期不能晚于今天", "The date cannot be later than today"),
    "err.choice": ("请从列表中选择", "Pick one from the list"),
    "err.integer": ("请填写整数", "Type a whole number"),
    "err.number": ("请填写数字，如 2 或 1.5", "Type a number, e.g. 2 or 1.5"),
    "err.number_range": ("应在 {low} 到 {high} 之间", "Must be between {low} and {high}"),
    "err.ref_missing": ("所选人员已不存在，请重新选择", "The chosen record no longer exists: choose again"),
    "err.refs_missing": ("有 {count} 项已被删除，请重新选择", "{count} chosen records were deleted: choose again"),
    "err.attendance_required": ("行政会议须记录司法所所长列席情况", "Record the judicial office head's attendance"),
    "err.reason_required": ("请填写原因", "Give the reason"),
    "err.expiry_before_issue": ("有效期不能早于发证日期", "Expiry cannot be before the issue date"),
    "err.expiry_required": ("有执法证号时须填写有效期", "A certificate needs its expiry date"),
    "err.cert_no_required": ("填写了证件日期，请同时填写执法证号", "Dates given: fill in the certificate number too"),
    "err.duplicate_cert": ("执法证号 {value} 已登记在另一人名下", "Certificate {value} is already recorded for someone else"),
    "err.duplicate_code": ("事项编码 {value} 已存在", "Item code {value} already exists"),
    "err.duplicate_year": ("{value} 年的年度报告已登记", "The {value} report is already recorded"),
    "err.year_range": ("年度应在 {low} 到 {high} 之间", "The year must be between {low} and {high}"),
    "err.before_report_year": ("日期不能早于 {year} 年", "The date cannot be before {year}"),
    "err.form_has_errors": ("有 {count} 处需要修改，未保存", "{count} fields need fixing: nothing was saved"),
    # -- configuration and database ---------------------------------------------------------
    "err.config_value": ("配置项 {key} 的值不正确", "The config value {key} is not valid"),
    "err.config_unknown_key": ("配置中有未知项 {key}", "Unknown config key {key}"),
    "err.config_unreadable": ("无法读取配置文件 {path}：{reason}", "Cannot read the config file {path}: {reason}"),
    "err.config_syntax": ("配置文件 {path} 格式有误：{reason}", "The config file {path} is malformed: {reason}"),
    "err.db_generic": ("数据库出错：{path}（{detail}）", "Database error: {path} ({detail})"),
    "err.db_busy": (
        "数据文件正被另一个程序使用，请关闭另一个窗口后再试：{path}",
        "The data file is in use by another copy of the program; close it and try again: {path}",
    ),
    "err.db_too_new": (
        "数据文件由更新版本的程序创建，请升级本程序：{path}",
        "The data file was made by a newer version of the program; please upgrade: {path}",
    ),
    "err.db_corrupt": (
        "数据文件已损坏：{path}。可从备份文件夹恢复：{backups}",
        "The data file is damaged: {path}. Restore it from the backups folder: {backups}",
    ),
    "err.db_conflict": (
        "未保存：与已有记录冲突（可能另一个窗口刚保存了相同编号），请核对后再保存",
        "Not saved: it clashes with an existing record (another window may have just saved the same number)",
    ),
    "err.restore_duplicate": ("无法撤销：已有相同编号的记录", "Cannot undo: another record now has the same number"),
    "err.not_found": ("记录已不存在（可能已被删除）", "The record no longer exists (it may have been deleted)"),
    "err.township_code": (
        "区划代码应为 9 位数字（如 640302100），或以 000 结尾的 12 位",
        "The division code is 9 digits (e.g. 640302100), or 12 ending in 000",
    ),
    "err.township_name": ("请填写乡镇（街道）名称", "Type the township name"),
    # -- setup ----------------------------------------------------------------------------
    "setup.title": ("首次使用：请填写本乡镇（街道）信息", "First start: tell us your township"),
    "setup.intro": (
        "这些信息保存在本机，用于报送县里的数据包。以后可在配置文件中修改。",
        "Kept on this PC and used in the bundles sent to the county. You can change it later in the config file.",
    ),
    "setup.code": ("统计用区划代码（9 位）", "Statistical division code (9 digits)"),
    "setup.name": ("乡镇（街道）名称", "Township name"),
    "setup.operator": ("填报人姓名（可不填）", "Your name (optional)"),
    "setup.example": ("例：{example}", "e.g. {example}"),
    "setup.save": ("回车到下一项；填完按 Ctrl+S（或在最后一项按回车）保存并开始。", "Enter moves to the next field; Ctrl+S (or Enter on the last one) saves and starts."),
    # -- home -----------------------------------------------------------------------------
    "home.title": ("首页", "Home"),
    "home.records": ("台账", "Records"),
    "home.count": ("{count} 条", "{count}"),
    "home.hint": ("按数字键 1-7 打开对应台账，c 打开检查清单，Ctrl+Q 退出。", "Press 1-7 to open a record list, c for the checklist, Ctrl+Q to quit."),
    "home.tasks": ("对应任务", "Tasks"),
    # -- list -----------------------------------------------------------------------------
    "list.empty": ("还没有记录。按 n 新建。", "No records yet. Press n to add one."),
    "list.no_match": ("没有符合“{text}”的记录。按 Esc 清除筛选。", "Nothing matches “{text}”. Press Esc to clear the filter."),
    "list.filter": ("筛选（输入关键字，回车确认，Esc 清除）", "Filter (type words, Enter to keep, Esc to clear)"),
    "list.status": ("共 {total} 条", "{total} records"),
    "list.status_filtered": ("筛选“{text}”：{total} 条", "Filter “{text}”: {total} records"),
    "list.deleted": ("已删除：{label}。按 u 撤销。", "Deleted: {label}. Press u to undo."),
    "list.restored": ("已恢复：{label}", "Restored: {label}"),
    "list.nothing_to_undo": ("没有可撤销的删除", "Nothing to undo"),
    "list.confirm_delete": ("删除这条记录？\n{label}\n（可按 u 撤销）", "Delete this record?\n{label}\n(u undoes it)"),
    # -- form -----------------------------------------------------------------------------
    "form.new": ("新建{kind}", "New: {kind}"),
    "form.edit": ("修改{kind}", "Edit: {kind}"),
    "form.saved": ("已保存", "Saved"),
    "form.unchanged": ("没有修改", "Nothing changed"),
    "form.date_hint": ("如 2024-03-05", "e.g. 2024-03-05"),
    "form.pick": ("请选择", "Choose"),
    "form.pick_hint": ("空格选中/取消，输入文字查找", "Space ticks, type to search"),
    "form.confirm_leave": ("有未保存的修改，放弃并离开？", "There are unsaved changes. Leave without saving?"),
    "form.confirm_quit": ("有未保存的修改，放弃并退出？", "There are unsaved changes. Quit without saving?"),
    "form.none_available": ("（还没有可选的记录，请先录入{kind}）", "(nothing to choose yet: add {kind} first)"),
    # -- confirm dialog --------------------------------------------------------------------
    "confirm.yes": ("是（Y）", "Yes (Y)"),
    "confirm.no": ("否（N）", "No (N)"),
    # -- key descriptions (footer) ----------------------------------------------------------
    "key.quit": ("退出", "Quit"),
    "key.home": ("首页", "Home"),
    "key.open": ("打开", "Open"),
    "key.new": ("新建", "New"),
    "key.filter": ("筛选", "Filter"),
    "key.delete": ("删除", "Delete"),
    "key.undo": ("撤销", "Undo"),
    "key.back": ("返回", "Back"),
    "key.save": ("保存", "Save"),
    "key.kinds": ("台账", "Lists"),
    "key.yes": ("是", "Yes"),
    "key.no": ("否", "No"),
    # -- checklist -------------------------------------------------------------------------
    "status.met": ("达标", "met"),
    "status.not_met": ("未达标", "not met"),
    "status.at_risk": ("有风险", "at risk"),
    "status.not_applicable": ("不适用", "n/a"),
    "target.count": ("≥ {n} 次", "≥ {n}"),
    "target.percent": ("{n}%", "{n}%"),
    "target.all": ("全部", "all"),
    "target.deadline": ("{n} 项按期", "{n} on time"),
    "actual.none": ("无记录", "no records"),
    "actual.count": ("{n} 次", "{n}"),
    "actual.percent": ("{n}%（{passed}/{total}）", "{n}% ({passed}/{total})"),
    "actual.all": ("{passed}/{total}", "{passed}/{total}"),
    "actual.deadline": ("{n}/{total} 按期", "{n}/{total} on time"),
    "head.task": ("任务", "Task"),
    "head.rule": ("检查项", "Check"),
    "head.target": ("目标", "Target"),
    "head.actual": ("实际", "Actual"),
    "head.status": ("状态", "Status"),
    "report.title": ("{name}（{code}）{year} 年法治政府建设任务检查清单", "{name} ({code}) rule-of-law checklist {year}"),
    "report.as_of": ("检查日期：{date}", "As of {date}"),
    "report.summary": (
        "达标 {met} 项，未达标 {not_met} 项，有风险 {at_risk} 项，不适用 {not_applicable} 项",
        "{met} met, {not_met} not met, {at_risk} at risk, {not_applicable} not applicable",
    ),
    "report.figures": ("目标：{target}；实际：{actual}", "Target: {target}; actual: {actual}"),
    "report.breaking": ("未达标或有风险的{kind}（{count}）：", "{kind} that fall short or are at risk ({count}):"),
    "report.proving": ("达标依据的{kind}（{count}）：", "{kind} that prove it ({count}):"),
    "report.at_risk_mark": ("（即将到期）", " (lapsing soon)"),
    "report.saved": ("已保存检查报告：{path}", "Checklist report saved: {path}"),
    "checklist.title": ("{year} 年任务检查清单 · {name}", "Checklist {year} · {name}"),
    "checklist.hint": ("←/→ 换年度，回车查看依据记录，p 保存报告", "←/→ change year, Enter shows the evidence, p saves a report"),
    "checklist.evidence_title": ("{task} {name}：{status}", "{task} {name}: {status}"),
    "checklist.evidence_none": ("没有相关记录。", "No records."),
    "checklist.breaking": ("未达标 / 有风险", "Falls short / at risk"),
    "checklist.proving": ("达标依据", "Proves it"),
    "checklist.rules_problem": ("{message}。暂用{fallback}。", "{message}. Using {fallback} meanwhile."),
    "checklist.fallback_last_good": ("上一份有效的规则", "the last good rule file"),
    "checklist.fallback_builtin": ("内置规则", "the built-in rules"),
    "home.checklist": ("本年度检查（c）", "This year's checklist (c)"),
    "home.checklist_counts": (
        "{year} 年：达标 {met} · 未达标 {not_met} · 有风险 {at_risk}",
        "{year}: {met} met · {not_met} not met · {at_risk} at risk",
    ),
    "key.checklist": ("检查清单", "Checklist"),
    "key.prev_year": ("上一年", "Prev year"),
    "key.next_year": ("下一年", "Next year"),
    "key.print": ("保存报告", "Save report"),
    "err.rules_invalid": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_syntax": ("检查规则文件第 {line} 行格式错误：{reason}", "Rule file, line {line}, syntax error: {reason}"),
    "err.rules_unreadable": ("无法读取检查规则文件：{reason}", "Cannot read the rule file: {reason}"),
    "cli.cannot_write": ("无法写入 {path}：{reason}", "Cannot write {path}: {reason}"),
    "cli.bad_year": ("年度不正确：{value}", "Not a valid year: {value}"),
    "cli.bad_date": ("日期不正确：{value}（请写成 2026-11-27）", "Not a valid date: {value} (write 2026-11-27)"),
    "err.rules_unknown_key": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_missing_key": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_bad_value": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_unknown_type": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_unknown_kind": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_unknown_field": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_unknown_choice": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_bad_field_type": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_bad_threshold": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_bad_task": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_duplicate_id": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    "err.rules_version": ("检查规则文件第 {line} 行有误：{reason}", "Rule file, line {line}: {reason}"),
    # -- sync ---------------------------------------------------------------------------------
    "sync.full": ("完整", "full"),
    "sync.delta": ("增量", "changes only"),
    "sync.exported": ("已导出：{path}（第 {seq} 个数据包，{kind}，{records} 条记录）", "Exported: {path} (bundle {seq}, {kind}, {records} records)"),
    "sync.enrolled": ("已加入 {hub}（{code}）的报送名单（第 {generation} 次登记）", "Enrolled with {hub} ({code}), enrolment {generation}"),
    "sync.enrol_written": ("已写出登记文件：{path}（{code}，第 {generation} 次登记）", "Enrolment file written: {path} ({code}, enrolment {generation})"),
    "sync.hub_ready": ("已设为汇总端：{name}（{code}），数据在 {home}", "This home is now the hub of {name} ({code}), data in {home}"),
    "sync.imported": ("已导入：{path}（{member} 第 {seq} 个数据包）", "Imported: {path} ({member} bundle {seq})"),
    "sync.would_import": ("试导入（未写入）：{path}（{member} 第 {seq} 个数据包）", "Dry run (nothing written): {path} ({member} bundle {seq})"),
    "sync.totals": (
        "新增 {added}，修改 {changed}，删除 {deleted}，未变 {unchanged}，冲突 {conflicts}",
        "added {added}, changed {changed}, deleted {deleted}, unchanged {unchanged}, conflicts {conflicts}",
    ),
    "sync.already": ("已导入过，未做改动：{path}", "Already imported, nothing changed: {path}"),
    "sync.refused": ("拒收：{path}：{reason}", "Refused: {path}: {reason}"),
    "sync.missing": ("缺少 {member} 设备 {device} 的第 {seq} 个数据包", "Bundle {seq} from device {device} of {member} is missing"),
    "sync.published": ("已写出下发数据包：{path}", "Down-bundle written: {path}"),
    "sync.down_imported": (
        "已导入：{path}（新增事项 {added}，更新事项 {updated}，县里已确认至第 {seq} 个数据包）",
        "Imported: {path} ({added} items added, {updated} updated, confirmed up to bundle {seq})",
    ),
    "err.bundle_unreadable": ("无法读取这个文件", "The file cannot be read"),
    "err.bundle_too_big": ("文件过大或解压后过大，可能不是本程序的数据包", "The file is (or expands to) too large to be a bundle"),
    "err.bundle_not_bundle": ("这不是本程序的数据包", "This is not a fazhi-tui bundle"),
    "err.bundle_damaged": ("数据包已损坏或不完整（可能拷贝时 U 盘被拔出），请重新导出", "The bundle is damaged or incomplete (the stick may have been pulled out): export it again"),
    "err.bundle_tampered": ("数据包内容与签名不符，可能被改动过，不能导入", "The bundle does not match its signature: it may have been altered"),
    "err.bundle_newer": ("数据包由更新版本的程序生成，请先升级本程序", "The bundle was made by a newer version of the program: upgrade first"),
    "err.bundle_wrong_direction_up": ("这是县里下发的数据包，应在乡镇端用 fazhi-tui import 导入", "This is a down-bundle: import it at the township with fazhi-tui import"),
    "err.bundle_wrong_direction_down": ("这是乡镇上报的数据包，应在县里用 fazhi-tui hub import 导入", "This is an up-bundle: import it at the hub with fazhi-tui hub import"),
    "err.bundle_other_hub": ("这个数据包是发给另一个汇总端（{code}）的", "This bundle is meant for another hub ({code})"),
    "err.bundle_other_member": ("这个数据包是发给另一个单位（{code}）的", "This bundle is meant for another office ({code})"),
    "err.bundle_not_enrolled": ("{code} 尚未在本汇总端登记，或登记文件不符", "{code} is not enrolled at this hub, or its enrolment does not match"),
    "err.bundle_old_enrolment": ("{code} 已重新登记，这个数据包用的是旧密钥，不能导入", "{code} was re-enrolled: this bundle is signed with an old key"),
    "err.bundle_foreign_rows": ("数据包中有不属于该单位的记录，不能导入", "The bundle holds records of another office"),
    "err.bundle_seq_reused": ("同一设备的同一编号数据包已从另一个文件导入过", "A bundle with this number from this device was already imported from another file"),
    "err.not_enrolled": ("本单位尚未登记：请先导入县里给的登记文件（fazhi-tui enroll 文件）", "Not enrolled yet: load the enrolment file from the hub first (fazhi-tui enroll FILE)"),
    "err.enrolment_invalid": ("这不是有效的登记文件", "This is not a valid enrolment file"),
    "err.enrolment_other_member": ("这个登记文件是给 {code} 的，不是本单位的", "This enrolment file is for {code}, not this office"),
    "err.export_no_folder": ("找不到文件夹：{path}", "No such folder: {path}"),
    "err.export_write": ("无法写入 {path}：{reason}（U 盘是否已满或只读？）", "Cannot write to {path}: {reason} (is the stick full or read-only?)"),
    "err.not_a_hub": ("这里不是汇总端：请先运行 fazhi-tui hub init", "This home is not a hub: run fazhi-tui hub init first"),
    "err.nothing_to_publish": ("还没有登记任何下级单位", "No member office is enrolled yet"),
    "cli.hub_exists": ("{home} 已有其他配置，未做改动", "{home} already holds another configuration; nothing changed"),
    "cli.bad_member_code": ("{code} 不是本汇总端（{hub}）下属单位的代码", "{code} is not the code of an office under this hub ({hub})"),
    # -- command line ----------------------------------------------------------------------
    "cli.demo_done": (
        "已生成示范乡镇 {name}（{code}）：{records} 条记录，位于 {home}",
        "Demo township {name} ({code}) written: {records} records in {home}",
    ),
    "cli.demo_exists": (
        "{home} 中已有数据，未做改动。请换一个空文件夹。",
        "{home} already holds data; nothing changed. Choose an empty folder.",
    ),
    "cli.bad_code": ("区划代码不正确：{code}", "Not a valid division code: {code}"),
    "cli.no_config": (
        "{home} 中还没有配置。请先运行 fazhi-tui 完成首次设置。",
        "No configuration in {home} yet. Run fazhi-tui once to set it up.",
    ),
}
