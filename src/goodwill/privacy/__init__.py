"""Privacy (AVG/GDPR): forgetting a person everywhere, the suppression list that keeps
them forgotten through later imports and undo, the access log, and retention of history.
See docs/privacy.md."""

from goodwill.privacy.forget import ForgetError, ForgetReport, forget_contact, forget_employee

__all__ = ["ForgetError", "ForgetReport", "forget_contact", "forget_employee"]
