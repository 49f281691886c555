"""Handlers for coach group chats and the private consent flow that guards them."""

from __future__ import annotations

from datetime import date

from bot.dialog.keyboards import button as make_button
from bot.dialog.turn import Turn
from bot.dialog.types import Identity, Incoming, Reply
from bot.handlers.data import small_int
from bot.services import groups as svc
from models.queries import group_by_chat
from models.tables import CoachGroup

BUTTON_PREFIXES = ("consent:", "asg:")
GROUP_COMMANDS = ("coach", "join", "leave", "team", "assign", "help", "start")


def dispatch(turn: Turn, incoming: Incoming, identity: Identity) -> list[Reply]:
    """Everything that happens in a group: membership events and the group commands; the rest is ignored."""
    assert identity.chat_id is not None
    if incoming.event == "added_to_group":
        added = svc.register_group(turn.session, identity.chat_id, identity.chat_title, identity.user_id)
        return [turn.say("groups/welcome", group=added, bot=turn.dialog.bot_username)]
    group = group_by_chat(turn.session, identity.chat_id)
    if incoming.event == "removed_from_group":
        if group is not None:
            group.active = False
            turn.session.add(group)
        return []
    if incoming.event == "migrated" and incoming.new_chat_id is not None:
        if group is not None:
            group.chat_id = incoming.new_chat_id
            turn.session.add(group)
        return []
    text = (incoming.text or "").strip()
    if not text.startswith("/"):
        return []  # privacy mode: plain group chatter is not ours to read
    name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()
    if name not in GROUP_COMMANDS:
        return []
    if group is None:
        group = svc.register_group(turn.session, identity.chat_id, identity.chat_title,
                                   identity.user_id if name == "coach" else None)
    return GROUP_HANDLERS[name](turn, group, identity, incoming)


def _coach(turn: Turn, group: CoachGroup, identity: Identity, incoming: Incoming) -> list[Reply]:
    """/coach: a group admin (or the one who added the bot) becomes the group's coach."""
    if not (incoming.is_admin or group.coach_user_id in (None, identity.user_id)):
        return [turn.say("groups/not_admin")]
    group.coach_user_id = identity.user_id
    turn.session.add(group)
    turn.stored.append("coach")
    return [turn.say("groups/coach_set", group=group, bot=turn.dialog.bot_username)]


def _join(turn: Turn, group: CoachGroup, identity: Identity, incoming: Incoming) -> list[Reply]:
    """/join in the group: consent is asked privately; nothing is shared until the runner confirms."""
    assert group.id is not None
    current = svc.consent_of(turn.session, group.id, turn.runner_id)
    if current is None:
        svc.set_consent(turn.session, group.id, turn.runner_id, "pending")
    if turn.runner.chat_id is None:
        return [turn.say("groups/join_start_first", group=group, bot=turn.dialog.bot_username)]
    return [turn.say("groups/join_check_private"), consent_question(turn, group, chat_id=turn.runner.chat_id)]


def _leave(turn: Turn, group: CoachGroup, identity: Identity, incoming: Incoming) -> list[Reply]:
    """/leave in the group: consent withdrawn at once."""
    left = svc.withdraw(turn.session, turn.runner_id, group.id)
    if left:
        turn.stored.append("consent")
    return [turn.say("groups/left", groups=left, in_group=True)]


def _team(turn: Turn, group: CoachGroup, identity: Identity, incoming: Incoming) -> list[Reply]:
    """/team: the consenting athletes today; nobody else."""
    members = svc.team(turn.session, group, turn.now)
    return [turn.say("groups/team", group=group, members=members, bot=turn.dialog.bot_username)]


def _assign(turn: Turn, group: CoachGroup, identity: Identity, incoming: Incoming) -> list[Reply]:
    """/assign NAME WORKOUT [MINUTES] [tomorrow]: the coach proposes, the athlete accepts or declines."""
    if identity.user_id is None or identity.user_id != group.coach_user_id:
        return [turn.say("groups/assign_not_coach")]
    args = (incoming.text or "").split(maxsplit=1)[1:] or [""]
    plan = svc.parse_assignment(turn.session, group, args[0], turn.now)
    if plan is None:
        return [turn.say("groups/assign_usage")]
    if plan.runner.chat_id is None:
        return [turn.say("groups/assign_unreachable", a=plan)]
    data = f"asg:{group.id}:{plan.day.strftime('%Y%m%d')}:{plan.workout_type}:{plan.minutes}"
    buttons = ((make_button("assign_accept", data + ":y"), make_button("assign_decline", data + ":n")),)
    offer = turn.say("groups/assign_offer", buttons=buttons, a=plan, group=group)
    return [turn.say("groups/assign_sent", a=plan),
            Reply(text=offer.text, buttons=offer.buttons, chat_id=plan.runner.chat_id)]


