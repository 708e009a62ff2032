"""Language: Danish by default, chosen by the browser or by the person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from flask import Flask, Response, has_request_context, request
from flask_babel import Babel, LazyString, get_locale, get_translations, gettext
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import escape

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"da": "Dansk", "en": "English", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


class EscapingLazyString(LazyString):
    """A message translated when shown, whose values are escaped when it is put
    into a page. Flask-Babel's own lazy string hands the whole formatted text to
    Jinja as markup, so a person's name or a partner's text in it became HTML
    (a meta refresh in a name sent another user's browser away)."""

    def __html__(self) -> str:
        (message,) = self._args
        template = escape(gettext(message))  # the message is ours, yet escaped all the same
        # Markup's % escapes every value it fills in.
        return template % self._kwargs if self._kwargs else template


def lazy_gettext(message: str, **values: Any) -> LazyString:
    """The one lazy gettext of the portal (a test forbids Flask-Babel's): values
    are people's and partners' text, escaped in HTML, as they are in templates."""
    return EscapingLazyString(gettext, message, **values)


def init_i18n(app: Flask, languages: tuple[str, ...]) -> Babel:
    def select_locale() -> str:
        if not has_request_context():
            return languages[0]  # commands and background work
        chosen = request.args.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
        if chosen in languages:
            return chosen
        return request.accept_languages.best_match(languages) or languages[0]

    app.config["BABEL_DEFAULT_LOCALE"] = languages[0]
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Copenhagen"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS)
    babel = Babel(app, locale_selector=select_locale)
    _translate_templates_once_per_page(app)

    @app.after_request
    def _remember_language(response: Response) -> Response:
        chosen = request.args.get("lang")
        if chosen in languages and chosen != request.cookies.get(LANGUAGE_COOKIE):
            response.set_cookie(
                LANGUAGE_COOKIE,
                chosen,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=request.is_secure,
                httponly=True,
            )
        return response

    return babel


def _translate_templates_once_per_page(app: Flask) -> None:
    """Templates look the request's translations up once per page, not once per
    string: Flask-Babel's callables find the domain, the locale and the catalogue
    again for each of a page's hundred-odd strings (a tenth of a plan page's time).
    Jinja's own "newstyle" wrapper stays around them: values are still escaped."""

    @app.context_processor
    def _page_translations() -> dict[str, Any]:
        return {"page_translations": get_translations()}

    def translations(context: Context) -> Translations | NullTranslations:
        # Imported macros and templates rendered on their own have no such variable.
        found = context.get("page_translations")
        if isinstance(found, NullTranslations):  # Translations is one too
            return found
        looked_up: Translations | NullTranslations = get_translations()
        return looked_up

    @pass_context
    def page_gettext(context: Context, message: str) -> str:
        return translations(context).ugettext(message)

    @pass_context
    def page_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return translations(context).ungettext(singular, plural, n)

    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=page_gettext, ngettext=page_ngettext, newstyle=True
    )


def possessive(name: str) -> str:
    """``name`` as the owner of something, in the page's language: "Peter's" (en),
    "Peters" (da), or the name itself (ar, where the owner follows the thing). Used
    as %(owner)s in messages like "%(owner)s plans" when acting for someone."""
    language = str(get_locale()) if has_request_context() else "da"
    if language.startswith("ar"):
        return name
    ends_in_s = name[-1:].lower() in {"s", "x", "z"}
    if language.startswith("en"):
        return name + ("'" if name.endswith(("s", "S")) else "'s")
    return name + ("'" if ends_in_s else "s")
