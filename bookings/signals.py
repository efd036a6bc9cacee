"""What bookings tell the layers above it without knowing them (the overview withdraws the
feedback asked about a class that did not come)."""

from django.dispatch import Signal

# Sent inside the marking's transaction with booking=, attended= and actor=.
attendance_marked = Signal()
