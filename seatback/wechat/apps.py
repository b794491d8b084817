from django.apps import AppConfig


class WeChatConfig(AppConfig):
    name = "seatback.wechat"
    label = "wechat"
    verbose_name = "WeChat"

    def ready(self) -> None:
        from seatback.readers import middleware
        from seatback.wechat import services_menu

        middleware.exempt("/wechat/callback")  # limited in the view (views.callback)
        services_menu.register_all()  # renewals, catalogue, ISBN, notices
