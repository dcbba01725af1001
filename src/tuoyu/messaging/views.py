"""Pages of 家园沟通: the conversations (a family's, one per child; the staff's inbox), a conversation with
its composer, its photos, and the notices (the director posts them and sees who has read them)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.access import (
    AuthenticatedRequest,
    Perm,
    get_visible_or_404,
    has_perm,
    in_scope_of,
    roles_of,
)
from tuoyu.accounts.models import Role
from tuoyu.enrolment.selectors import is_guardian_of
from tuoyu.messaging import services
from tuoyu.messaging.forms import MessageForm, NoticeForm
from tuoyu.messaging.models import Side
from tuoyu.messaging.selectors import (
    children_to_talk_about,
    conversations_visible_to,
    current_placement,
    message_photos_visible_to,
    messages_of,
    notice_readers,
    notices_posted_visible_to,
    notices_visible_to,
    read_state_of,
    with_unread,
)
from tuoyu.refusals import refusal_shown
from tuoyu.registry.selectors import classes_visible_to, institutions_visible_to
from tuoyu.uploads import serve_upload


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    """The family's conversations (one per child holding a place) and the staff's inbox, with unread
    counts."""
    today = timezone.localdate()
    conversations = list(
        with_unread(conversations_visible_to(request.user, today), request.user).order_by(
            "-last_message_at", "child__name", "pk"
        )
    )
    talking = {(c.child_id, c.institution_id): c for c in conversations}
    own_children = []
    for child in children_to_talk_about(request.user, today).of_guardian(request.user):
        placement = current_placement(child, today)
        if placement is not None:
            own_children.append(
                {
                    "child": child,
                    "placement": placement,
                    "conversation": talking.get((child.pk, placement.institution_id)),
                }
            )
    inbox = [
        c
        for c in conversations
        if getattr(c, "my_side", "") == Side.INSTITUTION and c.last_message_at is not None
    ]
    staff_side = _is_staff_side(request.user)
    families = (
        list(
            children_to_talk_about(request.user, today)
            .exclude(guardianships__user=request.user)
            .order_by("name", "pk")
        )
        if staff_side
        else []
    )
    context = {
        "own_children": own_children,
        "inbox": inbox,
        "families": families,
        "is_staff_side": staff_side,
    }
    return render(request, "messaging/index.html", context)


def _is_staff_side(user: object) -> bool:
    return has_perm(user, Perm.MESSAGE_FAMILIES) or Role.CAREGIVER in roles_of(user)


@login_required
def conversation(request: AuthenticatedRequest, child: UUID) -> HttpResponse:
    """A child's conversation: the messages with their read receipts and the composer (text and a photo)."""
    kid = get_visible_or_404(children_to_talk_about(request.user, timezone.localdate()), code=child)
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request):
            services.message_send(
                actor=request.user,
                child=kid,
                body=form.cleaned_data["body"],
                photo=form.cleaned_data["photo"],
            )
            messages.success(request, _("Message sent."))
        return redirect("messaging:conversation", child=kid.code)
    talk = services.conversation_open(actor=request.user, child=kid)
    my_side = Side.FAMILY if is_guardian_of(request.user, kid) else Side.INSTITUTION
    state = read_state_of(talk)
    rows = [{"message": m, "mine": m.side == my_side, "read": state.is_read(m)} for m in messages_of(talk)]
    placement = current_placement(kid, timezone.localdate())
    context = {"child": kid, "conversation": talk, "rows": rows, "form": form, "placement": placement}
    return render(request, "messaging/conversation.html", context)


@login_required
def photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A photo of a message, for the participants of its conversation only."""
    message = get_visible_or_404(message_photos_visible_to(request.user, timezone.localdate()), pk=pk)
    return serve_upload(message.photo)


@login_required
def notices(request: AuthenticatedRequest) -> HttpResponse:
    """The notices the user received; the director posts one to the institution or a class."""
    institutions = list(institutions_visible_to(request.user, Perm.MESSAGE_FAMILIES).order_by("name"))
    form = None
    if institutions:
        classes = list(
            in_scope_of(
                classes_visible_to(request.user), request.user, Perm.MESSAGE_FAMILIES, "institution__"
            )
            .select_related("institution")
            .order_by("institution__name", "age_band", "name")
        )
        form = NoticeForm(request.POST or None, institutions=institutions, classes=classes)
        if request.method == "POST" and form.is_valid():
            kind, code = form.cleaned_data["audience"].split(":", 1)
            care_class = next((c for c in classes if kind == "c" and str(c.code) == code), None)
            institution = (
                care_class.institution if care_class else next(i for i in institutions if str(i.code) == code)
            )
            with refusal_shown(request) as attempt:
                notice = services.notice_post(
                    actor=request.user,
                    institution=institution,
                    care_class=care_class,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            if not attempt.refused:
                messages.success(request, _("The notice was posted."))
                return redirect("messaging:notice", code=notice.code)
    elif request.method == "POST":
        raise Http404
    rows = notices_visible_to(request.user).order_by("-posted_at", "-pk")[:50]
    return render(request, "messaging/notices.html", {"notices": rows, "form": form})


@login_required
def notice(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """A notice; opening it marks it read. Its director sees who has read it and who has not."""
    item = get_visible_or_404(notices_visible_to(request.user), code=code)
    services.notice_mark_read(actor=request.user, notice=item)
    readers = None
    if notices_posted_visible_to(request.user).filter(pk=item.pk).exists():
        readers = list(notice_readers(item))
    return render(request, "messaging/notice.html", {"notice": item, "readers": readers})
