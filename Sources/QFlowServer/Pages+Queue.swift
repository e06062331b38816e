import Foundation
import Hummingbird
import QFlowEngine
import QFlowStore

/// Work queues on the workstation: "my work" and "my role's queue" (`/work`), the queue block of a run's page
/// (owner, claim, release, reassign, the ladder's steps reached) and the step a run reached, for the board.
extension WorkstationServer {
    /// The runs the signed-in person owns, and those waiting for their role (unclaimed first, each with a claim
    /// button).
    func workPage(_ page: PageContext) async throws -> Response {
        let session = page.session!
        let store = store
        let mine = try await queue(for: session, mine: true, role: nil, limit: CaseQuery.maximumLimit)
        let offered = try await queue(for: session, mine: false, role: session.role, limit: CaseQuery.maximumLimit)
        // The queues this role may reassign in: the protocols whose `reassign_by` names it, by the role they are
        // offered to.
        let published = try await blocking { try store.publishedSpecs().map(\.spec) }
        var supervised: [(role: String, entries: [QueueEntry])] = []
        let reassigning = published.filter { $0.queue?.reassignBy.contains(session.role) == true }
        for role in Set(reassigning.compactMap { $0.queue?.offeredTo }).sorted() where role != session.role {
            let ids = Set(reassigning.filter { $0.queue?.offeredTo == role }.map(\.id))
            let entries = try await queue(for: session, mine: false, role: role, limit: CaseQuery.maximumLimit)
            supervised.append((role, entries.filter { ids.contains($0.protocolId) }))
        }
        let listed = mine + offered + supervised.flatMap(\.entries)
        let specs = try await blocking { () throws -> [String: ProtocolSpec] in
            var out: [String: ProtocolSpec] = [:]
            for entry in listed where out["\(entry.protocolId)@\(entry.version)"] == nil {
                out["\(entry.protocolId)@\(entry.version)"] = try store.spec(entry.protocolId, version: entry.version)
                    .spec
            }
            return out
        }
        func table(_ entries: [QueueEntry], claimable: Bool) -> HTML {
            guard !entries.isEmpty else { return "<p>\(page.t(Wording.nothingHere))</p>" }
            let rows = entries.map { entry -> HTML in
                let spec = specs["\(entry.protocolId)@\(entry.version)"]
                let title = spec.map { page.t($0.title) } ?? entry.protocolId
                let who: HTML =
                    entry.owner.map { "\(page.t(Wording.owner)): \($0)" }
                    ?? "\(page.t(Wording.unclaimed)) "
                    + "· \(page.t(Wording.waitingSince)) \(Self.moment(entry.waitingSince, page))"
                let claim: HTML =
                    claimable && entry.owner == nil
                    ? """
                    <form method="post" action="/runs/\(entry.runId)/act">\(page.csrfField)\
                    \(PageContext.hidden("verb", "claim"))<button class="yes">\(page.t(Wording.claim))</button></form>
                    """ : .empty
                return """
                    <tr><td><a href="/runs/\(entry.runId)">\(title)</a></td><td>\(entry.subjectId)</td>\
                    <td>\(page.t(Wording.status(entry.status)))</td><td>\(who)</td>\
                    <td>\(Self.stepText(entry.lastStep, spec, page))</td>\
                    <td>\(Self.stepText(entry.nextStep, spec, page)) \(Self.moment(entry.nextStepDue, page))</td>\
                    <td>\(claim)</td></tr>
                    """
            }
            return """
                <table><tr><th>\(page.t(Wording.protocolTitle))</th><th>\(page.t(Wording.caseNumber))</th>\
                <th>\(page.t(Wording.statusWord))</th><th>\(page.t(Wording.owner))</th>\
                <th>\(page.t(Wording.stepReached))</th>\
                <th>\(page.t(Wording.nextStep))</th><th></th></tr>\(HTML.join(rows))</table>
                """
        }
        var body: HTML = """
            <h1>\(page.t(Wording.myWork))</h1>\(table(mine, claimable: false))\
            <h2>\(page.t(Wording.roleQueue)) · \(page.t(Access.roleTitle(session.role)))</h2>\
            \(table(offered, claimable: true))
            """
        for (role, entries) in supervised {
            body +=
                "<h2>\(page.t(Wording.supervisedQueue)) "
                + "· \(page.t(Access.roleTitle(role)))</h2>\(table(entries, claimable: false))"
        }
        return page.document(page.t(Wording.work), body)
    }

