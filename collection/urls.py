from django.urls import path

from collection import assignment_views, citizen_views, stale_views, trail_views, views
from collection.intake import views as intake_views
from collection.scans import views as scan_views

app_name = "collection"
urlpatterns = [
    path("thua-dat/", views.plot_list, name="plot_list"),
    path("thua-dat/<int:plot_id>/", views.plot_detail, name="plot_detail"),
    # A leader hands plots to officials (by former commune, sheet, hamlet, or a selection in the list).
    path("giao-thua/", assignment_views.assign, name="assign"),
    # Work that waits: old drafts, returned records not corrected, phones that stopped sending.
    path("viec-ton/", stale_views.waiting, name="waiting"),
    path("thua-dat/<int:plot_id>/thu-thap/", views.record_start, name="record_start"),
    path("ban-ghi/<int:record_id>/", views.record_edit, name="record_edit"),
    # Who has seen one person's data (province admins; linked from the land user's admin page).
    path("nguoi-su-dung-dat/<int:land_user_id>/ai-da-xem/", trail_views.land_user_trail, name="land_user_trail"),
    # The phone: the page shown without signal, and what is still to send.
    path("ngoai-tuyen/", views.offline_shell, name="offline_shell"),
    path("hop-thu-di/", views.outbox, name="outbox"),
    # Scans: upload, the record's polled list, authorised streaming.
    path("ban-ghi/<int:record_id>/anh/tai-len/", scan_views.scan_upload, name="scan_upload"),
    path("ban-ghi/<int:record_id>/anh/", scan_views.scan_list, name="scan_list"),
    path("anh/<uuid:pk>/", scan_views.scan_image, name="scan_image"),
    path("anh/<uuid:pk>/thu-nho/", scan_views.scan_thumbnail, name="scan_thumbnail"),
    path("anh/<uuid:pk>/xoa/", scan_views.scan_delete, name="scan_delete"),
    # A citizen's link for one plot: made and revoked by the official.
    path("thua-dat/<int:plot_id>/duong-dan/", citizen_views.link_create, name="citizen_link_create"),
    path("duong-dan/<int:link_id>/thu-hoi/", citizen_views.link_revoke, name="citizen_link_revoke"),
    # Photos from outside the portal (Zalo, CamScanner): the commune's inbox.
    path("anh-gui-den/", intake_views.inbox, name="intake_inbox"),
    path("anh-gui-den/xac-nhan-tat-ca/", intake_views.confirm_all, name="intake_confirm_all"),
    path("anh-gui-den/<uuid:pk>/", intake_views.decide, name="intake_decide"),
    path("anh-gui-den/<uuid:pk>/anh/", intake_views.item_image, name="intake_image"),
    path("anh-gui-den/<uuid:pk>/thu-nho/", intake_views.item_image, {"thumbnail": True}, name="intake_thumbnail"),
]
