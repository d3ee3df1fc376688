# Why a child was or was not placed in a session (the explanations).
explain-placed = Placed in { $session }, your choice number { $rank }.
explain-ineligible = Not eligible for { $session }: { $why }.
explain-below-cutoff = Not placed in { $session }: its places went to children ranked higher. The last child admitted had { $cutoff }; your child has { $own }.
explain-tier-decided = The other child was in a higher priority tier (a preferential category), which comes before the score.
explain-lottery-decided = The scores were equal, so the lottery decided: the lower lottery number goes first.
explain-reserve = The places reserved for { $group } went to children of { $group } ranked higher (the last had { $cutoff }).
explain-school-cap = Not placed in { $session }: at most { $n } children of one school may take its general places, and { $n } children of { $school } ranked higher took them (the last had { $cutoff }; your child has { $own }).
explain-school-none = Not placed in { $session }: it takes no children of { $school } on its general places.
explain-school-cap-block = Not placed in { $session }: at most { $n } children of one school may take its general places, and your children of { $school } who apply together are more than that.
explain-block = Not placed in { $session }: your { $children } children apply together and need { $children } places in the same session; { $left } after the children ranked higher (your children have { $own }).
explain-block-left = { $n ->
    [0] none were left
    [one] only 1 was left
   *[other] only { $n } were left
}
explain-all-reserved = Not placed in { $session }: all its places are reserved for groups your child is not in, and those groups filled them.
explain-reserve-filled = Not placed in { $session }: every place is reserved, and the places reserved for { $group } went to children of { $group } ranked higher. The last of them had { $cutoff }; your child has { $own }.
explain-no-places = Not placed in { $session }: the session has no places.
explain-held = Not placed in { $session }: its places are held by children who were offered them before a withdrawal and keep them (the last had { $cutoff }; your child has { $own }).
explain-unresolved = Not placed in { $session }, although it would take your child ({ $own }): children who apply together made this case impossible to settle automatically. The coordinator has been told and will review it.
priority-with-tier = priority tier { $tier }, score { $score }, lottery number { $lottery }
priority = score { $score }, lottery number { $lottery }
ineligible-too-young = your child will be { $n } on the first day ({ $on }), and the session takes children from { $min }
ineligible-too-old = your child will be { $n } on the first day ({ $on }), and the session takes children up to { $max }
ineligible-birth-date = the session has an age limit and no birth date was given
ineligible-passport-expires = the passport expires on { $expires } and must be valid until at least { $date }
ineligible-passport-missing = the session needs a passport and no passport expiry date was given
ineligible-documents = the application's documents have not been verified
ineligible-not-nominated = the programme takes only children nominated by their school, and the child's school did not nominate the child
ineligible-block-member = children applying together must all be eligible, and { $member } is not eligible for this session
ineligible-withdrawn = the application was withdrawn

