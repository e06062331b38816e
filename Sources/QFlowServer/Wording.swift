import QFlowEngine
import QFlowStore

/// Every text of the workstation's interface, in both languages. Protocol, item, phase, option and role titles come
/// from the protocols themselves; these are the interface's own words.
enum Wording {
    private static func w(_ en: String, _ zh: String) -> LocalizedText { LocalizedText(zh: zh, en: en) }

    // Navigation and pages.
    static let today = w("Today", "今日")
    static let board = w("Board", "看板")
    static let overdue = w("Overdue", "逾期")
    static let addCase = w("Add cases", "登记病例")
    static let linen = w("Linen", "布类")
    static let audits = w("QC", "质控")
    static let quality = w("Quality", "质量分析")
    static let users = w("Users", "用户")
    static let signIn = w("Sign in", "登录")
    static let signOut = w("Sign out", "退出登录")
    static let todayTitle = w("Today's cases", "今日手术")
    static let boardTitle = w("Board", "手术室看板")
    static let overdueTitle = w("Overdue items", "逾期事项")

    // Work queues and escalation ladders.
    static let work = w("My work", "我的工作")
    static let myWork = w("My work: runs I own", "我的工作：由我负责")
    static let roleQueue = w("Waiting for my role", "本角色待认领")
    static let supervisedQueue = w("Queue I may reassign", "可重新分配的队列")
    static let queue = w("Queue", "工作队列")
    static let owner = w("Owner", "负责人")
    static let unclaimed = w("Unclaimed", "待认领")
    static let waitingSince = w("Waiting since", "等待自")
    static let ownedSince = w("Owned since", "负责自")
    static let claim = w("Claim", "认领")
    static let release = w("Release to the queue", "退回队列")
    static let reassign = w("Reassign", "重新分配")
    static let reassignTo = w("Staff id of the new owner", "新负责人工号")
    static let stepReached = w("Ladder step reached", "已到提醒/升级")
    static let nextStep = w("Next step", "下一步提醒")
    static let escalations = w("Reminders and escalations", "提醒与升级记录")
    static let reminder = w("Reminder", "提醒")
    static let escalation = w("Escalation", "升级")
    static let queueStep = w("Unclaimed", "无人认领")
    static let overdueStep = w("Overdue", "逾期")
    static let recordedAt = w("Recorded", "记录时间")
    static let told = w("Told", "通知")

    /// A ladder step's name: `1`, `2`, … as "step N", `overdue`, `unclaimed`.
    static func step(_ step: String) -> LocalizedText {
        switch step {
        case "overdue": overdueStep
        case "unclaimed": queueStep
        default: w("step \(step)", "第\(step)级")
        }
    }
    static let linenTitle = w("Linen batches", "布类批次")
    static let auditsTitle = w("QC audits and corrective actions", "质控与整改")
    static let notFound = w("Not found", "未找到")
    static let forbidden = w("Not for your role", "当前角色无权访问")
    static let forbiddenText = w(
        "Your role may not open this page. Sign in with a role that may, or go back to today's cases.",
        "当前角色无权打开此页面。请以有权限的角色登录，或返回今日手术。")

    // Sign-in and the idle lock.
    static let staffId = w("Staff id", "工号")
    static let password = w("Password", "密码")
    static let role = w("Role", "角色")
    static let workstation = w("Workstation", "工作站")
    static let lockedTitle = w(
        "This workstation was locked after a while without use. Enter your password to go on; nothing you typed is "
            + "lost.",
        "工作站因一段时间未操作已锁定。请输入密码继续；已填写的内容不会丢失。")
    static let unlock = w("Unlock", "解锁")
    static let unlockRefused = w("Password not accepted.", "密码不正确。")

    // Lists.
    static let room = w("Room", "手术间")
    static let line = w("Line", "生产线")
    static let time = w("Time", "时间")
    static let caseNumber = w("Case", "病例")
    static let statusWord = w("Status", "状态")
    static let procedure = w("Procedure", "手术")
    static let runs = w("Checklists", "流程")
    static let protocolTitle = w("Protocol", "流程")
    static let status = w("Status", "状态")
    static let phase = w("Phase", "阶段")
    static let progress = w("Progress", "进度")
    static let readings = w("Readings", "记录值")
    static let subject = w("Subject", "对象")
    static let due = w("Due", "截止")
    static let item = w("Item", "项目")
    static let escalateTo = w("Escalate to", "上报")
    static let criticalFailed = w("critical failed", "关键项不合格")
    static let noCasesToday = w("No cases today.", "今日无手术。")
    static let nothingHere = w("Nothing to show.", "暂无内容。")
    static let morePages = w("Next page", "下一页")
    static let filter = w("Show", "筛选")
    static let allRooms = w("All rooms", "全部房间")
    static let searchCase = w("Case number", "病例号")
    static let date = w("Date", "日期")

