"""Every route must say who may use it (Warehouse/Notify style)."""

from __future__ import annotations

from flask import Flask

from citizen_portal.security.permissions import Permission
from citizen_portal.security.web import declared_permission


def test_every_route_declares_a_permission(app: Flask) -> None:
    missing = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if declared_permission(app.view_functions[rule.endpoint]) is None
    )
    assert missing == []


def test_routes_showing_citizen_data_are_not_public(app: Flask) -> None:
    by_rule = {
        rule.rule: declared_permission(app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
    }
    assert by_rule["/plans"] is Permission.PLANS_READ
    assert by_rule["/plans/<int:plan_id>"] is Permission.PLANS_READ
    assert by_rule["/plans/<int:plan_id>/versions/<int:number>"] is Permission.PLANS_READ
    assert by_rule["/auth/sign-out"] is Permission.ACCOUNT_USE
