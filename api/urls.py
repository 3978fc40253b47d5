from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import docs, field, views

router = DefaultRouter()
# No `.json` suffix routes: the custom actions do not take a `format` argument (they raised a 500),
# and `?format=json` or the Accept header choose the renderer anyway.
router.include_format_suffixes = False
router.register("plots", views.PlotViewSet, basename="plot")
router.register("records", views.RecordViewSet, basename="record")
router.register("scans", views.ScanViewSet, basename="scan")
router.register("flags", views.FlagViewSet, basename="flag")
router.register("reports", views.ReportViewSet, basename="report")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("field/session/", field.FieldSessionView.as_view(), name="field_session"),
    path("field/plots/", field.FieldPlotsView.as_view(), name="field_plots"),
    path("field/records/<uuid:client_id>/", field.FieldRecordView.as_view(), name="field_record"),
    path("field/uploads/", field.FieldUploadsView.as_view(), name="field_uploads"),
    path("field/uploads/<uuid:upload_id>/", field.FieldUploadView.as_view(), name="field_upload"),
    path("", include(router.urls)),
]