# The coordinator's allocation pages.
allocation-title = Allocation
vouchers-issued = { $n ->
    [one] { $n } travel voucher issued; the family is being told by e-mail.
   *[other] { $n } travel vouchers issued; the families are being told by e-mail.
}
dry-run-heading = Try changed rules (dry run)
dry-run-label = Name of this dry run
dry-run-label-example = e.g. 35 places in July
dry-run-places = Places in { $session } (now { $n })
dry-run-reserves = Reserved places in { $session } (now { $reserves }; group:places;…, or "none")
dry-run-reserves-none = Reserved places in { $session } (now none; group:places;…, or "none")
dry-run-points = Points for a { $level } achievement (now { $points })
dry-run-school-cap = Children per school per session (a number, or "none")
dry-run-rural = Rural coefficient (e.g. 1.2)
dry-run-unchanged = unchanged
dry-run-submit = Run the dry run
final-run-heading = The allocation itself
final-run-explain = Runs the engine with the programme's rules and seed on every submitted application. Nothing is published until you publish it.
final-run-submit = Run the final allocation
runs-heading = Runs
runs-none = No runs yet.
compare-a = Compare
compare-b = with
compare-submit = Compare side by side
column-run = Run
column-kind = Kind
column-when = When
column-ranked = Ranked it
column-lowest-score = Lowest score admitted on general places
column-choices = Choices
run-kind-final = final
run-kind-dry_run = dry run
run-of = { $n } of { $count }
run-placed-of = placed { $n } of { $count }
run-published = published
run-title = Allocation run
run-all = All runs
run-publish-explain = Publishing reveals the lottery seed, makes an offer to every placed child and tells every family the result with its explanation.
run-publish = Publish this result
run-inputs-digest = Inputs digest
run-results-digest = Results digest
run-by-district = By district
run-unplaced = Children not placed
run-unplaced-summary = { $n ->
    [one] { $n } child, with the reason for their first choice
   *[other] { $n } children, with the reason for their first choice
}
run-first-1000 = (the first 1000)
run-reasons = Why children were not placed (their choices' reasons)
run-everyone-placed = Everyone was placed.
compare-title = Compare runs
compare-differences = { $n ->
    [one] { $n } child placed differently
   *[other] { $n } children placed differently
}
compare-first-500 = (the first 500)
compare-same = The two runs place everyone the same.
reason-placed = placed
reason-below_cutoff = places went to children ranked higher
reason-school_cap_reached = the school's cap was reached
reason-block_does_not_fit = children applying together did not fit
reason-all_places_reserved = all places reserved for other groups
reason-reserve_filled = the reserve for the child's group was filled by children ranked higher
reason-no_places = the session has no places
reason-held_by_earlier_offers = places held by earlier offers
reason-unresolved_blocking_pair = left for the coordinator to review
reason-too_young = too young
reason-too_old = too old
reason-birth_date_missing = no birth date
reason-passport_expires_too_soon = the passport expires too soon
reason-passport_missing = no passport
reason-documents_not_verified = documents not verified
reason-not_nominated = not nominated by the school
reason-block_member_ineligible = a child applying together is not eligible
reason-withdrawn = withdrawn
papers-heading = Travel papers
papers-report = The programme report (PDF)
papers-spreadsheets = Spreadsheets
papers-manifest = Travel manifest (passports)
papers-roster = Offline roster (emergency contacts)
papers-explain = For each session: the travel manifest for the border (passport numbers) and the offline roster to carry (emergency contacts, a box to tick at each checkpoint). Both list the children whose families accepted the place. Confidential: print only what you need.
papers-travelling = Travelling
papers-no-sessions = No sessions yet.
export-applications = applications
export-placements = placements
export-waitlist = waitlist
vouchers-explain = Issue a travel voucher to every child whose family accepted a place and who has none yet; each family gets an e-mail.
vouchers-issue = Issue travel vouchers

# The dashboard.
dashboard-title = Dashboard
dashboard-timeline-legend = Bars: submitted that day. Line: submitted in all.
dashboard-from-run = From the allocation “{ $run }”.
dashboard-scores = Scores and cutoffs
dashboard-scores-legend = For each session, the scores of the children who ranked it; the line is the lowest score placed there. Children in a priority category are placed ahead of scores, so a few may sit below the line.
dashboard-no-run = District shares and score distributions appear once there is a final allocation.
dashboard-report-link = Programme report (PDF) and spreadsheets

# Applications, documents, the audit log and the outbox.
overview-record = record
overview-documents = { $accepted } accepted, { $pending } to check
overview-none = No applications yet.
review-accept = Accept
review-reason = Or type the reason the family will read
review-reject = Reject
review-none = Nothing to check.
audit-who = Who
audit-did = Did
audit-to = To
audit-outcome = Outcome
audit-detail = Detail
audit-none = Nothing recorded yet.
outbox-heading = Outgoing e-mail
outbox-explain = Messages to families and staff, newest first.
outbox-secret-hidden = [a one-time link, sent to the recipient only]
outbox-delivering = They are delivered over SMTP; a message the mail server cannot take now is tried again later, waiting longer each time.
outbox-no-server = No mail server is configured: messages wait here.
outbox-to = to { $email }
outbox-state-sent = sent
outbox-state-failed = failed
outbox-state-waiting = waiting
outbox-state-retrying = retrying
outbox-attempts = { $n ->
    [one] { $n } attempt
   *[other] { $n } attempts
}
outbox-last-error = last error
outbox-none = No messages.

# What a host camp sees.
camp-title = Children placed with { $camp }
camp-explain = Children whose families have accepted a place, and those who have been offered one and not answered yet. Travel groups, rooms and needs come with the arrival lists.
camp-places = { $n ->
    [one] { $n } place
   *[other] { $n } places
}
camp-accepted-placed = { $accepted } accepted, { $placed } placed
camp-age = Age on arrival
camp-place = Place
camp-none-placed = No children placed yet: places are offered when the result is published.
camp-no-sessions = No sessions at this camp yet.

# The charts' words.
chart-demand-caption = { $n } places / { $want } ranked it ({ $first } first)
chart-legend-places = places
chart-legend-ranked = children who ranked it
chart-district-caption = { $placed } placed of { $n } applications
chart-legend-applications = applications
chart-legend-placed = placed
chart-share-caption = { $applicants } % of applicants, { $places } % of places
chart-legend-share-applicants = share of applicants
chart-legend-share-places = share of places
chart-no-applications = No applications submitted yet.
chart-in-all = { $n } in all
chart-ranked-it = { $n } ranked it
chart-cutoff = general places from { $score }
chart-points = { $score } points
chart-placed-here = placed in this session
chart-not-placed-here = not placed here

# Spreadsheets downloaded from the pages: sheet names and columns.
export-title-applications = Applications
export-title-placements = Placements
export-title-waitlist = Waitlist
export-title-manifest = Manifest { $session }
export-column-reference = Reference
export-column-family_name = Family name
export-column-given_name = Given name
export-column-birth_date = Date of birth
export-column-school = School
export-column-district = District
export-column-category = Preferential category
export-column-status = Status
export-column-submitted = Submitted
export-column-choices = Choices
export-column-block = Placed together (block)
export-column-session = Session
export-column-choice_rank = Choice number
export-column-offer = Offer
export-column-why_not_placed = Why not placed (first choice)
export-column-passport_number = Passport number
export-column-passport_expires = Passport valid until
export-column-guardian = Parent or guardian
export-column-guardian_email = E-mail of the parent or guardian
export-column-emergency_contact = Emergency contact

run-label-final = Final allocation
run-label-dry = Dry run
chart-reserve-cutoff = reserve «{ $group }» from { $score }
chart-by-category = { $n } by category, ahead of scores
waitlist-title = The waiting list
waitlist-none = Your child is not waiting for any session: either the results are not out yet, the place held is the first choice, or no session ranked could take the child.
waitlist-line = { $session } (choice { $rank }):
waitlist-position = number { $position } in line
waitlist-explain = The line is ordered as the allocation orders it: preferential category, then score, then the lottery. When a family declines or misses its deadline, the place goes to the first in line, who is e-mailed at once. Places reserved for a group (rural or Arctic districts) may let a child of that group pass.
waitlist-link = Where your child waits
waitlist-school-full = your child's school already has as many children in this session as the programme allows: a place there can come only when one of them leaves
waitlist-together = { $n ->
    [one] placed together: { $n } place is needed at once
   *[other] placed together with the other children of the group: { $n } places are needed at once
}
