"""Notifications: queued in the transaction of each change (one message per person per
commit, none when the change rolls back), delivered by `notify send` to a real SMTP server
on 127.0.0.1 (aiosmtpd), left queued when the server refuses or drops the connection, and
never sent twice, a killed send included."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import os
import shutil
import signal
import socket
import ssl
import subprocess
import threading
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from labops import tables as t
from labops.bookings import service as bookings
from labops.db import Database
from labops.errors import Conflict
from labops.notifications import send as sending
from labops.notifications import service as notifications
from labops.notifications.model import MessageStatus
from labops.permissions import Actor
from labops.planning import commit as committing
from labops.planning.build import build_snapshot
from labops.planning.proposal import Change, make_proposal
from labops.platform.load import load_platform
from labops.platform.read import parse_platform_text
from labops.requests import service as requests
from labops.vocabulary import Access, DowntimeKind
from solver.plan import Plan
from tests.conftest import NOW
from tests.labops.test_multiuser import CONTEXT
from tests.postgres import outside

OPERATOR = Actor(id="op", access=Access.OPERATOR, name="Olga Operator")
PEOPLE = [f"p{i}" for i in range(10)]
WEEKDAYS = ", ".join(f'{d} = "08:00-18:00"' for d in ("mon", "tue", "wed", "thu", "fri"))
POOLS = "\n".join(
    f'[[fund_pools]]\nid = "{k[:4]}"\nname = "{k}"\nkind = "{k}"\nbudget = 100000\n'
    for k in ("asset operations", "product development", "venture", "mergers & acquisitions")
)


def _platform_text() -> str:
    """Ten benches and ten people, each booked on their bench on Monday 7 December 10:00
    (Berlin); an operator, op; and a submitted request of p0's project."""
    parts = [
        'format = 1\n[platform]\nname = "Notify Lab"\ntimezone = "Europe/Berlin"\n'
        'anchor = 2026-11-30\nidentity = "open"\n',
        '[[kinds]]\nid = "bench"\nname = "Bench"\n',
        f'[[sites]]\nid = "lab"\nname = "Main Lab"\nhours = {{ {WEEKDAYS} }}\n',
    ]
    for i in range(10):
        parts.append(
            f'[[equipment]]\nid = "bench-{i}"\nname = "Bench {i}"\nsite = "lab"\n'
            'kind = "bench"\nhourly_rate = 10\n'
        )
    for i, person in enumerate(PEOPLE):
        parts.append(
            f'[[people]]\nid = "{person}"\nname = "Person {i}"\nemail = "{person}@lab.test"\n'
            'role = "industry engineer"\naccess = "lead"\nhome_site = "lab"\n'
            "skills = { bench = 1 }\n"
        )
    parts.append(
        '[[people]]\nid = "op"\nname = "Olga Operator"\nemail = "op@lab.test"\n'
        'role = "platform architect"\naccess = "operator"\nhome_site = "lab"\n'
    )
    parts.append(POOLS)
    members = ", ".join(f'"{p}"' for p in PEOPLE)
    parts.append(
        '[[projects]]\nid = "bench-work"\nname = "Bench work"\nsource_technology = "x"\n'
        'demand_partner = "y"\nstage = "prototype"\nlead = "p0"\npriority = 3\n'
        f'fund_pool = "prod"\nbudget = 100000\nmembers = [{members}]\n'
    )
    parts.append(
        '[[requests]]\nid = 1\nproject = "bench-work"\nrequester = "p0"\n'
        'title = "Bench series"\nstatus = "scheduled"\nsubmitted = 2026-11-20T09:00:00\n'
    )
    for i in range(10):
        parts.append(
            f'[[requests.tasks]]\nkey = "t{i}"\nduration = "1h"\n'
            f'equipment = [{{ unit = "bench-{i}" }}]\nstaff = [{{ skill = "bench" }}]\n'
        )
    parts.append(
        '[[requests]]\nid = 2\nproject = "bench-work"\nrequester = "p1"\n'
        'title = "One more"\nstatus = "submitted"\nsubmitted = 2026-11-21T09:00:00\n'
        '[[requests.tasks]]\nkey = "x"\nduration = "1h"\nequipment = [{ unit = "bench-0" }]\n'
    )
    for i, person in enumerate(PEOPLE):
        parts.append(
            f'[[bookings]]\nrequest = 1\ntask = "t{i}"\nstart = 2026-12-07T10:00:00\n'
            f'end = 2026-12-07T11:00:00\nunits = ["bench-{i}"]\npeople = ["{person}"]\n'
        )
    return "\n".join(parts)


