"""The OpenAPI 3.1 description of the system-to-system API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from citizen_portal.fhir import profile

OPERATION_OUTCOME = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"const": "OperationOutcome"},
        "issue": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["severity", "code", "diagnostics"],
                "properties": {
                    "severity": {"enum": ["fatal", "error", "warning", "information"]},
                    "code": {"type": "string"},
                    "diagnostics": {"type": "string"},
                    "expression": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}

OAUTH_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}


_IDENTIFIER = {
    "type": "object",
    "required": ["system", "value"],
    "properties": {
        "system": {"type": "string", "minLength": 1, "maxLength": 200},
        "value": {"type": "string", "minLength": 1, "maxLength": 200},
    },
}

HANDOVER_PARAMETERS = {
    "type": "object",
    "description": (
        "FHIR Parameters: 'plan' (the CarePlan's business identifier) and, to hand over, "
        "'receiver' (the receiving Organization's identifier)"
    ),
    "required": ["resourceType", "parameter"],
    "properties": {
        "resourceType": {"const": "Parameters"},
        "parameter": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "valueIdentifier"],
                "properties": {
                    "name": {"enum": ["plan", "receiver"]},
                    "valueIdentifier": _IDENTIFIER,
                },
            },
        },
    },
}


def _handover_operation(operation_id: str, summary: str, done: str) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "operationId": operation_id,
            "security": [{"clientCredentials": ["api:plans:write"]}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/fhir+json": {
                        "schema": {"$ref": "#/components/schemas/HandoverParameters"}
                    }
                },
            },
            "responses": {
                "200": _outcome(done),
                "400": _outcome("The body is not JSON"),
                "401": _outcome("No valid bearer token"),
                "403": _outcome("The token lacks the scope"),
                "404": _outcome(
                    "No such plan among your organisations' (to accept: none handed to "
                    "them); the same answer whether or not another organisation has one"
                ),
                "413": _outcome("The body is larger than 1 MB"),
                "415": _outcome("Wrong content type"),
                "422": _outcome(
                    "Not Parameters, a parameter missing, the receiver unknown or the "
                    "author itself, or the receiver already has a plan with this identifier"
                ),
            },
        }
    }


def _outcome(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/fhir+json": {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}
        },
    }


def _throttled() -> dict[str, Any]:
    return {
        **_outcome("Too many calls from this client or address: wait Retry-After seconds"),
        "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Citizen portal: plans from professional systems",
            "version": "1.0.0",
            "description": (
                "Professional systems push psychiatric plans (discharge agreements, "
                "coordination plans, coordinated action plans) as HL7 FHIR R4 Bundles. "
                f"The profile is documented in docs/fhir-profile.md (base {profile.BASE})."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/oauth/token": {
                "post": {
                    "summary": "Get an access token (OAuth 2.0 client credentials)",
                    "operationId": "getToken",
                    "security": [],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {
                                    "type": "object",
                                    "required": ["grant_type"],
                                    "properties": {
                                        "grant_type": {"const": "client_credentials"},
                                        "scope": {"type": "string"},
                                        "client_id": {"type": "string"},
                                        "client_secret": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "A bearer token",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["access_token", "token_type", "expires_in"],
                                        "properties": {
                                            "access_token": {"type": "string"},
                                            "token_type": {"const": "Bearer"},
                                            "expires_in": {"type": "integer"},
                                            "scope": {"type": "string"},
                                        },
                                    }
                                }
                            },
                        },
                        "400": {
                            "description": "Bad request",
                            "content": {"application/json": {"schema": OAUTH_ERROR}},
                        },
                        "401": {
                            "description": "Unknown client or wrong secret",
                            "content": {"application/json": {"schema": OAUTH_ERROR}},
                        },
                        "429": _throttled(),
                    },
                }
            },
            "/api/fhir/Bundle": {
                "post": {
                    "summary": "Send a plan (one CarePlan with its resources) as a Bundle",
                    "operationId": "sendPlanBundle",
                    "security": [{"clientCredentials": ["api:plans:write"]}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/fhir+json": {
                                "schema": {"$ref": "#/components/schemas/Bundle"}
                            }
                        },
                    },
                    "responses": {
                        "200": _outcome(
                            "The same content is already the newest version (a warning "
                            "names each other organisation's resource that was not changed)"
                        ),
                        "201": _outcome(
                            "Stored as a new version (header X-Plan-Version; a warning "
                            "names each other organisation's resource that was not changed)"
                        ),
                        "400": _outcome("The body is not JSON"),
                        "401": _outcome("No valid bearer token"),
                        "429": _throttled(),
                        "403": _outcome(
                            "Not allowed to write for this organisation, or your "
                            "organisation handed this plan over"
                        ),
                        "413": _outcome("The bundle is larger than 1 MB"),
                        "415": _outcome("Wrong content type"),
                        "422": _outcome(
                            "The bundle breaks FHIR or the profile; every problem listed"
                        ),
                    },
                }
            },
            "/api/fhir/RelatedPerson": {
                "post": {
                    "summary": (
                        "Register, change or end a representation decided by an authority "
                        "(parental custody, guardian, lasting power of attorney)"
                    ),
                    "operationId": "registerRepresentation",
                    "security": [{"clientCredentials": ["api:representations:write"]}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/fhir+json": {
                                "schema": {"$ref": "#/components/schemas/RelatedPerson"}
                            }
                        },
                    },
                    "responses": {
                        "200": _outcome("Already registered like this, changed, or ended"),
                        "201": _outcome("Registered"),
                        "400": _outcome("The body is not JSON"),
                        "401": _outcome("No valid bearer token"),
                        "429": _throttled(),
                        "403": _outcome("The token lacks the scope"),
                        "413": _outcome("The body is larger than 1 MB"),
                        "415": _outcome("Wrong content type"),
                        "422": _outcome(
                            "Breaks FHIR, the profile or the rules; every problem listed"
                        ),
                    },
                }
            },
            "/api/fhir/citizen-input": {
                "get": {
                    "summary": (
                        "What the citizen shares with your organisation: wishes, stances "
                        "(approval) and consents in effect, through one plan your "
                        "organisation takes part in (docs/fhir-profile.md, who receives what)"
                    ),
                    "operationId": "readCitizenInput",
                    "security": [{"clientCredentials": ["api:citizen-input:read"]}],
                    "parameters": [
                        {
                            "name": "plan",
                            "in": "query",
                            "required": True,
                            "description": "The plan's business identifier, system|value",
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "A FHIR Bundle (collection)",
                            "content": {
                                "application/fhir+json": {
                                    "schema": {"$ref": "#/components/schemas/Bundle"}
                                }
                            },
                        },
                        "400": _outcome("The plan parameter is missing or malformed"),
                        "401": _outcome("No valid bearer token"),
                        "429": _throttled(),
                        "403": _outcome("The token lacks the scope"),
                        "404": _outcome("No such plan that this system's organisations are in"),
                    },
                }
            },
            "/api/fhir/CarePlan/$handover": _handover_operation(
                "handOverPlan",
                "Hand a plan your organisation wrote to another organisation; it stays "
                "yours (you may still send versions) until that organisation accepts",
                "Handed over, waiting for the receiver to accept",
            ),
            "/api/fhir/CarePlan/$accept-handover": _handover_operation(
                "acceptPlanHandover",
                "Accept a plan handed to your organisation; from then on only your "
                "organisation sends its new versions",
                "Accepted: your organisation is the plan's author",
            ),
            "/api/openapi.json": {
                "get": {
                    "summary": "This description",
                    "operationId": "getOpenApi",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OpenAPI document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "clientCredentials": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "/api/oauth/token",
                            "scopes": {
                                "api:plans:write": "Send plans for your organisations",
                                "api:representations:write": (
                                    "Register representations decided by authorities"
                                ),
                                "api:citizen-input:read": (
                                    "Read wishes, stances and consents for your plans"
                                ),
                            },
                        }
                    },
                }
            },
            "schemas": {
                "OperationOutcome": OPERATION_OUTCOME,
                "HandoverParameters": HANDOVER_PARAMETERS,
                "RelatedPerson": {
                    "type": "object",
                    "required": ["resourceType", "patient", "relationship", "identifier"],
                    "properties": {
                        "resourceType": {"const": "RelatedPerson"},
                        "active": {"type": "boolean"},
                        "patient": {"type": "object"},
                        "identifier": {"type": "array", "items": {"type": "object"}},
                        "relationship": {"type": "array", "items": {"type": "object"}},
                        "name": {"type": "array", "items": {"type": "object"}},
                        "period": {"type": "object"},
                        "extension": {"type": "array", "items": {"type": "object"}},
                    },
                },
                "Bundle": {
                    "type": "object",
                    "required": ["resourceType", "type", "entry"],
                    "properties": {
                        "resourceType": {"const": "Bundle"},
                        "type": {"enum": ["collection", "transaction"]},
                        "entry": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "fullUrl": {"type": "string"},
                                    "resource": {"type": "object"},
                                },
                            },
                        },
                    },
                },
            },
        },
    }
