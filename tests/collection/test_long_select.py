"""LongSelect and official_options draw the same HTML as the Django templates they replace, only faster."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from collection.forms import AssignForm, LongSelect, PlotSearchForm

CHOICES = [
    ("", "Tất cả"),
    ("09000", '09000 Xã cũ <Đông> & "Tây" (Phường 09000)'),
    (7, gettext_lazy("Thửa của tôi")),
    ("none", "it's"),
]


@pytest.mark.parametrize("value", [None, "", "09000", 7, "7", ["none"], "missing"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_x"}, {"id": "id_x", "required": True, "disabled": False, "data-x": 'a"b<'}]
)
def test_same_html_as_django(value, attrs):
    assert LongSelect(choices=CHOICES).render("x", value, attrs) == forms.Select(choices=CHOICES).render(
        "x", value, attrs
    )


def test_same_html_with_groups_and_widget_attrs():
    choices = [("", "—"), ("Phường 09000", [("09000", "Xã A"), ("09001", "Xã <B>")]), ("09003", "Xã C")]
    attrs = {"class": "wide", "hx-get": "/?a=1&b=2"}
    fast = LongSelect(attrs=attrs, choices=choices).render("fc", "09001", {"id": "id_fc"})
    assert fast == forms.Select(attrs=attrs, choices=choices).render("fc", "09001", {"id": "id_fc"})
    assert "<optgroup" in fast


@pytest.mark.parametrize(
    ("form_class", "kwargs", "data"),
    [
        (PlotSearchForm, {"officials": [(5, "Lê Văn A (canbo05)"), (6, "<b>x</b>")]}, {"assigned": "6"}),
        (PlotSearchForm, {}, {"former_commune": "missing"}),
        (AssignForm, {"officials": [(5, "Lê Văn A (canbo05)")]}, {"official": "5", "assigned": "5"}),
    ],
)
def test_form_fields_render_as_before(form_class, kwargs, data):
    form = form_class(data, **kwargs)
    form.is_valid()
    for name, field in form.fields.items():
        if isinstance(field.widget, LongSelect):
            plain = forms.Select(attrs=field.widget.attrs, choices=field.widget.choices)
            assert str(form[name]) == form[name].as_widget(widget=plain)


def test_official_options_draw_each_choice_as_a_template_would():
    from django.template import engines

    officials = [(5, "Lê Văn An (canbo05)"), (6, "canbo06"), (7, "O'Brien & <b> (x<y>)")]
    engine = engines["django"]
    expected = engine.from_string(
        '{% for pk, label in officials %}<option value="{{ pk }}">{{ label }}</option>{% endfor %}'
    )
    now = engine.from_string("{% load portal_tags %}{% official_options officials %}")
    assert now.render({"officials": officials}) == expected.render({"officials": officials})


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin", "leader", "leader without group", "official"])
def test_official_choices_name_each_assignable_official_as_official_label_does(who):
    """The selects' plain rows: the same officials, in the same order, with the same words."""
    from collection.models import Role
    from collection.plot_assignments import assignable_officials, official_choices, official_label
    from tests.factories import CommuneFactory, WorkingGroupFactory, user_with_scope

    commune, other = CommuneFactory(), CommuneFactory()
    group = WorkingGroupFactory(commune=commune)
    named = user_with_scope(Role.OFFICIAL, commune=commune, working_group=group)
    named.first_name, named.last_name = "Lê Văn", "An"
    named.save()
    nameless = user_with_scope(Role.OFFICIAL, commune=commune)
    user_with_scope(Role.GROUP_LEADER, commune=other)
    user_with_scope(Role.OFFICIAL, commune=commune, working_group=WorkingGroupFactory(commune=commune))
    user = {
        "admin": lambda: user_with_scope(Role.ADMIN, province=commune.province),
        "leader": lambda: user_with_scope(Role.GROUP_LEADER, commune=commune, working_group=group),
        "leader without group": lambda: user_with_scope(Role.GROUP_LEADER, commune=commune),
        "official": lambda: named,
    }[who]()
    expected = [(u.pk, official_label(u)) for u in assignable_officials(user)]
    assert official_choices(user) == expected
    assert (len(expected) > 1) == (who != "official")
    assert any(label == f"Lê Văn An ({named.username})" for _pk, label in expected) == (who != "official")
    # No name: the username alone, not "canbo06 (canbo06)".
    assert ((nameless.pk, nameless.username) in expected) == (who != "official")