@pytest.fixture
def lab(db: Database) -> Database:
    load_platform(db, parse_platform_text(_platform_text()), actor=None, now=NOW)
    return db


def _outbox(db: Database) -> list[t.Notification]:
    with db.read() as session:
        return list(session.exec(select(t.Notification).order_by(t.Notification.id)))


def _one_day_later(db: Database):
    """A proposal that moves every booking a day later (Tuesday 10:00 Berlin)."""
    with db.read() as session:
        snapshot = build_snapshot(session, now=NOW, weeks=3)
    day = dt.timedelta(days=1)
    moved = {
        key: dataclasses.replace(a, start=snapshot.grid.floor(snapshot.grid.at(a.start) + day))
        for key, a in snapshot.problem.current.items()
    }
    return make_proposal(snapshot, Plan(assignments=moved, status="feasible"))


def test_a_plan_moving_ten_peoples_bookings_queues_ten_messages(lab: Database) -> None:
    proposal = _one_day_later(lab)
    assert [c.change for c in proposal.changes] == [Change.MOVED] * 10
    committing.commit_proposal(lab, proposal, actor=OPERATOR, now=NOW)
    messages = _outbox(lab)
    assert sorted(m.person_id for m in messages) == PEOPLE
    assert all(m.status == MessageStatus.QUEUED and m.topic == "bookings" for m in messages)
    p3 = next(m for m in messages if m.person_id == "p3")
    assert p3.recipient == "p3@lab.test"
    # What changed, old and new times (Berlin), unit, site, who to ask.
    assert "Moved: task t3 of request 1" in p3.body
    assert "was:  Mon 07 Dec 10:00-11:00 on bench-3 (Main Lab)" in p3.body
    assert "now:  Tue 08 Dec 10:00-11:00 on bench-3 (Main Lab)" in p3.body
    assert "Olga Operator <op@lab.test>" in p3.body
    assert "bench-4" not in p3.body  # only their own bookings


