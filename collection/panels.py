"""Places on the campaign's pages where apps above collection show what they own.

A record's flags and the state of its matching belong to `verification`, yet they are shown on the
plot page and the record form, which belong here. Rather than name verification, these pages include
every template registered below (each rendered with the page's `record`); verification registers its
own in its AppConfig.ready().
"""

from __future__ import annotations

# Template names included under each collected record on the plot page and on the record form.
RECORD_PANELS: list[str] = []
# Template names included in the record form, above its buttons, wherever the form is drawn (its
# page and the offline shell): rendered without a record, they are fed by the page's scripts.
FORM_PANELS: list[str] = []


def register_record_panel(template_name: str) -> None:
    if template_name not in RECORD_PANELS:
        RECORD_PANELS.append(template_name)


def register_form_panel(template_name: str) -> None:
    if template_name not in FORM_PANELS:
        FORM_PANELS.append(template_name)