    // Runs.
    static let critical = w("critical", "关键")
    static let yes = w("Yes", "是")
    static let no = w("No", "否")
    static let notApplicable = w("N/A", "不适用")
    static let save = w("Save", "保存")
    static let signAs = w("Sign as", "签名：")
    static let complete = w("Complete", "完成")
    static let deviate = w("Complete with a documented deviation", "记录偏差并完成")
    static let deviationHelp = w(
        "These critical items failed. As the protocol's sign-off role you may close the run with a documented "
            + "deviation: it stays non-compliant in every measure and is listed in reports.",
        "以下关键条目未通过。作为本流程指定的签批角色，您可以记录偏差后关闭此流程：它在所有指标中仍计为不合格，并列入报告。")
    static let document = w("Document", "文件")
    static let version = w("version", "版本")
    static let effective = w("effective", "生效")
    static let jumpTo = w("Jump to", "跳至")
    static let reason = w("reason", "原因")
    static let returnVerb = w("Return", "退回")
    static let suspend = w("Suspend", "暂停")
    static let resume = w("Resume", "继续")
    static let stop = w("Stop", "终止")
    static let workOn = w("Work on", "当前阶段")
    static let nextAction = w("Next", "下一步")
    static let blockersTitle = w("Before this checklist can be completed", "完成前还需")
    static let readyToComplete = w("Everything required is answered: complete the checklist.", "必填项已全部完成：请点击完成。")
    static let requiredWord = w("required", "必填")
    static let conflict = w(
        "Another workstation changed this run first. The page now shows the current answers; nothing of yours was "
            + "recorded — check and answer again.",
        "其他工作站已先修改此流程。页面已显示最新内容；您的填写未被记录，请核对后重新填写。")
    static let startProtocol = w("Start a checklist", "启动流程")
    static let start = w("Start", "启动")
    static let caseRuns = w("Checklists of this case", "本病例的流程")

    // Intake.
    static let intakeTitle = w("Add cases", "登记病例")
    static let oneCase = w("One case", "单个病例")
    static let schedule = w("The day's schedule (CSV)", "当日手术排程（CSV）")
    static let scheduleHelp = w(
        "UTF-8 CSV with a header row; columns as in the README (case_id, room, procedure, scheduled_start, "
            + "patient_ref, ward, and the case facts). The whole file is checked first: nothing is imported while any "
            + "row is wrong.",
        "UTF-8 编码、带表头的 CSV；列名见 README（case_id、room、procedure、scheduled_start、patient_ref、ward "
            + "及病例信息）。系统先检查整个文件：有任何一行错误则全部不导入。"
    )
    static let upload = w("Import", "导入")
    static let updateChanged = w("Update cases whose details changed", "更新信息有变动的病例")
    static let kind = w("Kind", "类型")
    static let patientRef = w("Patient ref (pseudonymous)", "患者编号（化名）")
    static let ward = w("Ward", "病区")
    static let scheduledStart = w("Scheduled start", "计划开始时间")
    static let add = w("Add", "登记")
    static let fileLine = w("Line", "行")
    static let column = w("Column", "列")
    static let problem = w("Problem", "问题")
    static let rowsInError = w("Rows in error — nothing was imported", "以下行有错误——未导入任何内容")
    static let imported = w("Imported", "已导入")
    static let runsStarted = w("checklists started", "个流程已启动")

    /// A run's status.
    static func status(_ status: RunStatus) -> LocalizedText {
        switch status {
        case .active: w("in progress", "进行中")
        case .suspended: w("suspended", "已暂停")
        case .stopped: w("stopped", "已终止")
        case .completed: w("completed", "已完成")
        }
    }

    /// An item's status.
    static func itemStatus(_ status: ItemStatus) -> LocalizedText {
        switch status {
        case .open: w("open", "待填")
        case .answered: w("answered", "已填")
        case .skipped: w("skipped", "已跳过")
        case .notApplicable: w("not applicable", "不适用")
        case .hidden: w("not shown", "不适用")
        }
    }

    /// Subject kinds.
    static func kind(_ kind: String) -> LocalizedText {
        switch kind {
        case "surgical-case": w("Surgical case", "手术病例")
        case "linen-batch": w("Linen batch", "布类批次")
        case "audit": w("Audit", "质控检查")
        case "respondent": w("Survey respondent", "调查对象")
        case "shift": w("Shift", "班次")
        default: w(kind, kind)
        }
    }

    /// A subject fact's label (the facts the shipped protocols declare; others show their name).
    static func fact(_ name: String) -> LocalizedText {
        switch name {
        case "emergency": w("Emergency", "急诊")
        case "high_risk": w("High risk", "高风险")
        case "implant": w("Implant", "植入物")
        case "special_infection": w("Special infection", "特殊感染")
        case "specimen_expected": w("Specimen expected", "预计送检标本")
        case "uses_esu": w("Electrosurgical unit used", "使用高频电刀")
        case "disposables_used": w("Disposables used", "使用一次性物品")
        case "infected": w("Infectious linen", "感染性织物")
        case "standard": w("Parameter set", "参数标准")
        default: w(name.replacingOccurrences(of: "_", with: " "), name)
        }
    }

    /// A fact's value as text: yes/no in the page language.
    static func factValue(_ value: String, _ language: Language) -> String {
        switch value {
        case "true": yes.text(language)
        case "false": no.text(language)
        default: value
        }
    }
}
