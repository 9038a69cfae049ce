"""Google Calendar API v3 Events resources ↔ the iCalendar hub (see docs/google.md)."""
