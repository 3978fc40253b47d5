from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from collection import views as collection_views

urlpatterns = [
    path("", collection_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", collection_views.healthz, name="healthz"),
    path("thu-thap/", include("collection.urls")),
    path("kiem-tra/", include("verification.urls")),
    path("quan-tri/", admin.site.urls),
]

# Reports (dashboards, Excel, scan bundles) and the REST API v1 with its OpenAPI schema and docs.
urlpatterns += [
    path("bao-cao/", include("verification.reporting.urls", namespace="reports")),
    path("api/v1/", include("verification.api.urls", namespace="api")),
]

# Optional second factor (TOTP) for the roles in OTP_REQUIRED_ROLES — config/second_factor.py.
from config import second_factor  # noqa: E402

urlpatterns += [path("xac-thuc-2-buoc/", second_factor.verify, name="otp_verify")]
