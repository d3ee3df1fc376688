# What every page shares (templates/base.html).
nav-log-in = Log in
nav-register = Register
nav-log-out = Log out
nav-language = Language

role-coordinator = Coordinator
role-school = School representative
role-parent = Parent or guardian
role-camp = Host camp representative
role-chaperone = Chaperone
role-camp_medic = Host camp medical staff

home-title = Start
home-hello = Hello, { $name }
home-resend-verification = Send the confirmation e-mail again
home-unverified = Your e-mail address is not confirmed yet: open the link we sent you. You need a confirmed address to apply.
home-logged-in-as = You are logged in as:
home-programmes = Programmes and sessions
home-dashboard = Dashboard: applications, demand, districts, scores
home-setup = Programme set-up
home-applications = Applications
home-documents = Documents to check
home-achievements = Import achievements from a spreadsheet
home-allocation = Allocation
home-audit = Audit log
home-travel-papers = Travel papers: manifests and offline rosters
home-outbox = Outgoing e-mail (outbox)
home-children = Your children and their applications
home-pupils = Your school's pupils
home-placements = Children placed with your camp
home-password = Change your password

# Words many pages share.
save = Save
remove = remove
none-yet = None yet.
score = Score
achievements = Achievements
documents = Documents
application = Application
count-children = { $n ->
    [one] { $n } child
   *[other] { $n } children
}
error-back = Back to the start page
error-not-found = This page does not exist, or you may not see it.
error-log-in = Please log in.
error-too-many = { $n ->
    [one] Too many attempts. Please try again in a minute.
   *[other] Too many attempts. Please try again in { $n } minutes.
}
error-internal = Something went wrong on our side; nothing you entered was saved by this request. Please try again.
error-status-400 = Something in the request is wrong
error-status-403 = Not allowed
error-status-404 = Not found
error-status-413 = Too large
error-status-429 = Too many attempts
error-status-500 = Something went wrong

size-bytes = { $size } B
size-kb = { $size } KB
size-mb = { $size } MB

# The audit log: who did what to what, and how it ended.
role-command_line = Command line
role-service = The service
role-anonymous = Not logged in
audit-action-read = read
audit-action-create = created
audit-action-update = changed
audit-action-review = reviewed
audit-action-run = ran
audit-action-publish = published
audit-action-print = printed
audit-action-export = exported
audit-action-import = imported
audit-action-login = logged in
audit-action-logout = logged out
audit-action-purge = purge
audit-resource-message = message
audit-resource-family_data = family data
audit-resource-programme = programme
audit-resource-session = session
audit-resource-camp = camp
audit-resource-outbox = outbox
audit-resource-audit_log = audit log
audit-resource-account = account
audit-resource-child = child
audit-resource-application = application
audit-resource-document = document
audit-resource-roster = roster
audit-resource-pupil = pupil
audit-resource-allocation = allocation
audit-resource-placement = placements
audit-resource-travel_papers = travel papers
audit-resource-needs = child's health needs
audit-resource-diets = diets (counts)
audit-resource-voucher = voucher
audit-resource-report = report
audit-resource-achievement = achievements
audit-outcome-ok = done
audit-outcome-denied = refused
audit-outcome-failed = failed
error-uploads-busy = You are already sending several files. Wait until they have arrived, then send this one again.
error-service-busy = The service is very busy right now. Please try again in a minute.
audit-chain-head = The log is a hash chain of { $n } entries; its head, which may be published:
messages-heading = Messages sent to you
messages-explain = Every e-mail Smena sent to your address, newest first. A one-time link is never shown here; the text of a message is kept 30 days after it was delivered.
messages-wiped = Text deleted after 30 days
messages-none = Nothing has been sent to you yet.
