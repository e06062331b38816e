import Foundation
import QFlowEngine

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
///
/// Every response is described with its schema, so that a fuzzer (Schemathesis, in `make test`) can check that
/// what the server sends is what the document promises.
enum OpenAPI {
    static let errorText: [Int: String] = [
        400: "malformed input (the field is named)", 401: "not signed in, or sign-in refused",
        403: "a role that may not do this, a missing CSRF token, or a request from another site",
        404: "no such run (or one outside the role's scope), user or report",
        409: "someone else changed the run first, the thing exists already, or the change would lock you out",
        413: "body too large",
        415: "a body that is not of the content type the route takes", 422: "the engine refused the command",
        429: "too many sign-in attempts: wait Retry-After seconds",
    ]

    static func object(_ properties: [String: Any], required: [String]? = nil) -> [String: Any] {
        ["type": "object", "required": required ?? Array(properties.keys).sorted(), "properties": properties]
    }

    static func array(_ items: [String: Any]) -> [String: Any] { ["type": "array", "items": items] }

    static var string: [String: Any] { ["type": "string"] }
    static var integer: [String: Any] { ["type": "integer"] }
    static var boolean: [String: Any] { ["type": "boolean"] }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    static var schemas: [String: Any] {
        [
            "Error": object(
                [
                    "code": ["type": "string", "description": "stable error code"], "message": string,
                    "field": ["type": "string", "description": "the request field at fault"],
                    "problems": array(ref("Problem")),
                ], required: ["code", "message"]),
            "Problem": object(
                [
                    "line": ["type": "integer", "description": "the schedule's line (1 is the header)"],
                    "field": ["type": "string", "description": "the column or field"], "message": string,
                ], required: ["message"]),
            "SignedIn": object([
                "token": string, "csrf": string, "expires_at": string, "user": string, "role": string,
                "session": string,
            ]),
            "Me": object(
                [
                    "user": string, "name": string, "role": string, "csrf": string, "session": string,
                    "subject": string, "locked": boolean,
                ], required: ["user", "name", "role", "csrf", "session", "locked"]),
            "Run": object(
                [
                    "run": ["type": "object"], "items": array(["type": "object"]),
                    "blockers": array(["type": "object"]), "events": array(["type": "object"]),
                ]),
            "Acted": object([
                "run_id": string, "seq": integer, "status": string,
                "events": array(object(["id": integer, "run_id": string, "seq": integer, "kind": string])),
                "triggered_runs": array(string),
            ]),
            "Case": object(
                [
                    "id": string, "kind": string, "room": string, "procedure": string, "scheduled_start": string,
                    "overdue": integer,
                    "runs": array(
                        object(
                            [
                                "id": string, "protocol": string, "title": string, "status": string,
                                "version": integer, "last_seq": integer, "open_required": integer,
                                "critical_failures": integer, "current_phase": string,
                            ],
                            required: [
                                "id", "protocol", "title", "status", "version", "last_seq", "open_required",
                                "critical_failures",
                            ])),
                ], required: ["id", "kind", "overdue", "runs"]),
            "Cases": object(
                ["cases": array(ref("Case")), "next_cursor": ["type": "string", "description": "pass as cursor"]],
                required: ["cases"]),
            "Overdue": object(
                [
                    "run_id": string, "protocol": string, "subject": string, "room": string, "item": string,
                    "due_at": string, "escalate_to": string,
                ], required: ["run_id", "protocol", "subject", "item", "due_at"]),
            "QueueItem": object(
                [
                    "run_id": string, "protocol": string, "version": integer, "subject": string, "status": string,
                    "queue_role": string, "owner": string, "owner_since": string, "waiting_since": string,
                    "last_step": ["type": "string", "description": "the last escalation step reached, ITEM/STEP"],
                    "last_step_at": string, "next_step": string, "next_step_due": string,
                ], required: ["run_id", "protocol", "version", "subject", "status", "queue_role"]),
            "QueueList": object(["items": array(ref("QueueItem"))]),
            "OverdueList": object(
                ["items": array(ref("Overdue")), "next_cursor": string], required: ["items"]),
            "Users": object(["users": array(ref("User")), "next_cursor": string], required: ["users"]),
            "NewCase": object(
                [
                    "case_id": ["type": "string", "minLength": 1, "maxLength": 100],
                    "kind": ["type": "string", "default": "surgical-case"], "room": string, "procedure": string,
                    "scheduled_start": [
                        "type": "string",
                        "description": "ISO-8601 with a zone, or local YYYY-MM-DD HH:MM in the site's zone",
                    ],
                    "patient_ref": ["type": "string", "description": "pseudonymous; never a name or hospital number"],
                    "ward": string, "label": string,
                    "facts": [
                        "type": "object", "description": "the subject facts the published protocols declare",
                        "additionalProperties": ["type": ["string", "number", "boolean"]],
                    ],
                ], required: ["case_id"]),
            "Intake": object(
                [
                    "case_id": string,
                    "runs": array(
                        object(
                            ["run_id": string, "protocol": string, "bundle": string],
                            required: ["run_id", "protocol"])),
                ]),
            "Imported": object([
                "added": array(string), "unchanged": array(string), "updated": array(string), "runs_started": integer,
                "summary": string,
            ]),
            "User": object(
                [
                    "id": string, "name": string, "roles": array(string), "active": boolean, "subject": string,
                    "sessions": array(
                        object(["id": string, "role": string, "workstation": string, "last_seen_at": string])),
                ], required: ["id", "name", "roles", "active", "sessions"]),
        ]
    }