def _help(turn: Turn, group: CoachGroup, identity: Identity, incoming: Incoming) -> list[Reply]:
    """/help in a group."""
    return [turn.say("groups/help", bot=turn.dialog.bot_username)]


GROUP_HANDLERS = {"coach": _coach, "join": _join, "leave": _leave, "team": _team, "assign": _assign, "help": _help,
                  "start": _help}


def consent_question(turn: Turn, group: CoachGroup, chat_id: int | None = None) -> Reply:
    """The private question: what may this group see?"""
    g = group.id
    scopes = ("summary", "wellness", "no")
    buttons = tuple((make_button(f"consent_{scope}", f"consent:{g}:{scope}"),) for scope in scopes)
    reply = turn.say("groups/consent_question", buttons=buttons, group=group)
    return Reply(text=reply.text, buttons=reply.buttons, chat_id=chat_id)


def start_with_link(turn: Turn, arg: str) -> list[Reply]:
    """/start join_<group> from a deep link: ask for consent in this private chat."""
    group_id = small_int(arg[5:]) if arg.startswith("join_") else None
    if group_id is not None:
        group = turn.session.get(CoachGroup, group_id)
        if group is not None and group.active:
            assert group.id is not None
            if svc.consent_of(turn.session, group.id, turn.runner_id) is None:
                svc.set_consent(turn.session, group.id, turn.runner_id, "pending")
            return [consent_question(turn, group)]
    return [turn.say("general/smalltalk", new_runner=True)]


def join_private(turn: Turn, arg: str) -> list[Reply]:
    """/join in private: joining starts in the group (or from its link)."""
    if arg:
        return start_with_link(turn, arg if arg.startswith("join_") else f"join_{arg}")
    return [turn.say("groups/join_how")]


def leave_private(turn: Turn, arg: str) -> list[Reply]:
    """/leave in private: withdraw consent from every group."""
    left = svc.withdraw(turn.session, turn.runner_id)
    if left:
        turn.stored.append("consent")
    return [turn.say("groups/left", groups=left, in_group=False)]


def button(turn: Turn, data: str) -> list[Reply]:
    """``consent:...`` or ``asg:...`` tapped in the private chat."""
    return assignment_answer(turn, data) if data.startswith("asg:") else consent_answer(turn, data)


def assignment_answer(turn: Turn, data: str) -> list[Reply]:
    """``asg:<group>:<yyyymmdd>:<type>:<minutes>:y|n``: the athlete's answer to the coach's workout."""
    parts = data.split(":")
    if len(parts) != 6 or small_int(parts[1]) is None or small_int(parts[4], 3) is None or parts[5] not in ("y", "n"):
        return [turn.say("buttons/stale")]
    group = turn.session.get(CoachGroup, small_int(parts[1]))
    if group is None or group.id is None or svc.consent_of(turn.session, group.id, turn.runner_id) is None:
        return [turn.say("buttons/stale")]
    try:
        day = date.fromisoformat(f"{parts[2][:4]}-{parts[2][4:6]}-{parts[2][6:]}") if small_int(parts[2], 8) else None
    except ValueError:
        day = None
    if day is None:
        return [turn.say("buttons/stale")]
    if parts[3] not in svc.WORKOUT_WORDS.values() or day < turn.today:
        return [turn.say("buttons/stale")]
    accepted = parts[5] == "y"
    if accepted:
        svc.accept_assignment(turn.session, turn.runner, day, parts[3], small_int(parts[4], 3) or 0, group)
        turn.stored.append("recommendation")
    note = turn.say("groups/assign_answer", accepted=accepted, workout_type=parts[3], day=day)
    return [turn.say("groups/assign_confirmed", accepted=accepted, day=day),
            Reply(text=note.text, chat_id=group.chat_id)]


def consent_answer(turn: Turn, data: str) -> list[Reply]:
    """``consent:<group>:summary|wellness|no`` tapped in the private chat."""
    parts = data.split(":")
    if len(parts) != 3 or small_int(parts[1]) is None or parts[2] not in ("summary", "wellness", "no"):
        return [turn.say("buttons/stale")]
    group = turn.session.get(CoachGroup, small_int(parts[1]))
    if group is None:
        return [turn.say("buttons/stale")]
    if parts[2] == "no":
        svc.withdraw(turn.session, turn.runner_id, group.id)
        return [turn.say("groups/consent_declined", group=group)]
    assert group.id is not None
    svc.set_consent(turn.session, group.id, turn.runner_id, parts[2])
    turn.stored.append("consent")
    announce = turn.say("groups/member_joined", group=group)
    return [turn.say("groups/consent_saved", group=group, scope=parts[2]),
            Reply(text=announce.text, chat_id=group.chat_id)]