    /// The queue block of a run's page: who owns it (or since when it waits), the buttons the role may use, and
    /// the reminders and escalations reached, listed with their times.
    func queueBlock(_ detail: RunDetail, _ page: PageContext, _ form: (HTML, String, String) -> HTML) -> HTML {
        let session = page.session!
        let spec = detail.sheet.spec
        let state = detail.state
        var out = HTML.empty
        if let queue = spec.queue {
            let who: HTML =
                state.owner.map {
                    "\(page.t(Wording.owner)): <b>\($0.user)</b> "
                        + "· \(page.t(Wording.ownedSince)) \(page.dateTime($0.since))"
                }
                ?? "\(page.t(Wording.unclaimed)) "
                + "· \(page.t(Wording.waitingSince)) \(state.unclaimedSince.map(page.dateTime))"
            out +=
                "<p class=\"queue\">\(page.t(Wording.queue)): \(page.t(Access.roleTitle(queue.offeredTo))) · \(who)</p>"
            if state.status.isOpen {
                var buttons = HTML.empty
                var any = false
                if state.owner == nil, session.role == queue.offeredTo {
                    buttons += form(PageContext.hidden("verb", "claim"), page.t(Wording.claim), "yes")
                    any = true
                }
                if state.owner?.user == session.user.id {
                    buttons += form(PageContext.hidden("verb", "release"), page.t(Wording.release), "")
                    any = true
                }
                if queue.reassignBy.contains(session.role) {
                    buttons += form(
                        PageContext.hidden("verb", "reassign")
                            + "<input name=\"to\" required maxlength=\"100\" "
                            + "placeholder=\"\(page.t(Wording.reassignTo))\" "
                            + "aria-label=\"\(page.t(Wording.reassignTo))\">"
                            + "<input name=\"reason\" required maxlength=\"500\" "
                            + "placeholder=\"\(page.t(Wording.reason))\" aria-label=\"\(page.t(Wording.reason))\">",
                        page.t(Wording.reassign), "")
                    any = true
                }
                if any { out += "<div class=\"buttons\">\(buttons)</div>" }
            }
        }
        if !state.escalations.isEmpty {
            let rows = state.escalations.map { record -> HTML in
                let x = record.escalation
                let item =
                    x.item.flatMap { id in spec.items.first { $0.id == id } }.map { page.t($0.title) }
                    ?? page.t(Wording.queue)
                return """
                    <tr><td>\(page.dateTime(record.at))</td><td>\(item)</td><td>\(page.t(Wording.step(x.step)))</td>\
                    <td>\(page.t(x.escalates ? Wording.escalation : Wording.reminder))</td>\
                    <td>\(x.to.map { page.t(Access.roleTitle($0)) }.joined(separator: ", "))</td>\
                    <td>\(page.dateTime(x.due))</td><td>\(x.owner)</td></tr>
                    """
            }
            out += """
                <details class="escalations"><summary>\(page.t(Wording.escalations)) (\(state.escalations.count))\
                </summary>\
                <table><tr><th>\(page.t(Wording.recordedAt))</th><th>\(page.t(Wording.item))</th>\
                <th>\(page.t(Wording.stepReached))</th>\
                <th></th><th>\(page.t(Wording.told))</th><th>\(page.t(Wording.due))</th><th>\(page.t(Wording.owner))\
                </th></tr>\
                \(HTML.join(rows))</table></details>
                """
        }
        return out
    }

    /// `ITEM/STEP` in words: the item's title and the step.
    static func stepText(_ key: String?, _ spec: ProtocolSpec?, _ page: PageContext) -> String {
        guard let key, let slash = key.lastIndex(of: "/") else { return "" }
        let id = String(key[..<slash])
        let step = String(key[key.index(after: slash)...])
        let item = id.isEmpty ? page.t(Wording.queue) : spec?.items.first { $0.id == id }.map { page.t($0.title) } ?? id
        return "\(item) · \(page.t(Wording.step(step)))"
    }

    /// A stored timestamp in the page's zone, or nothing.
    static func moment(_ text: String?, _ page: PageContext) -> String {
        text.flatMap(Timestamp.parse).map(page.dateTime) ?? ""
    }
}
