from django.urls import path

from collection import views

app_name = "collection"
urlpatterns: list = []
