from django.core import mail

from bookings import services
from notifications.delivery import deliver_due
from notifications.models import OutgoingMessage


def test_booking_sends_invites_to_teacher_and_host(teacher, school_class, slot):
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)

    assert deliver_due() == 2

    invites = {m.to[0]: m for m in mail.outbox}
    assert len(invites) == 2
    message = next(iter(invites.values())).message()
    parts = [part.get_content_type() for part in message.walk()]
    assert parts == ["multipart/alternative", "text/plain", "text/html", "text/calendar"]
    calendar = message.get_payload()[-1]
    assert calendar.get_param("method") == "REQUEST"
    assert b"METHOD:REQUEST" in calendar.get_payload(decode=True)
    assert OutgoingMessage.objects.filter(kind="reminder", status="pending").count() == 4
