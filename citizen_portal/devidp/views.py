from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from flask import Blueprint, current_app, jsonify, redirect, render_template, request

from citizen_portal.devidp.provider import DevIdentityProvider
from citizen_portal.security.web import public

blueprint = Blueprint("dev_idp", __name__, url_prefix="/dev-idp")


def _provider() -> DevIdentityProvider:
    provider: DevIdentityProvider = current_app.extensions["dev_idp"]
    return provider


@blueprint.get("/.well-known/openid-configuration")
@public
def discovery() -> Any:
    return jsonify(_provider().metadata())


@blueprint.get("/jwks")
@public
def jwks() -> Any:
    return jsonify(_provider().jwks())


@blueprint.route("/authorize", methods=["GET", "POST"])
@public
def authorize() -> Any:
    provider = _provider()
    try:
        grant = provider.server.get_consent_grant(end_user=None)
    except OAuth2Error as error:
        return render_template("devidp/error.html", error=error.error), 400
    if request.method == "GET":
        return render_template(
            "devidp/choose_persona.html", personas=list(provider.personas.values())
        )
    persona = provider.personas.get(request.form.get("persona", ""))
    if persona is None:
        return render_template(
            "devidp/choose_persona.html",
            personas=list(provider.personas.values()),
            error=True,
        ), 400
    return provider.server.create_authorization_response(grant=grant, grant_user=persona)


@blueprint.post("/token")
@public
def token() -> Any:
    return _provider().server.create_token_response()


@blueprint.get("/end-session")
@public
def end_session() -> Any:
    provider = _provider()
    target = request.args.get("post_logout_redirect_uri", "")
    if target in provider.client.post_logout_redirect_uris:
        state = request.args.get("state")
        return redirect(target + ("?" + urlencode({"state": state}) if state else ""))
    return render_template("devidp/signed_out.html")
