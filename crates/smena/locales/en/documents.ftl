# The printed papers: labels the PDF templates ask for (crates/pdf).
voucher-title = Travel voucher
voucher-code = Voucher code
voucher-verify = Scan the code or open this address to check that the voucher is valid:
field-child = Child
field-birth-date = Date of birth
field-guardian = Parent or guardian
field-programme = Programme
field-session = Session
field-sessions = Sessions
field-camp = Camp
field-dates = Dates
field-departure = Departure point
field-reference = Application reference
field-school = School
field-email = E-mail
field-chaperones = Chaperones
field-camp-contact = Camp contact
field-status = Status
issued-on = Issued on
confidential = Confidential: children's personal data. Keep it safe and destroy it after the trip.

consent-title = Parental consent
consent-sign-place-date = Place and date
consent-signature = Signature of the parent or guardian
consent-text-version = Consent text version
consent-participation = I am the parent or legal guardian of this child. I agree that the child travels abroad with the programme's group and its chaperones for the session they are placed in, and I will accept or decline a placement by its deadline.
consent-personal-data = I agree that the programme processes the child's personal data for this application, gives the host camp only what it needs, and deletes the data after { $until } (the programme's retention date).
consent-rules = I have read the camp's rules and will explain them to my child.

manifest-title = Travel manifest
manifest-count = Children travelling:
roster-title = Offline roster
roster-checkpoints = Tick each box when the child is with the group: departure, each change of transport, arrival at the camp.
checkpoint-departure = Departure
checkpoint-transfer = Transfer
checkpoint-arrival = Arrival

report-title = Programme report
report-sessions = Sessions
report-districts = Districts
column-number = No.
column-name = Name
column-birth-date = Date of birth
column-passport = Passport number
column-passport-expires = Passport valid until
column-guardian = Parent or guardian
column-emergency = Emergency contact
column-session = Session
column-camp = Camp
column-places = Places
column-first-choices = First choices
column-placed = Placed
column-cutoff = Cutoff score
column-district = District
column-applicants = Applicants
column-share-applicants = Share of applicants
column-share-places = Share of places

report-figure-applications = Applications submitted
report-figure-placed = Children placed
report-figure-unplaced = On the waitlist
report-figure-rating = { $n ->
    [one] Families' rating, of 5 ({ $n } answer)
   *[other] Families' rating, of 5 ({ $n } answers)
}
report-feedback = What the families said
report-figure-places = Places in all sessions
report-chart-demand = Places and demand per session
report-chart-districts = Applications and placements per district
report-chart-timeline = Applications submitted over time
report-chart-shares = Share of places against share of applicants, per district
report-chart-scores = Scores of the children who ranked each session, and its cutoff
report-no-run = No final allocation yet
not-assigned = not yet assigned
not-given = not given

status-draft = Draft
status-open = Applications open
status-closed = Applications closed
status-allocated = Allocated
status-purged = Data deleted (retention date passed)
status-published = Results published

voucher-check-title = Voucher check
voucher-check-valid = This voucher is valid.
voucher-check-unknown = No valid voucher has this code. Check the code, or call the programme office.
voucher-check-withdrawn = This voucher is no longer valid: the place was given up.
voucher-check-code = Code

email-voucher-subject = The travel voucher for { $child } is ready
email-voucher-body =
    The travel voucher for { $child } ({ $session }, { $dates }) is ready.
    Print it and bring it to the departure point: { $departure }.
    Download it from the application page: { $link }
field-departs = Departs
field-meeting-point = Meeting point
field-office-phone = Programme office phone
voucher-what-to-bring = What to bring
status-travelling = Groups travelling
status-completed = Programme completed
journey-travelling-title = The groups leave
journey-travelling-what = Places become final: a place given up is no longer offered to the next child on the waiting list, and unanswered offers lapse without replacement. The programme cannot go back to published results.
journey-travelling-button = The groups have left
journey-travelling-explain = When the groups leave, mark it here: places become final.
journey-completed-title = Everyone is back
journey-completed-what = The programme is completed: every group is back home. The children's data is kept until the retention date and then deleted.
journey-completed-button = Everyone is back home
journey-completed-explain = When every group is back, complete the programme.
journey-no-voucher = { $n ->
    [one] { $n } accepted place has no voucher: issue the vouchers first
   *[other] { $n } accepted places have no voucher: issue the vouchers first
}
journey-unanswered = { $n ->
    [one] { $n } offer is still unanswered: it will lapse without replacement
   *[other] { $n } offers are still unanswered: they will lapse without replacement
}
voucher-itinerary = Itinerary (local times)
