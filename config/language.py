"""The interface language: the signed-in user's own choice, else the language cookie, else Vietnamese.

Vietnamese first (docs/design.md): the browser's Accept-Language is never read, so a phone set to
English still opens the portal in Vietnamese. A user who picks English keeps it on every device and
in every new session (`UserPreference`); before signing in, the language cookie that Django's
`set_language` writes (settings.LANGUAGE_COOKIE_NAME) chooses the login page's language.

The saved choice is read once per sign-in (`remember_on_login`) and kept in the session, so pages
pay no query for it; choosing again updates both. Another device already signed in keeps the language
it had until it signs in again.

This replaces django.middleware.locale.LocaleMiddleware, which follows Accept-Language; the portal
uses no language prefix in its URLs, so nothing else of that middleware is needed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views import i18n

from config.models import UserPreference

# The signed-in user's saved choice in their session ("" when they made none).
SESSION_KEY = "portal_language"


def supported_language(code: str | None) -> str | None:
    """The portal's code for `code` ("en-GB" → "en"), or None when the portal has no such language."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_stored(user) -> str | None:
    """The language this user chose for themselves, if any (one query by primary key)."""
    code = UserPreference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return supported_language(code)


def language_saved(request: HttpRequest) -> str | None:
    """The signed-in user's choice, from their session (read from the table once if it is not there)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    session = request.session
    if SESSION_KEY not in session:  # a session opened before the portal kept the choice there
        session[SESSION_KEY] = language_stored(user) or ""
    return supported_language(session[SESSION_KEY])


def language_save(*, request: HttpRequest, language: str) -> str | None:
    """Keep `language` as the signed-in user's choice, for this session and the next ones; the code
    kept, or None when the portal has no such language."""
    code = supported_language(language)
    user = request.user
    if code is None or isinstance(user, AnonymousUser):
        return None
    UserPreference.objects.update_or_create(user=user, defaults={"language": code})
    request.session[SESSION_KEY] = code
    return code


def remember_on_login(sender, request: HttpRequest, user, **kwargs) -> None:
    """user_logged_in: read the user's choice into the new session (connected in config.apps)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = language_stored(user) or ""


def request_language(request: HttpRequest) -> tuple[str, str | None]:
    """(the language to serve, the signed-in user's saved choice or None)."""
    saved = language_saved(request)
    cookie = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return saved or cookie or settings.LANGUAGE_CODE, saved


class UserLanguageMiddleware:
    """Activates the request's language (see the module docstring); after AuthenticationMiddleware.

    When the signed-in user's choice differs from the cookie, the cookie follows it, so that the login
    page after signing out speaks the language the user chose.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language, saved = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        cookie = settings.LANGUAGE_COOKIE_NAME
        if saved and request.COOKIES.get(cookie) != saved and cookie not in response.cookies:
            set_language_cookie(response, saved)
        return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """The same cookie as Django's set_language writes (the LANGUAGE_COOKIE_* settings)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, then back to `next`), and for a signed-in user the saved choice too."""
    response = i18n.set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        language_save(request=request, language=request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, ""))
    return response