def test_a_commit_that_rolls_back_queues_nothing(
    lab: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    proposal = _one_day_later(lab)

    def fail_at_the_end(*args, **kwargs):
        raise Conflict("refused at the last step")

    # The plan run is recorded after the messages are queued, in the same transaction.
    monkeypatch.setattr(committing, "_record_run", fail_at_the_end)
    with pytest.raises(Conflict):
        committing.commit_proposal(lab, proposal, actor=OPERATOR, now=NOW)
    assert _outbox(lab) == []


def test_one_message_per_person_per_commit(lab: Database) -> None:
    # Withdrawing the request cancels all ten bookings: p0 leads and is on one of them, yet
    # gets one message, with the cancellation in it.
    p0 = Actor(id="p0", access=Access.LEAD, leads=frozenset({"bench-work"}))
    requests.withdraw_request(lab, actor=p0, request_id=1, now=NOW)
    messages = _outbox(lab)
    assert sorted(m.person_id for m in messages) == PEOPLE
    body = next(m.body for m in messages if m.person_id == "p0")
    assert body.count("Cancelled: task t0") == 1 and "now:  cancelled" not in body


def test_decisions_cancellations_and_downtime_queue_messages(lab: Database) -> None:
    requests.reject_request(lab, actor=OPERATOR, request_id=2, now=NOW, reason="bench-0 is busy")
    bookings.change_booking(lab, actor=OPERATOR, booking_id=4, operation="cancel", now=NOW)
    start = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    bookings.add_downtime(
        lab, actor=OPERATOR, unit_id="bench-5", start=start, end=start + dt.timedelta(hours=4),
        kind=DowntimeKind.BREAKDOWN, reason="leak", now=NOW,
    )  # fmt: skip
    bookings.change_booking(lab, actor=OPERATOR, booking_id=7, operation="lock", now=NOW)
    lead, requester, cancelled, downtime = _outbox(lab)  # locking changes nobody's day
    # The project's lead and the requester hear of the decision.
    assert (lead.person_id, requester.person_id) == ("p0", "p1")
    assert lead.subject == "Notify Lab: request 2 rejected" == requester.subject
    assert "Reason: bench-0 is busy" in lead.body
    assert (cancelled.person_id, downtime.person_id) == ("p3", "p5")
    assert "Cancelled: task t3 of request 1" in cancelled.body
    assert "when: Mon 07 Dec 10:00-11:00 on bench-3 (Main Lab)" in cancelled.body
    assert "Hit by downtime of bench-5 (Mon 07 Dec 09:00-13:00); it may move" in downtime.body


def test_an_approval_reaches_the_lead_and_the_requester(lab: Database) -> None:
    requests.approve_request(lab, actor=OPERATOR, request_id=2, now=NOW, note="go ahead")
    messages = _outbox(lab)
    assert sorted(m.person_id for m in messages) == ["p0", "p1"]
    assert all(m.subject == "Notify Lab: request 2 approved" for m in messages)
    assert all("Note: go ahead" in m.body and "Reason" not in m.body for m in messages)


def test_certificate_reminders_are_queued_once(lab: Database, db_path) -> None:
    outside(db_path, "INSERT INTO certification (person_id, kind_id, expires) VALUES "
            "('p2', 'bench', '2026-12-20'), ('p3', 'bench', '2027-03-01')")  # fmt: skip
    assert notifications.queue_expiring_certificates(lab, actor=OPERATOR, now=NOW) == 1
    assert notifications.queue_expiring_certificates(lab, actor=OPERATOR, now=NOW) == 0
    [reminder] = _outbox(lab)
    assert reminder.person_id == "p2"
    assert "valid until Sun 20 Dec 2026, 25 days from today" in reminder.body


# --- delivery -------------------------------------------------------------------------


class Inbox:
    """What the test SMTP server accepted."""

    def __init__(self, refuse: bool = False, hold: float = 0.0) -> None:
        self.received: list[tuple[list[str], Message]] = []
        self.refuse = refuse
        self.hold = hold  # seconds to wait before accepting the first message
        self.data_started = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.data_started.set()
        if self.refuse:
            return "554 5.7.1 refused by the test"
        if self.hold:
            await asyncio.sleep(self.hold)
            self.hold = 0.0
        self.received.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    started: list[Controller] = []

    def start(inbox: Inbox) -> sending.SmtpConfig:
        port = _free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return sending.SmtpConfig(
            host="127.0.0.1", port=port, security="none", sender="labops@lab.test", timeout=5
        )

    yield start
    for controller in started:
        controller.stop()


def _moved(lab: Database) -> None:
    committing.commit_proposal(lab, _one_day_later(lab), actor=OPERATOR, now=NOW)


def test_send_delivers_to_the_right_people_and_marks_them_sent(lab, smtp_server) -> None:
    _moved(lab)
    inbox = Inbox()
    config = smtp_server(inbox)
    summary = sending.send_due(lab, actor=OPERATOR, config=config, now=NOW)
    assert (summary.sent, summary.failed) == (10, 0)
    assert sorted(rcpt for rcpts, _ in inbox.received for rcpt in rcpts) == sorted(
        f"{p}@lab.test" for p in PEOPLE
    )
    by_rcpt = {rcpts[0]: mail for rcpts, mail in inbox.received}
    mail = by_rcpt["p7@lab.test"]
    assert (
        mail["From"] == "labops@lab.test" and mail["Subject"] == "Notify Lab: your bookings changed"
    )
    assert "now:  Tue 08 Dec 10:00-11:00 on bench-7 (Main Lab)" in mail.get_payload()
    ids = {m.id: m for m in _outbox(lab)}
    assert {mail["Message-ID"] for _, mail in inbox.received} == {
        f"<labops-notification-{n}@lab.test>" for n in ids
    }
    assert all(m.status == MessageStatus.SENT and m.sent_at == NOW for m in ids.values())
    # A second run sends nothing again.
    assert sending.send_due(lab, actor=OPERATOR, config=config, now=NOW).sent == 0
    assert len(inbox.received) == 10


def test_a_refusing_server_leaves_the_messages_queued_to_retry(lab, smtp_server) -> None:
    _moved(lab)
    config = smtp_server(Inbox(refuse=True))
    summary = sending.send_due(lab, actor=OPERATOR, config=config, now=NOW)
    assert (summary.sent, summary.failed) == (0, 10)
    assert "554" in summary.error
    messages = _outbox(lab)
    assert all(m.status == MessageStatus.QUEUED and m.attempts == 1 for m in messages)
    assert all(m.next_attempt_at == NOW + sending.FIRST_RETRY for m in messages)
    # Not due before the backoff ends; then delivered by a server that accepts.
    inbox = Inbox()
    good = smtp_server(inbox)
    assert sending.send_due(lab, actor=OPERATOR, config=good, now=NOW).sent == 0
    later = NOW + sending.FIRST_RETRY
    assert sending.send_due(lab, actor=OPERATOR, config=good, now=later).sent == 10
    assert len(inbox.received) == 10


def test_a_dropped_or_refused_connection_leaves_the_messages_queued(lab: Database) -> None:
    _moved(lab)
    with socket.socket() as listener:  # accepts, then hangs up at once
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]

        def hang_up() -> None:
            connection, _ = listener.accept()
            connection.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        config = sending.SmtpConfig("127.0.0.1", port, "none", "labops@lab.test", timeout=5)
        summary = sending.send_due(lab, actor=OPERATOR, config=config, now=NOW)
        thread.join(5)
    assert (summary.sent, summary.failed) == (0, 10)
    closed = dataclasses.replace(config, port=port)  # nobody listens there any more
    later = NOW + dt.timedelta(days=2)
    assert sending.send_due(lab, actor=OPERATOR, config=closed, now=later).failed == 10
    messages = _outbox(lab)
    assert all(m.status == MessageStatus.QUEUED and m.attempts == 2 for m in messages)
    assert all(m.last_error for m in messages)


