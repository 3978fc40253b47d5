"""The API's schema and its reader (Swagger UI), for signed-in users only.

The schema lists every endpoint, parameter and field of the portal's personal data: it is served
only to an authenticated user (SPECTACULAR_SETTINGS SERVE_PERMISSIONS; an API client gets 401), and
the page sends an anonymous browser to the login form.

The page runs under the portal's strict Content-Security-Policy: Swagger UI loads its start-up
script from this same URL (`?script`, drf-spectacular's split view) and its page styles from
static/css/api-docs.css. ReDoc is not offered: it writes <style> elements as it draws, which would
need 'unsafe-inline' styles on its page, and Swagger UI reads the same schema.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView


@method_decorator(login_required, name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
