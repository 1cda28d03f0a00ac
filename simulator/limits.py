"""Every limit of the simulated domain, defined once.

A sandbox is run by strangers on a shared server: each limit keeps one request's
work and one account's stored size bounded, while staying well above what a
real practice account (or the articles' procedures) ever needs. The web layer
imports these too, so a form, the API and the simulator refuse at the same point.
"""

# --- the account JSON -----------------------------------------------------------

#: Users on one account. The ``bulk`` scenario has 29; a thousand covers any
#: realistic practice account and keeps a deep copy (bulk, previews) cheap.
MAX_USERS = 1_000
#: Zoom Rooms on one account: enough for a large office, small enough to list.
MAX_ROOMS = 200
#: Add-ons on one account (Zoom sells a handful; 50 leaves room for made-up ones).
MAX_ADDONS = 50
#: Managed (associated) domains on one account.
MAX_MANAGED_DOMAINS = 50
#: Meetings + webinars + cloud recordings of one user (and of one list of them).
MAX_ITEMS_PER_USER = 500
#: Ids, topics, names, privileges: long enough for any label a person types.
MAX_STRING = 200
#: An e-mail address: RFC 5321 caps a forward path at 254 characters.
MAX_EMAIL = 254
#: Privileges of one user (Zoom's role editor has a few dozen).
MAX_PRIVILEGES = 50
#: Licenses bought, per kind: any real account, without unbounded integers.
MAX_LICENSES = 100_000
#: The sandbox clock and ``deactivated_days_ago``: about 2,700 years of days,
#: far beyond any clock step sequence, yet a small integer.
MAX_DAY = 1_000_000
#: Unlinked users remembered in ``departed`` (each unlink adds one).
MAX_DEPARTED = 10_000

# --- operations -----------------------------------------------------------------

#: Days after which deactivated users are deleted automatically: Zoom's
#: Advanced tab offers at most a year.
MAX_AUTO_DELETE_DAYS = 365
#: Days one clock step may advance: ten years, so that every auto-delete
#: setting (≤ 365 days) can be watched to its end in one step, while the daily
#: job's loop stays short.
MAX_CLOCK_STEP = 3_650
#: E-mails one bulk action (a selection on the Users page) may name: the same cap
#: as the sandbox Users page (``helpdesk/views/sandbox/removal.py`` keeps the
#: first 1,000 selected), and the size of the largest account.
MAX_BULK_EMAILS = 1_000

# --- CSV files ------------------------------------------------------------------

#: Bytes of an uploaded CSV file: a thousand rows of five columns fit many times.
MAX_CSV_BYTES = 1024 * 1024
#: Data rows (header excluded) of a CSV file: one per user of the largest account.
MAX_CSV_ROWS = MAX_USERS

# --- the event log --------------------------------------------------------------

#: Events an account keeps: the latest ones, older ones are dropped. The log is
#: history shown in the timeline, not state; a bounded log keeps the stored
#: account (and every load and save of it) bounded however long a sandbox is used.
MAX_EVENTS_KEPT = 200
#: Events a stored account may carry when loaded. Stores written before the log
#: was bounded hold longer logs; they load, and only the latest
#: ``MAX_EVENTS_KEPT`` are read and kept.
MAX_EVENTS = 200_000
#: Row results an ``import`` event keeps as examples (its counts cover every
#: row): enough to show what went wrong, small enough for the log.
MAX_IMPORT_EXAMPLE_ROWS = 10
#: Event details: nesting depth, items of one list, keys of one object and
#: characters of one string. Details hold item-id lists (≤ 500 a kind per user,
#: several users for a notice), so lists may be long, but nothing else is.
MAX_DETAIL_DEPTH = 5
MAX_DETAIL_LIST = 5_000
MAX_DETAIL_KEYS = 50
MAX_DETAIL_STRING = 10_000
#: Integers in event details (days, counts): far beyond any real value, and small
#: enough that no renderer meets a thousand-digit number.
MAX_DETAIL_NUMBER = 10**12