    /// A JSON response with a schema.
    static func json(_ description: String, _ schema: [String: Any]) -> [String: Any] {
        ["description": description, "content": ["application/json": ["schema": schema]]]
    }

    /// Responses: the successes given, and the errors by status.
    static func responses(_ ok: [String: Any], errors codes: [Int]) -> [String: Any] {
        var out = ok
        for code in codes { out[String(code)] = json(errorText[code] ?? "error", ref("Error")) }
        return out
    }

    /// The errors any signed-in JSON write may meet.
    static let writeErrors = [400, 401, 403, 413, 415]

    static var security: [[String: [String]]] { [["bearer": []], ["cookie": []]] }

    static func pathParameter(_ name: String, example: String) -> [String: Any] {
        ["name": name, "in": "path", "required": true, "schema": string, "example": example]
    }

    static func body(_ schema: [String: Any]) -> [String: Any] {
        ["required": true, "content": ["application/json": ["schema": schema]]]
    }

    static var document: [String: Any] {
        let verbs = RunCommand.verbs
        let page: [[String: Any]] = [
            [
                "name": "limit", "in": "query",
                "schema": ["type": "integer", "minimum": 1, "maximum": 500, "default": 50],
            ],
            ["name": "cursor", "in": "query", "schema": string, "description": "next_cursor of the previous page"],
        ]
        let paths: [String: Any] = [
            "/api/v1/sessions": [
                "post": [
                    "summary": "Sign in as one of your roles; returns a token and the session's CSRF token",
                    "requestBody": body(
                        object(
                            ["user": string, "password": string, "role": string, "workstation": string],
                            required: ["user", "password", "role"])),
                    "responses": responses(
                        ["201": json("signed in", ref("SignedIn"))], errors: [400, 401, 403, 413, 415, 429]),
                ],
                "delete": [
                    "summary": "Sign out", "security": security,
                    "responses": responses(
                        ["200": json("signed out", object(["signed_out": boolean]))], errors: [401, 403]),
                ],
            ],
            "/api/v1/sessions/unlock": [
                "post": [
                    "summary":
                        "Unlock a workstation locked after the site's idle minutes, with the user's own password",
                    "security": security, "requestBody": body(object(["password": string])),
                    "responses": responses(
                        ["200": json("unlocked", object(["unlocked": boolean]))],
                        errors: [400, 401, 403, 413, 415, 429]),
                ]
            ],
            "/api/v1/runs": [
                "post": [
                    "summary": "Start a protocol the role takes part in on a subject", "security": security,
                    "requestBody": body(object(["protocol": string, "subject": string])),
                    "responses": responses(
                        ["201": json("the run started", ref("Acted"))], errors: writeErrors + [404, 409, 422]),
                ]
            ],
            "/api/v1/me": [
                "get": [
                    "summary": "The signed-in user, role and CSRF token", "security": security,
                    "responses": responses(["200": json("the session", ref("Me"))], errors: [401]),
                ]
            ],
            "/api/v1/runs/{id}": [
                "get": [
                    "summary": "A run: summary (lastSeq), every item with status and outcome, blockers, history",
                    "security": security, "parameters": [pathParameter("id", example: "R000001")],
                    "responses": responses(["200": json("the run", ref("Run"))], errors: [401, 404]),
                ]
            ],
            "/api/v1/runs/{id}/actions": [
                "post": [
                    "summary":
                        "Apply a verb to a run: record, sign, return, jump, suspend, resume, stop, complete, deviate; "
                        + "claim, release, reassign (work queues)",
                    "security": security, "parameters": [pathParameter("id", example: "R000001")],
                    "requestBody": body(
                        object(
                            [
                                "verb": ["type": "string", "enum": verbs], "item": string,
                                "value": [
                                    "description": "the answer: yes/no/na, a number, a time, an option id or text"
                                ],
                                "reason": string,
                                "to": ["type": "string", "description": "reassign: the staff id of the new owner"],
                                "expected_seq": [
                                    "type": "integer",
                                    "description": "the run's lastSeq as you saw it; a different one is a 409",
                                ],
                            ], required: ["verb"])),
                    "responses": responses(
                        ["200": json("the events appended", ref("Acted"))], errors: writeErrors + [404, 409, 422]),
                ]
            ],
            "/api/v1/cases": [
                "get": [
                    "summary": "One page of subjects of a kind the role may see, each with the runs it may see",
                    "security": security,
                    "parameters": [
                        [
                            "name": "date", "in": "query", "schema": ["type": "string", "format": "date"],
                            "description": "a day in the site's time zone",
                        ],
                        [
                            "name": "from", "in": "query", "schema": ["type": "string", "format": "date"],
                            "description": "without date: scheduled on or after this day (site's time zone)",
                        ],
                        [
                            "name": "to", "in": "query", "schema": ["type": "string", "format": "date"],
                            "description": "without date: scheduled on or before this day (site's time zone)",
                        ],
                        ["name": "kind", "in": "query", "schema": ["type": "string", "default": "surgical-case"]],
                        ["name": "room", "in": "query", "schema": string],
                        ["name": "q", "in": "query", "schema": string, "description": "a case-number prefix"],
                    ] + page,
                    "responses": responses(["200": json("subjects", ref("Cases"))], errors: [400, 401, 403]),
                ],
                "post": [
                    "summary": "Add a subject; the site's bundle for its kind starts in the same transaction",
                    "security": security, "requestBody": body(ref("NewCase")),
                    "responses": responses(
                        ["201": json("added, with the runs started", ref("Intake"))], errors: writeErrors + [409]),
                ],
            ],
            "/api/v1/cases/import": [
                "post": [
                    "summary": "Import the day's OR schedule: every row is checked, then all are written or none",
                    "security": security,
                    "parameters": [
                        [
                            "name": "update", "in": "query", "schema": boolean,
                            "description": "update cases whose content changed (else they are refused)",
                        ]
                    ],
                    "requestBody": [
                        "required": true,
                        "content": [
                            "text/csv": [
                                "schema": [
                                    "type": "string", "description": "UTF-8 CSV, header row first, at most 2 MB",
                                ]
                            ]
                        ],
                    ],
                    "responses": responses(
                        ["201": json("imported", ref("Imported")), "200": json("nothing new", ref("Imported"))],
                        errors: writeErrors),
                ]
            ],
            "/api/v1/protocols": [
                "post": [
                    "summary": "Publish a protocol version (YAML body); administrators only", "security": security,
                    "requestBody": ["content": ["application/yaml": ["schema": string]]],
                    "responses": responses(
                        [
                            "201": json("published", object(["protocol": string, "outcome": string])),
                            "200": json("unchanged", object(["protocol": string, "outcome": string])),
                        ], errors: [400, 401, 403, 409, 413]),
                ]
            ],
            "/api/v1/compare": [
                "get": [
                    "summary": "Compare a measure between two saved cohorts (quality roles)", "security": security,
                    "parameters": ["measure", "a", "b"].map {
                        ["name": $0, "in": "query", "required": true, "schema": string] as [String: Any]
                    },
                    "responses": responses(
                        ["200": json("design, rule, warnings and the statistics", ["type": "object"])],
                        errors: [400, 401, 403, 404, 422]),
                ]
            ],
            "/api/v1/reports/{file}": [
                "get": [
                    "summary": "A report workbook (.xlsx) from Reports/ (quality roles)", "security": security,
                    "parameters": [pathParameter("file", example: "counts.yaml")],
                    "responses": responses(
                        [
                            "200": [
                                "description": "the workbook",
                                "content": ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [:]],
                            ]
                        ], errors: [401, 403, 404, 422]),
                ]
            ],
            "/api/v1/overdue": [
                "get": [
                    "summary": "Open items past their deadline, of the runs the role may see", "security": security,
                    "parameters": page,
                    "responses": responses(
                        ["200": json("overdue items", ref("OverdueList"))], errors: [400, 401, 403]),
                ]
            ],
            "/api/v1/queue": [
                "get": [
                    "summary":
                        "Work queues: the open runs you own (mine=1), or those offered to a role (role=ROLE), "
                        + "unclaimed first",
                    "security": security,
                    "parameters": [
                        ["name": "mine", "in": "query", "schema": ["type": "string", "enum": ["1"]]],
                        ["name": "role", "in": "query", "schema": string],
                        page[0],
                    ],
                    "responses": responses(["200": json("the runs", ref("QueueList"))], errors: [400, 401]),
                ]
            ],
            "/api/v1/users": [
                "get": [
                    "summary": "Accounts and their live sessions (administrators)", "security": security,
                    "parameters": page,
                    "responses": responses(["200": json("users", ref("Users"))], errors: [400, 401, 403]),
                ]
            ],
            "/api/v1/users/{id}": [
                "post": [
                    "summary":
                        "Change an account: activate, deactivate, roles, reset_password, revoke (administrators)",
                    "security": security, "parameters": [pathParameter("id", example: "n-1")],
                    "requestBody": body(
                        object(
                            [
                                "action": [
                                    "type": "string",
                                    "enum": ["activate", "deactivate", "roles", "reset_password", "revoke"],
                                ],
                                "roles": array(string), "password": string, "session": string,
                            ], required: ["action"])),
                    "responses": responses(
                        ["200": json("changed", object(["changed": boolean]))], errors: writeErrors + [404, 409]),
                ]
            ],
            "/api/v1/openapi.json": [
                "get": ["summary": "This document", "responses": ["200": json("OpenAPI 3.1", ["type": "object"])]]
            ],
        ]
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "QualityFlow workstation API", "version": "1",
                "description":
                    "Every write is an engine event carrying the signed-in user, role and workstation. Cookie "
                    + "sessions must send X-CSRF-Token on writes; every write must come from this origin.",
            ],
            "components": [
                "schemas": schemas,
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "cookie": ["type": "apiKey", "in": "cookie", "name": WorkstationServer.cookieName],
                ],
            ],
            "paths": paths,
        ]
    }
}
