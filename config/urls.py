from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from api import citizen as citizen_api
from collection import citizen_views
from config import account, auth, language, passwords, pwa, second_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's set_language, which also keeps a signed-in user's choice for every device.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    # The installable web app: manifest, service worker (at the root: its scope is the portal), the page
    # shown without signal, and the interface texts of the scripts (djangojs catalogue).
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    path("ngoai-tuyen/", pwa.offline, name="offline"),
    path("jsi18n/", JavaScriptCatalog.as_view(domain="djangojs"), name="javascript-catalog"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    # The user's own account: their password, their API tokens; an admin's one-time reset link.
    path("tai-khoan/mat-khau/", passwords.PasswordChangeView.as_view(), name="password_change"),
    path("tai-khoan/khoa-api/", account.api_tokens, name="api_tokens"),
    path(
        "tai-khoan/dat-lai/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    # Optional second factor (TOTP) for the roles in OTP_REQUIRED_ROLES.
    path("xac-thuc-2-buoc/", second_factor.verify, name="otp_verify"),
    path("thu-thap/", include("collection.urls")),
    # A citizen's own link to send the photos of one plot (no account; short, for a printed QR code).
    # Its endpoints (in api/citizen.py) sit under the page and carry no namespace: the page, in the
    # collection app below the API, names them without naming the API.
    path("gui-anh/<str:token>/", citizen_views.citizen_page, name="citizen_page"),
    path("gui-anh/<str:token>/tai-len/", citizen_api.CitizenUploadsView.as_view(), name="citizen_uploads"),
    path(
        "gui-anh/<str:token>/tai-len/<uuid:upload_id>/",
        citizen_api.CitizenUploadView.as_view(),
        name="citizen_upload",
    ),
    path("gui-anh/<str:token>/thong-tin/", citizen_api.CitizenDetailsView.as_view(), name="citizen_details"),
    path("kiem-tra/", include("verification.urls")),
    path("bao-cao/", include("reports.urls", namespace="reports")),
    path("api/v1/", include("api.urls", namespace="api")),
    path("quan-tri/", admin.site.urls),
]
