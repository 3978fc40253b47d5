"""Pages of the apps above landdata about one land user, shown as links on the land user's admin page.

`landdata` names no upper app (docs/architecture.md): collection registers its "who has seen this
person's data" page here from its AppConfig.ready().
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LandUserLink:
    label: str  # lazily translated text
    url_name: str  # reversed with the land user's pk


LAND_USER_LINKS: list[LandUserLink] = []


def register_land_user_link(label, url_name: str) -> None:
    if all(link.url_name != url_name for link in LAND_USER_LINKS):
        LAND_USER_LINKS.append(LandUserLink(label, url_name))
