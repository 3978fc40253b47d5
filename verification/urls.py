from django.urls import path

from verification import views

app_name = "verification"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("hang-loat/", views.bulk_decide, name="bulk_decide"),
    path("ban-ghi/<int:record_id>/", views.record_review, name="record_review"),
    path("ban-ghi/<int:record_id>/sai-lech/", views.plot_flags, name="plot_flags"),
    path("sai-lech/<int:flag_id>/quyet-dinh/", views.flag_decide, name="flag_decide"),
    path("doi-chieu-tai-cho/", views.live_check, name="live_check"),
]
