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


def test_official_options_name_each_official_as_the_filter_does():
    """The same words as the list's "assigned to" filter (official_label), escaped as a template would."""
    from django.contrib.auth.models import User
    from django.template import engines

    from collection.plot_assignments import official_label

    officials = [
        User(pk=5, username="canbo05", first_name="Lê Văn", last_name="An"),
        User(pk=6, username="canbo06"),
        User(pk=7, username="x<y>", first_name="O'Brien & <b>"),
    ]
    engine = engines["django"]
    expected = engine.from_string(
        '{% for u, label in officials %}<option value="{{ u.pk }}">{{ label }}</option>{% endfor %}'
    )
    now = engine.from_string("{% load portal_tags %}{% official_options officials %}")
    labelled = [(u, official_label(u)) for u in officials]
    assert now.render({"officials": officials}) == expected.render({"officials": labelled})
    assert ">canbo06</option>" in now.render({"officials": officials})  # not "canbo06 (canbo06)"
