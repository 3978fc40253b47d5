"""The API's schema and its two readers (Swagger UI, ReDoc), for signed-in users only.

The schema lists every endpoint, parameter and field of the portal's personal data: it is served
only to an authenticated user (SPECTACULAR_SETTINGS SERVE_PERMISSIONS; an API client gets 401), and
the two pages send an anonymous browser to the login form.

The pages run under a Content-Security-Policy without inline scripts: Swagger UI loads its start-up
script from this same URL (`?script`, drf-spectacular's split view) and ReDoc starts from its
`<redoc spec-url>` element; their page styles come from static/css/api-docs.css, and ReDoc's web
fonts are not fetched from Google.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


@method_decorator(login_required, name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"


@method_decorator(login_required, name="dispatch")
class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
