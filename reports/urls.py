from django.urls import path

from reports import callback_views, daily_views, pace_views, views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xa/<str:code>/", views.commune, name="commune"),
    # The official as ?collected_by=: free text (contract §2.3) that a path segment cannot always carry.
    path("xa/<str:code>/can-bo/", views.official, name="official"),
    path("xa/<str:code>/thua-dat.xlsx", views.export_plots, name="export_plots"),
    path("xa/<str:code>/nhap-lieu-vpdk.xlsx", views.export_office, name="export_office"),
    path("xa/<str:code>/goi-anh/", views.bundle_request, name="bundle_request"),
    path("to/<int:pk>/", views.group, name="group"),
    # Pace against the campaign's calendar (issue 17): communes furthest behind first, then one commune.
    path("tien-do/", pace_views.overview, name="pace"),
    path("tien-do/xa/<str:code>/", pace_views.commune, name="pace_commune"),
    path("tien-do/xa/<str:code>/ke-hoach/", pace_views.weekly_plan, name="weekly_plan"),
    # Special cases that need a second visit or a call, per official (issue 17.4).
    path("goi-lai/", callback_views.call_back_list, name="callbacks"),
    path("goi-lai.xlsx", callback_views.call_back_xlsx, name="callbacks_xlsx"),
    # The leaders' one-page daily report (issue 17.5).
    path("hang-ngay/", daily_views.daily_report, name="daily"),
    path("hang-ngay.xlsx", daily_views.daily_xlsx, name="daily_xlsx"),
    path("goi-anh/<int:pk>/", views.bundle_status, name="bundle_status"),
    path("goi-anh/<int:pk>/tai-ve/", views.bundle_download, name="bundle_download"),
]
