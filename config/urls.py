from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import auth, second_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    # Optional second factor (TOTP) for the roles in OTP_REQUIRED_ROLES.
    path("xac-thuc-2-buoc/", second_factor.verify, name="otp_verify"),
    path("thu-thap/", include("collection.urls")),
    path("kiem-tra/", include("verification.urls")),
    path("bao-cao/", include("reports.urls", namespace="reports")),
    path("api/v1/", include("api.urls", namespace="api")),
    path("quan-tri/", admin.site.urls),
]