def test_backoff_doubles_up_to_a_day() -> None:
    assert [sending.backoff(n).total_seconds() / 60 for n in (1, 2, 3)] == [5, 10, 20]
    assert sending.backoff(20) == dt.timedelta(days=1)


def _send_in_child(path: str, config: sending.SmtpConfig) -> None:
    database = Database.open(path)
    sending.send_due(database, actor=OPERATOR, config=config, now=NOW)


def test_a_killed_send_sends_nothing_twice(lab: Database, db_path, smtp_server) -> None:
    _moved(lab)
    # The server holds its reply to the first message; the sender is killed while it waits,
    # after it claimed the message and sent all of it.
    inbox = Inbox(hold=3.0)
    config = smtp_server(inbox)
    child = CONTEXT.Process(target=_send_in_child, args=(str(db_path), config))
    child.start()
    assert inbox.data_started.wait(30)
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    [claimed] = [m for m in _outbox(lab) if m.status == MessageStatus.SENDING]
    interrupted = f"<labops-notification-{claimed.id}@lab.test>"
    # The next run sends the nine others, never the interrupted one.
    summary = sending.send_due(lab, actor=OPERATOR, config=config, now=NOW)
    assert summary.sent == 9
    ids = [mail["Message-ID"] for _, mail in inbox.received if mail["Message-ID"] != interrupted]
    assert len(ids) == len(set(ids)) == 9
    assert all(m.status == MessageStatus.SENT for m in _outbox(lab) if m.id != claimed.id)
    again = sending.send_due(lab, actor=OPERATOR, config=config, now=NOW + dt.timedelta(days=9))
    assert again.sent == 0
    # Shown as interrupted: it may have arrived; an operator decides whether to retry it.
    listing = notifications.list_messages(lab, actor=OPERATOR, status="sending")
    assert [row["id"] for row in listing.rows] == [claimed.id]
    assert listing.rows[0]["status"] == "sending (interrupted?)"
    assert "may have arrived" in listing.note
    notifications.retry_message(lab, actor=OPERATOR, message_id=claimed.id, now=NOW)
    assert sending.send_due(lab, actor=OPERATOR, config=config, now=NOW).sent == 1
    assert [mail["Message-ID"] for _, mail in inbox.received].count(interrupted) >= 1


