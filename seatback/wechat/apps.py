from django.apps import AppConfig


class WeChatConfig(AppConfig):
    name = "seatback.wechat"
    label = "wechat"
    verbose_name = "WeChat"
