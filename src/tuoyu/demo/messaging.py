"""家园沟通 in the demo district: every family's reply to a daily report as a message of the child's
conversation (inserted in bulk: the caregiver who published the report has read all but the last day's),
a conversation at 爱彼宝's 托小班 between a family and 张敏 with a photo, and 李静's notices (one to the whole
institution, one to 托小班) read by most of their recipients.
"""

import datetime
import random
import struct
import zlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.daycare.models import DailyReport
from tuoyu.demo.supervision import as_of, at
from tuoyu.enrolment.models import Child, Guardianship
from tuoyu.messaging.models import Conversation, ConversationRead, Message, NoticeRecipient, Side
from tuoyu.messaging.services import conversation_open, message_send, notice_post
from tuoyu.registry.models import CareClass

AIBIBAO = "爱彼宝济宁托育中心"
SEED = 2026_12


def drawing_png(width: int = 320, height: int = 240) -> ContentFile:
    """A child's drawing as a photo: a sun over a green hill under a blue sky (PNG, written by hand)."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if (x - 250) ** 2 + (y - 55) ** 2 <= 30**2:
                row += b"\xff\xcc\x33"  # the sun
            elif y > 170 - ((x - 160) ** 2) // 400:
                row += b"\x5c\xb8\x5c"  # the hill
            else:
                row += b"\x9f\xd3\xf5"  # the sky
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"".join(rows))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    return ContentFile(png, name="在家画的画.png")


def seed_report_replies(now: datetime.datetime) -> int:
    """Each reply to a daily report becomes a message of the child's conversation, in bulk."""
    replies: list[dict[str, Any]] = [
        dict(row)
        for row in DailyReport.objects.exclude(reply="")
        .order_by("replied_at", "pk")
        .values("child_id", "care_class__institution_id", "day", "reply", "replied_at", "published_by_id")
    ]
    if not replies:
        return 0
    guardian_of: dict[int, int] = {}
    for child_id, user_id in Guardianship.objects.order_by("pk").values_list("child_id", "user_id"):
        guardian_of.setdefault(child_id, user_id)
    pairs: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for reply in replies:
        pairs.setdefault((reply["child_id"], reply["care_class__institution_id"]), []).append(reply)
    Conversation.objects.bulk_create(
        [
            Conversation(
                child_id=child_id,
                institution_id=institution_id,
                created_at=rows[0]["replied_at"],
                last_message_at=rows[-1]["replied_at"],
            )
            for (child_id, institution_id), rows in pairs.items()
        ]
    )
    conversation_of = {
        (c.child_id, c.institution_id): c.pk
        for c in Conversation.objects.filter(child_id__in={child for child, _ in pairs})
    }
    last_day = max(reply["day"] for reply in replies)
    messages, reads = [], []
    for key, rows in pairs.items():
        conversation = conversation_of[key]
        family = guardian_of[key[0]]
        for reply in rows:
            messages.append(
                Message(
                    conversation_id=conversation,
                    author_id=family,
                    side=Side.FAMILY,
                    body=reply["reply"],
                    report_day=reply["day"],
                    created_at=reply["replied_at"],
                )
            )
        reads.append(
            ConversationRead(
                conversation_id=conversation,
                user_id=family,
                side=Side.FAMILY,
                last_read_at=rows[-1]["replied_at"],
            )
        )
        read = [reply for reply in rows if reply["day"] < last_day]
        staff = rows[-1]["published_by_id"]
        if read and staff is not None and staff != family:
            moment = min(read[-1]["replied_at"] + datetime.timedelta(hours=14), now)
            reads.append(
                ConversationRead(
                    conversation_id=conversation, user_id=staff, side=Side.INSTITUTION, last_read_at=moment
                )
            )
    Message.objects.bulk_create(messages, batch_size=500)
    ConversationRead.objects.bulk_create(reads, batch_size=500)
    return len(messages)


def seed_toddler_class_conversation(caregiver: User, today: datetime.date) -> Child:
    """A family of 爱彼宝's 托小班 and 张敏 write over the last days; the photo of a drawing among them."""
    care_class = CareClass.objects.get(institution__name=AIBIBAO, name="托小班")
    child = (
        Child.objects.in_class(care_class, today)
        .exclude(name="周嘉树")  # the access tests' target child keeps a conversation of his own
        .filter(guardianships__isnull=False)
        .order_by("name", "pk")
        .first()
    )
    assert child is not None
    family = User.objects.filter(guardianships__child=child).order_by("pk").first()
    assert family is not None
    two_days_ago = today - datetime.timedelta(days=2)
    yesterday = today - datetime.timedelta(days=1)
    lines: list[tuple[datetime.datetime, User, str, bool]] = [
        (
            at(two_days_ago, 7, 40),
            family,
            "张老师好，孩子昨晚有点咳嗽，今天午睡后麻烦帮忙多喂点温水，谢谢！",
            False,
        ),
        (
            at(two_days_ago, 9, 5),
            caregiver,
            "收到！晨检体温36.5℃，精神不错。我们会注意多喂水，有情况第一时间联系您。",
            False,
        ),
        (at(two_days_ago, 15, 20), caregiver, "下午喝了三次水，咳嗽不多，午睡也睡得很好，请放心。", False),
        (at(yesterday, 19, 30), family, "这是孩子昨晚在家画的画，说要送给张老师和小朋友们。", True),
        (at(yesterday, 19, 32), family, "另外周五她奶奶来接，麻烦老师核对一下接送人信息。", False),
    ]
    for moment, author, body, with_photo in lines:
        with as_of(moment):
            if author == caregiver:
                conversation_open(actor=caregiver, child=child, now=moment)
            message_send(
                actor=author, child=child, body=body, photo=drawing_png() if with_photo else None, now=moment
            )
    return child


def seed_notices(director: User, today: datetime.date, now: datetime.datetime) -> None:
    """李静's two notices: the New Year's closure to all of 爱彼宝, the open morning to 托小班; most read."""
    rng = random.Random(SEED)
    care_class = CareClass.objects.get(institution__name=AIBIBAO, name="托小班")
    notices = [
        (
            at(today - datetime.timedelta(days=4), 16, 30),
            None,
            "2027年元旦放假通知",
            "各位家长：根据国务院办公厅通知，2027年1月1日（星期五）至1月3日（星期日）放假，共3天。"
            "1月4日（星期一）正常入托。放假期间请注意孩子的饮食和作息，外出时做好保暖。祝大家新年快乐！",
        ),
        (
            at(today - datetime.timedelta(days=2), 17, 10),
            care_class,
            "托小班亲子开放日邀请",
            "各位家长：本周五上午9:30—11:00举行托小班亲子开放日，欢迎一位家长陪同孩子参加户外游戏和手工活动。"
            "请穿运动鞋，并于9:20前到园。如不能参加，请在家园沟通中告诉张老师。",
        ),
    ]
    for moment, target, title, body in notices:
        with as_of(moment):
            notice = notice_post(
                actor=director,
                institution=care_class.institution,
                care_class=target,
                title=title,
                body=body,
                now=moment,
            )
        for recipient in NoticeRecipient.objects.filter(notice=notice).order_by("pk"):
            if rng.random() < 0.7:
                read = min(moment + datetime.timedelta(minutes=rng.randint(5, 300)), now)
                NoticeRecipient.objects.filter(pk=recipient.pk).update(read_at=read)


def seed_messaging(*, users: dict[str, User], today: datetime.date) -> None:
    now = timezone.now()
    seed_report_replies(now)
    seed_toddler_class_conversation(users["caregiver"], today)
    seed_notices(users["director"], today, now)