def test_notify_cli_lists_and_sends(cli, tmp_path, smtp_server, monkeypatch, db) -> None:
    load_platform(db, parse_platform_text(_platform_text()), actor=None, now=NOW)
    result = cli("--as", "op", "booking", "cancel", "1")
    assert result.code == 0, result.err
    listed = cli("--as", "op", "notify", "list")
    assert listed.code == 0 and "p0@lab.test" in listed.out and "queued" in listed.out
    assert cli("--as", "p1", "notify", "list", "--json").out.strip() == "[]"  # not theirs
    refused = cli("--as", "p1", "notify", "send")
    assert refused.code == 4
    unset = cli("--as", "op", "notify", "send")
    assert unset.code == 1 and "LABOPS_SMTP_HOST" in unset.err
    inbox = Inbox()
    config = smtp_server(inbox)
    monkeypatch.setenv("LABOPS_SMTP_HOST", config.host)
    monkeypatch.setenv("LABOPS_SMTP_PORT", str(config.port))
    monkeypatch.setenv("LABOPS_SMTP_SECURITY", "none")
    monkeypatch.setenv("LABOPS_SMTP_FROM", "labops@lab.test")
    sent = cli("--as", "op", "notify", "send")
    assert sent.code == 0, sent.err
    assert "1 message sent" in sent.out
    assert [rcpts for rcpts, _ in inbox.received] == [["p0@lab.test"]]
    assert cli("--as", "op", "booking", "cancel", "2").code == 0
    monkeypatch.setenv("LABOPS_SMTP_PORT", str(_free_port()))  # nobody listens there
    failed = cli("--as", "op", "notify", "send")
    assert failed.code == 75  # EX_TEMPFAIL: try again later
    [line] = failed.err.strip().splitlines()
    assert line.startswith("1 message not sent, queued to retry later (ConnectionRefusedError")


def test_a_restore_keeps_the_outbox_as_it_is(cli, db, tmp_path, smtp_server, db_path) -> None:
    if getattr(db_path, "backend", "sqlite") != "sqlite":
        pytest.skip("backup and restore copy SQLite files")
    load_platform(db, parse_platform_text(_platform_text()), actor=None, now=NOW)
    assert cli("--as", "op", "booking", "cancel", "1").code == 0
    backup = tmp_path / "before.db"
    assert cli("--as", "op", "backup", str(backup)).code == 0  # holds the queued message
    inbox = Inbox()
    assert sending.send_due(db, actor=OPERATOR, config=smtp_server(inbox), now=NOW).sent == 1
    outbox = [(m.id, m.status) for m in _outbox(db)]
    outside(db_path, "UPDATE person SET access = 'admin' WHERE id = 'op'")  # restores need one
    assert cli("--as", "op", "restore", str(backup), "--yes").code == 0
    assert [(m.id, m.status) for m in _outbox(db)] == outbox == [(1, MessageStatus.SENT)]
    assert sending.send_due(db, actor=OPERATOR, config=smtp_server(inbox), now=NOW).sent == 0
    assert len(inbox.received) == 1


@pytest.fixture
def certificate(tmp_path) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: the STARTTLS test needs a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return str(cert), str(key)


def test_starttls_verifies_the_server(lab: Database, certificate) -> None:
    _moved(lab)
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    try:
        config = sending.SmtpConfig("127.0.0.1", port, "starttls", "labops@lab.test", timeout=5)
        # A certificate nobody vouches for: refused, and the messages wait.
        untrusted = sending.send_due(lab, actor=OPERATOR, config=config, now=NOW)
        assert (untrusted.sent, untrusted.failed) == (0, 10)
        assert "CERTIFICATE_VERIFY_FAILED" in untrusted.error
        trusted = dataclasses.replace(config, cafile=cert)
        later = NOW + dt.timedelta(days=1)
        assert sending.send_due(lab, actor=OPERATOR, config=trusted, now=later).sent == 10
        assert len(inbox.received) == 10
    finally:
        controller.stop()
