import Foundation

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
enum OpenAPI {
    static var error: [String: Any] {
        [
        "type": "object", "required": ["code", "message"],
        "properties": [
            "code": ["type": "string", "description": "stable error code"],
            "message": ["type": "string"], "field": ["type": "string", "description": "the request field at fault"],
        ],
        ]
    }

    static func errors(_ codes: [Int]) -> [String: Any] {
        var out: [String: Any] = [:]
        for code in codes {
            out[String(code)] = [
                "description": [400: "malformed input (the field is named)", 401: "not signed in",
                    403: "wrong role or missing CSRF token", 404: "no such run", 409: "someone else changed the run first",
                    413: "body too large", 422: "the engine refused the command"][code] ?? "error",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        }
        return out
    }

    static var security: [[String: [String]]] { [["bearer": []], ["cookie": []]] }

    static var document: [String: Any] {
        [
        "openapi": "3.1.0",
        "info": [
            "title": "QualityFlow workstation API", "version": "1",
            "description": "Every write is an engine event carrying the signed-in user, role and workstation. Cookie sessions must send X-CSRF-Token on writes.",
        ],
        "components": [
            "schemas": ["Error": error],
            "securitySchemes": [
                "bearer": ["type": "http", "scheme": "bearer"],
                "cookie": ["type": "apiKey", "in": "cookie", "name": WorkstationServer.cookieName],
            ],
        ],
        "paths": [
            "/api/v1/sessions": [
                "post": [
                    "summary": "Sign in as one of your roles; returns a token and the session's CSRF token",
                    "requestBody": ["content": ["application/json": ["schema": [
                        "type": "object", "required": ["user", "password", "role"],
                        "properties": ["user": ["type": "string"], "password": ["type": "string"],
                            "role": ["type": "string"], "workstation": ["type": "string"]],
                    ]]]],
                    "responses": ["201": ["description": "signed in"]].merging(errors([400, 401, 403])) { $1 },
                ],
                "delete": ["summary": "Sign out", "security": security,
                    "responses": ["200": ["description": "signed out"]].merging(errors([401, 403])) { $1 }],
            ],
            "/api/v1/me": ["get": ["summary": "The signed-in user, role and CSRF token", "security": security,
                "responses": ["200": ["description": "the session"]].merging(errors([401])) { $1 }]],
            "/api/v1/runs/{id}": ["get": [
                "summary": "A run: summary (lastSeq), every item with status and outcome, blockers, history",
                "security": security,
                "parameters": [["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]],
                "responses": ["200": ["description": "the run"]].merging(errors([401, 404])) { $1 },
            ]],
            "/api/v1/runs/{id}/actions": ["post": [
                "summary": "Apply a verb to a run: record, sign, return, jump, suspend, resume, stop, complete",
                "security": security,
                "parameters": [["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]],
                "requestBody": ["content": ["application/json": ["schema": [
                    "type": "object", "required": ["verb"],
                    "properties": [
                        "verb": ["type": "string", "enum": ["record", "sign", "return", "jump", "suspend", "resume", "stop", "complete"]],
                        "item": ["type": "string"], "value": ["description": "the answer: yes/no/na, a number, a time, an option id or text"],
                        "reason": ["type": "string"], "expected_seq": ["type": "integer", "description": "the run's lastSeq as you saw it; a different one is a 409"],
                    ],
                ]]]],
                "responses": ["200": ["description": "the events appended"]].merging(errors([400, 401, 403, 404, 409, 422])) { $1 },
            ]],
            "/api/v1/cases": ["get": [
                "summary": "Cases (or other subjects) with their runs", "security": security,
                "parameters": [
                    ["name": "date", "in": "query", "schema": ["type": "string", "format": "date"]],
                    ["name": "kind", "in": "query", "schema": ["type": "string", "default": "surgical-case"]],
                ],
                "responses": ["200": ["description": "subjects"]].merging(errors([401])) { $1 },
            ]],
            "/api/v1/protocols": ["post": [
                "summary": "Publish a protocol version (YAML body); administrators only", "security": security,
                "responses": ["201": ["description": "published"], "200": ["description": "unchanged"]]
                    .merging(errors([400, 401, 403, 409])) { $1 },
            ]],
            "/api/v1/compare": ["get": [
                "summary": "Compare a measure between two saved cohorts (quality roles)", "security": security,
                "parameters": ["measure", "a", "b"].map { ["name": $0, "in": "query", "required": true, "schema": ["type": "string"]] },
                "responses": ["200": ["description": "design, rule, warnings and the statistics"]]
                    .merging(errors([400, 401, 403, 404, 422])) { $1 },
            ]],
            "/api/v1/reports/{file}": ["get": [
                "summary": "A report workbook (.xlsx) from Reports/ (quality roles)", "security": security,
                "parameters": [["name": "file", "in": "path", "required": true, "schema": ["type": "string"]]],
                "responses": ["200": ["description": "the workbook",
                    "content": ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [:]]]]
                    .merging(errors([401, 403, 404])) { $1 },
            ]],
            "/api/v1/overdue": ["get": ["summary": "Open items past their deadline", "security": security,
                "responses": ["200": ["description": "overdue items"]].merging(errors([401])) { $1 }]],
            "/api/v1/openapi.json": ["get": ["summary": "This document", "responses": ["200": ["description": "OpenAPI 3.1"]]]],
        ],
    ]
    }
}
