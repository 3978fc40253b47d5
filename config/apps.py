from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Project-level app: registers the system checks."""

    name = "config"
    label = "portal"

    def ready(self) -> None:
        from config import checks  # noqa: F401
