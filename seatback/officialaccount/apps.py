from django.apps import AppConfig


class OfficialAccountConfig(AppConfig):
    name = "seatback.officialaccount"
    label = "officialaccount"
    verbose_name = "WeChat Official Account"

    def ready(self) -> None:
        from seatback.notifications import outbox
        from seatback.officialaccount import pushes

        outbox.register(outbox.Channel("wechat", pushes.wants, pushes.send))
