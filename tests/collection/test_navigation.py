"""Every page shows the same navigation, limited to what the user's role may open."""

import pytest
from django.urls import reverse

from collection.models import Role
from tests.factories import BranchFactory, CommuneFactory, ProvinceFactory, user_with_scope

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "sees_review"),
    [(Role.OFFICIAL, False), (Role.GROUP_LEADER, False), (Role.REVIEWER, True), (Role.ADMIN, True)],
)
def test_navigation_by_role(client, role, sees_review):
    commune = CommuneFactory(branch=BranchFactory())
    unit = {
        Role.OFFICIAL: {"commune": commune},
        Role.GROUP_LEADER: {"commune": commune},
        Role.REVIEWER: {"branch": commune.branch},
        Role.ADMIN: {"province": ProvinceFactory()},
    }[role]
    client.force_login(user_with_scope(role, **unit))
    html = client.get(reverse("home")).content.decode()
    assert reverse("collection:plot_list") in html
    assert reverse("reports:dashboard") in html
    assert (reverse("verification:queue") in html) is sees_review
    assert reverse("admin:index") not in html


def test_user_without_scope_sees_no_links(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("lac", password="x"))
    html = client.get(reverse("home")).content.decode()
    assert reverse("collection:plot_list") not in html
    assert reverse("reports:dashboard") not in html


@pytest.mark.parametrize(
    ("delta", "vi", "en"),
    [
        ({"minutes": 2}, "2 phút", "2 minutes"),
        ({"hours": 1, "minutes": 5}, "1 giờ", "1 hour"),
        ({"days": 3, "hours": 4}, "3 ngày", "3 days"),
    ],
)
def test_age_filter_speaks_vietnamese_and_english(delta, vi, en):
    import datetime as dt

    from django.utils import timezone, translation

    from collection.templatetags.portal_tags import age

    moment = timezone.now() - dt.timedelta(**delta)
    assert age(moment) == vi
    with translation.override("en"):
        assert age(moment) == en
