from django.urls import path

from collection import views
from collection.scans import views as scan_views

app_name = "collection"
urlpatterns = [
    path("thua-dat/", views.plot_list, name="plot_list"),
    path("thua-dat/<int:plot_id>/", views.plot_detail, name="plot_detail"),
    path("thua-dat/<int:plot_id>/thu-thap/", views.record_start, name="record_start"),
    path("ban-ghi/<int:record_id>/", views.record_edit, name="record_edit"),
    # The phone: the page shown without signal, and what is still to send.
    path("ngoai-tuyen/", views.offline_shell, name="offline_shell"),
    path("hop-thu-di/", views.outbox, name="outbox"),
    # Scans: upload, the record's polled list, authorised streaming.
    path("ban-ghi/<int:record_id>/anh/tai-len/", scan_views.scan_upload, name="scan_upload"),
    path("ban-ghi/<int:record_id>/anh/", scan_views.scan_list, name="scan_list"),
    path("anh/<uuid:pk>/", scan_views.scan_image, name="scan_image"),
    path("anh/<uuid:pk>/thu-nho/", scan_views.scan_thumbnail, name="scan_thumbnail"),
    path("anh/<uuid:pk>/xoa/", scan_views.scan_delete, name="scan_delete"),
]
