"""What the 公众号 itself says (the engine says everything else)."""

from __future__ import annotations

from api.config import Settings

HOLDING = "正在为您查询，请稍候…"
LATER_PREFIX = "上次的问题回复如下…"
NOT_HEARD = "抱歉，没听清，请打字或再说一次 🙏"
MORE_HINT = "回复「更多」查看剩余内容"
MORE_WORDS = frozenset(
    {"更多", "更多内容", "查看更多", "看更多", "more"}
)  # not 继续: the engine uses it
NO_MORE = "没有更多内容了，您可以直接输入新的问题。"
OPTION_LINE = "回复 {number}：{title}"


def welcome(settings: Settings) -> str:
    """Greeting on 关注: what the assistant covers, how to pick options, where answers come from."""
    return (
        "您好，欢迎关注！我是仁和区托育助手 👶\n"
        "我依据《攀枝花市仁和区促进3岁以下婴幼儿照护服务发展实施方案（2020—2025年）》"
        "（攀仁府办〔2020〕128号）回答问题，可以帮您了解：\n"
        "· 产假、男方护理假（陪产假）\n"
        "· 科学育儿指导、婴幼儿健康服务\n"
        "· 幼儿园托班、社区和单位的托育服务\n"
        "· 开办托育机构找哪些部门、托育服务怎么投诉\n"
        "直接打字或发语音提问就行。回答下面有编号选项时，回复数字（比如 1）就能选；"
        f"回答较长时回复「更多」看剩下的。其他问题可拨打{settings.hotline_name}（{settings.hotline}）。"
    )


def unsupported(kind: str) -> str:
    """Reply to pictures, video, location, links and anything else that is not text or voice."""
    names = {
        "image": "图片",
        "video": "视频",
        "shortvideo": "小视频",
        "location": "位置",
        "link": "链接",
        "file": "文件",
    }
    what = names.get(kind, "这类消息")
    return f"抱歉，暂时看不了{what}，目前只能处理文字和语音消息。请直接打字或发语音描述您的问题～"
