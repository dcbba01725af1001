"""A request taken through the steps the progress tests read: recorded, accepted, dispatched, replied (an
internal reply), noted (an internal note), closed with the answer."""

from tuoyu.accounts.models import User
from tuoyu.enterprises.models import Department, Enterprise, ServiceRequest, ServiceTeam, Urgency
from tuoyu.enterprises.services.requests import (
    Problem,
    dispatch_reply,
    request_accept,
    request_close,
    request_dispatch,
    request_note,
    request_record,
)

PROBLEM = "食品经营许可证延续办理慢"
REPLY = "内部答复：已走绿色通道，材料缺一页QXR"
NOTE = "内部备注：企业负责人脾气急QXN"
ANSWER = "许可证已于11月27日延续，请到窗口领取。"


def recorded(officer: User, enterprise: Enterprise, team: ServiceTeam) -> ServiceRequest:
    return request_record(
        actor=officer,
        enterprise=enterprise,
        team=team,
        problem=Problem(category="approval", urgency=Urgency.ORDINARY, description=PROBLEM),
    )


def handled(
    officer: User,
    enterprise: Enterprise,
    team: ServiceTeam,
    department: Department,
    contact: User,
    *,
    close: bool = True,
) -> ServiceRequest:
    """Accepted, dispatched to ``department``, replied by ``contact``, noted, and closed (unless not)."""
    request = recorded(officer, enterprise, team)
    request_accept(request=request, actor=officer)
    (dispatch,) = request_dispatch(request=request, actor=officer, departments=[department])
    dispatch_reply(dispatch=dispatch, actor=contact, reply=REPLY)
    request_note(request=request, actor=officer, note=NOTE)
    if close:
        request_close(request=request, actor=officer, answer=ANSWER, resolved=True)
    request.refresh_from_db()
    request.case.refresh_from_db()
    return request
