"""Feature descriptions of many shapes, each with terms its generated steps must use."""

from __future__ import annotations

# (description, key terms that must appear in the steps, case-insensitive)
CORPUS: list[tuple[str, list[str]]] = [
    (
        "As a customer, I want to reset my password by email so that I can regain access to my account. "
        "The reset link must expire after 30 minutes. "
        "If the email is not registered, show a generic message.",
        ["password", "email", "reset link", "30 minutes", "generic message"],
    ),
    (
        "As a finance manager I want to export monthly reports as CSV, PDF or XLSX so that I can share them "
        "with the auditors. Exports are limited to 10,000 rows.",
        ["monthly reports", "CSV", "XLSX", "10,000 rows"],
    ),
    (
        "Users can upload a profile photo. Only JPEG and PNG files up to 5 MB are accepted. When the upload "
        "succeeds, the new photo replaces the old one on the profile page.",
        ["profile photo", "JPEG", "5 MB", "profile page"],
    ),
    (
        "Admins need to invite team members by email. Each invitation is valid for 7 days. A user who is "
        "already a member cannot be invited again. Roles can be viewer, member or maintainer.",
        ["team members", "invitation", "7 days", "maintainer"],
    ),
    (
        "As a shopper I want to apply a discount code at checkout so that I pay less. Codes are "
        "case-insensitive, can be used once per customer, and expired codes must be rejected.",
        ["discount code", "checkout", "expired code"],
    ),
    (
        "Book a meeting room: employees choose a room, a date and a time slot between 8:00 and 18:00. "
        "A room cannot be double-booked. Bookings longer than 4 hours need manager approval.",
        ["meeting room", "8:00", "double-book", "manager approval"],
    ),
    (
        "As a support agent, I want to search tickets by status (open, pending, resolved, closed) and by "
        "customer name so that I can find conversations quickly.",
        ["tickets", "status", "pending", "customer name"],
    ),
    (
        "The system should send a push notification to the driver when a new delivery is assigned. If the "
        "driver does not accept within 2 minutes, the delivery is offered to the next available driver.",
        ["push notification", "driver", "delivery", "next available driver"],
    ),
    (
        "As a teacher I want to grade assignments with a score from 0 to 100 and leave written feedback so "
        "that students understand their mistakes. Grades above 100 or below 0 must be refused.",
        ["assignments", "score", "100", "written feedback"],
    ),
    (
        "Two-factor authentication: when a user signs in from a new device, they must enter a 6-digit code "
        "sent by SMS. After 3 wrong codes the account is locked for 15 minutes.",
        ["new device", "6-digit code", "3 wrong codes", "locked"],
    ),
    (
        "As a project owner I want to archive a project so that it no longer appears in the active list. "
        "Archived projects are read-only and can be restored by an admin.",
        ["archive", "project", "active list"],
    ),
    (
        "Patients can book a vaccination appointment online. They must be at least 12 years old. Each "
        "patient can hold at most one upcoming appointment.",
        ["vaccination appointment", "12 years old", "upcoming appointment"],
    ),
    (
        "As a warehouse clerk, I want to scan a barcode to record incoming stock so that inventory levels "
        "stay accurate. Unknown barcodes must be flagged for review.",
        ["barcode", "incoming stock", "flagged for review"],
    ),
    (
        "Allow users to switch the interface language between English, French, German and Spanish. The "
        "choice is remembered across sessions.",
        ["interface language", "French", "remembered across sessions"],
    ),
    (
        "As a blogger I want to schedule a post for publication at a future date and time so that it goes "
        "live while I am away. Posts cannot be scheduled in the past.",
        ["schedule", "post", "in the past"],
    ),
    (
        "Subscribers can cancel their subscription at any time from the billing page. The cancellation "
        "takes effect at the end of the current billing period and a confirmation email is sent.",
        ["subscription", "billing page", "confirmation email"],
    ),
    (
        "As an API client I want to receive a 429 response with a Retry-After header when I exceed 100 "
        "requests per minute so that I can back off.",
        ["429 response", "Retry-After header", "100 requests per minute"],
    ),
    (
        "Bank transfer: a customer transfers money between their own accounts. The amount must be greater "
        "than 0 and must not exceed the available balance. Transfers above 10000 EUR require a second "
        "confirmation.",
        ["money", "amount", "available balance", "second confirmation"],
    ),
    (
        "As a hiring manager, I want to filter candidates by skill, years of experience and location, and "
        "sort them by application date, so that I can shortlist the best matches.",
        ["candidates", "skill", "years of experience", "location"],
    ),
    (
        "Comment moderation: comments that contain banned words are hidden until a moderator approves them. "
        "Moderators can approve, reject or mark a comment as spam.",
        ["comment", "banned words", "spam"],
    ),
    (
        "As a traveller I want to check in online between 24 hours and 1 hour before departure and choose a "
        "seat so that I skip the queue at the airport.",
        ["check in", "24 hours", "before departure"],
    ),
    (
        "Import contacts from a CSV file with the columns name, email and phone. Rows with an invalid email "
        "are skipped and reported at the end of the import.",
        ["contacts", "CSV file", "invalid email", "phone"],
    ),
    (
        "As a librarian I want to register new members with a library card number of at least 8 characters, "
        "so that loans can be tracked. The email address is required.",
        ["members", "8 characters", "email address"],
    ),
]
