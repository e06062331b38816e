import Foundation
import Hummingbird
import QFlowEngine
import QFlowStore

/// A fragment of HTML whose interpolated text is escaped: only literals written in this module and other `HTML`
/// values go in as markup, so a page cannot forget to escape what a user typed.
///
/// ```swift
/// let cell: HTML = "<td>\(subject.procedure ?? "")</td>"   // the procedure is escaped
/// ```
/// There is deliberately no interpolation for arbitrary types: a number or a date is formatted to text first.
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    private(set) var markup: String

    /// Trusted markup from a literal.
    init(stringLiteral value: String) { markup = value }

    /// Markup assembled from literals and escaped values.
    init(stringInterpolation: StringInterpolation) { markup = stringInterpolation.markup }

    private init(markup: String) { self.markup = markup }

    /// No markup.
    static let empty = HTML(markup: "")

    /// Text, escaped.
    static func text(_ text: String) -> HTML { HTML(markup: escape(text)) }

    /// Fragments one after another.
    static func join(_ parts: some Sequence<HTML>, separator: HTML = .empty) -> HTML {
        HTML(markup: parts.map(\.markup).joined(separator: separator.markup))
    }

    /// One `<option>` of a select: its value, the text shown (the value when none is given), and whether it is chosen.
    static func option(_ value: String, _ label: String? = nil, selected: Bool) -> HTML {
        "<option value=\"\(value)\"\(selected ? " selected" : "")>\(label ?? value)</option>"
    }

    /// Appends a fragment.
    static func += (lhs: inout HTML, rhs: HTML) { lhs.markup += rhs.markup }

    /// Two fragments, one after the other.
    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(markup: lhs.markup + rhs.markup) }

    /// The markup.
    var description: String { markup }

    /// Builds markup: literals as they are, values escaped.
    struct StringInterpolation: StringInterpolationProtocol {
        var markup = ""

        init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity * 2) }

        mutating func appendLiteral(_ literal: String) { markup += literal }
        /// Text is escaped.
        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        /// Missing text is nothing.
        mutating func appendInterpolation(_ text: String?) { markup += HTML.escape(text ?? "") }
        /// A whole number.
        mutating func appendInterpolation(_ number: Int) { markup += String(number) }
        /// Markup stays markup.
        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        /// Fragments one after another.
        mutating func appendInterpolation(_ parts: [HTML]) { markup += parts.map(\.markup).joined() }
    }

    /// Escapes text for element content and quoted attribute values.
    static func escape(_ text: String) -> String {
        // Byte-wise: the five characters are ASCII, and UTF-8 never uses ASCII bytes inside another character.
        func special(_ b: UInt8) -> Bool { b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || b == 0x27 }
        guard text.utf8.contains(where: special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for b in text.utf8 {
            switch b {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What every page is drawn with: the language, the session (nil on the sign-in page) and the site's settings.
struct PageContext: Sendable {
    /// The page language.
    var language: Language
    /// The signed-in session, if any.
    var session: Session?
    /// The site's time zone (from the published site file, else the server's).
    var timeZone: TimeZone
    /// Minutes without input before the page locks (the site's setting).
    var idleLockSeconds: Int

    /// A text in the page language.
    func t(_ text: LocalizedText) -> String { text.text(language) }

    /// A time of day in the site's zone, `HH:mm`.
    func time(_ date: Date) -> String {
        let c = Self.civil(date, timeZone)
        return "\(Self.two(c.hour)):\(Self.two(c.minute))"
    }

    /// A date and time in the site's zone, `yyyy-MM-dd HH:mm`.
    func dateTime(_ date: Date) -> String { "\(day(date)) \(time(date))" }

    /// A calendar day in the site's zone, `yyyy-MM-dd`.
    func day(_ date: Date) -> String {
        let c = Self.civil(date, timeZone)
        return "\(c.year)-\(Self.two(c.month))-\(Self.two(c.day))"
    }

    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    /// The proleptic Gregorian date and time of day of an instant in a zone, by arithmetic on the zone's offset
    /// (a `DateFormatter` per call cost 7 µs; the board formats a thousand times a page).
    static func civil(_ date: Date, _ zone: TimeZone) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let seconds = Int((date.timeIntervalSince1970).rounded(.down)) + zone.secondsFromGMT(for: date)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let (year, month, day) = Timestamp.civil(days: Int64(days))
        return (Int(year), Int(month), Int(day), inDay / 3600, inDay % 3600 / 60)
    }

    /// Which controlled document a protocol version is: `Document QF-HLB-008 · version 2 · effective 2026-12-01`.
    func documentLine(_ spec: ProtocolSpec) -> String {
        let version = "\(t(Wording.version)) \(spec.version)"
        guard let document = spec.document else { return version }
        return "\(t(Wording.document)) \(document.number) · \(version) · \(t(Wording.effective)) \(document.effective)"
    }

    /// A hidden form field.
    static func hidden(_ name: String, _ value: String) -> HTML {
        "<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\">"
    }

    /// The session's CSRF field, for every form that writes.
    var csrfField: HTML { Self.hidden("csrf", session?.csrf ?? "") }

    /// The whole document: head, navigation (with sign-out), the idle lock, and the body.
    func document(_ title: String, _ body: HTML, status: HTTPResponse.Status = .ok, refresh: Int? = nil) -> Response {
        var head: HTML =
            "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        head += "<title>\(title) · QualityFlow</title><link rel=\"stylesheet\" href=\"/assets/app.css\">"
        if let refresh { head += "<meta http-equiv=\"refresh\" content=\"\(refresh)\">" }
        var top = HTML.empty
        if let session {
            head += "<meta name=\"qflow-csrf\" content=\"\(session.csrf)\">"
            head += "<meta name=\"qflow-idle-lock\" content=\"\(idleLockSeconds)\">"
            head += "<script src=\"/assets/app.js\" defer></script>"
            top = navigation(session)
        }
        let html: HTML = """
            <!doctype html><html lang="\(language.rawValue)"><head>\(head)</head><body>\(top)<main>\(body)</main>\
            \(session == nil ? .empty : lockDialog)</body></html>
            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html.markup)))
    }

    /// The links of the pages the role may open, who is signed in, the language switch and the sign-out button.
    func navigation(_ session: Session) -> HTML {
        let links: [(String, LocalizedText)] = [
            ("/", Wording.today), ("/work", Wording.work), ("/board", Wording.board), ("/overdue", Wording.overdue),
            ("/cases/new", Wording.addCase), ("/linen", Wording.linen), ("/actions", Wording.audits),
            ("/quality", Wording.quality), ("/admin/users", Wording.users),
        ]
        let open = links.filter { Access.route("GET", $0.0)?.readers.admit(session.role) == true }
            .map { HTML("<a href=\"\($0.0)\">\(t($0.1))</a>") }
        let other: Language = language == .zh ? .en : .zh
        return """
            <nav><span class="who">\(session.user.name) · \(t(Access.roleTitle(session.role)))\
            \(session.workstation.map { " · \($0)" } ?? "")</span> \(HTML.join(open, separator: " · ")) \
            <a href="?lang=\(other.rawValue)" class="lang">\(other.text(zh: "中文", en: "English"))</a> \
            <form method="post" action="/logout" class="signout">\(csrfField)\
            <button>\(t(Wording.signOut))</button></form></nav>
            """
    }

    /// The shared-workstation lock: `app.js` opens it after the site's idle minutes without input; the page under it
    /// (and whatever was typed into it) stays as it was.
    var lockDialog: HTML {
        """
        <dialog id="idle-lock"><form id="unlock-form"><p>\(t(Wording.lockedTitle))</p>\
        <p>\(session?.user.name)</p>\
        <label>\(t(Wording.password)) <input type="password" name="password" autocomplete="current-password" required>\
        </label>\
        <p class="error" id="unlock-error" hidden>\(t(Wording.unlockRefused))</p>\
        <button class="yes">\(t(Wording.unlock))</button> \
        <button type="button" id="lock-signout">\(t(Wording.signOut))</button></form></dialog>
        """
    }
}

extension HTML {
    /// Wraps markup built elsewhere in this module (a literal assembled with interpolation).
    init(_ html: HTML) { self = html }
}
