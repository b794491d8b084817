"""The two mascots and their first rules, so a fresh library answers from day one.
Librarians edit them in the back office."""

from django.db import migrations

RULES = [
    # (mascot, order, keywords, Chinese, English)
    (
        "图小妹",
        10,
        "占座,计时,反占座,怎么坐,take a seat,clock,hogging",
        "看到座位上只有东西没有人？坐下扫座位上的二维码，点“开始计时”。20 分钟内主人回来扫码点“我回来了”，"
        "座位还是他的；没回来的话，你再扫一次码，座位就是你的啦～空座位直接坐，离开也不用做什么哦。",
        "See a seat with belongings but nobody there? Sit down, scan the seat's QR code and tap "
        "“Start the clock”. If the owner comes back within 20 minutes and taps “I'm back”, the "
        "seat stays theirs; if not, scan again and it is yours. Free seats need nothing, and "
        "neither does leaving.",
    ),
    (
        "图小妹",
        20,
        "暂离,吃饭,午饭,step out,lunch,meal",
        "要离开一会儿？在座位页点“暂离”，最多 30 分钟内别人不能对你的座位开始计时。吃饭时间（11:30-13:00、"
        "17:30-18:30）本来就不能开始计时，放心去吃饭吧！",
        "Stepping out for a while? Tap “Step out” on your seat's page: for up to 30 minutes "
        "nobody can start the clock on it. During meal breaks (11:30-13:00, 17:30-18:30) no "
        "clock can be started anyway, so enjoy your meal!",
    ),
    (
        "图大叔",
        30,
        "讲座,报告,lecture,talk",
        "讲座都在“讲座”页面：可以报名，满了会排队，有人取消会自动递补并通知你。开始前一小时会提醒你。",
        "Lectures are on the “Lectures” page: register, join the waiting line when it is full "
        "(you move up and are told when someone cancels), and get a reminder an hour before.",
    ),
    (
        "图大叔",
        40,
        "数据库,电子资源,知网,校外,database,e-resource,off campus",
        "电子资源在“数据库导航”里，每个资源都写了校外怎么访问（VPN 或 CARSI）。",
        "E-resources are in the directory; each entry says how to reach it from off campus "
        "(VPN or CARSI).",
    ),
]


def add_mascots(apps, schema_editor):
    Mascot = apps.get_model("content", "Mascot")
    MascotRule = apps.get_model("content", "MascotRule")
    mascots = {
        "图小妹": Mascot.objects.get_or_create(
            name="图小妹", defaults={"avatar": "👧", "tone": "lively, warm, uses ～ and emoji"}
        )[0],
        "图大叔": Mascot.objects.get_or_create(
            name="图大叔", defaults={"avatar": "🧔", "tone": "calm, precise, a little dry"}
        )[0],
    }
    for name, order, keywords, zh, en in RULES:
        MascotRule.objects.get_or_create(
            mascot=mascots[name],
            keywords=keywords,
            defaults={"order": order, "answer_zh": zh, "answer_en": en},
        )


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]
    operations = [migrations.RunPython(add_mascots, migrations.RunPython.noop)]
