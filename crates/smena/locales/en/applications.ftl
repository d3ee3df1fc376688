# Children, their records and their applications (the family's pages).
children-title = Your children
children-none = No children added yet.
children-add = Add a child
child-born = born { $date }
child-form-title = Child's details
child-form-not-saved = Nothing was saved yet. Please correct this:
child-given-name = Given name
child-family-name = Family name
child-choose-school = Choose the school
child-category = Preferential category (if any)
child-category-none = None
child-passport-expires = Passport valid until (if the child has one)
child-passport-number = Passport number (printed on the travel manifest for the border)
child-emergency-contact = Emergency contact during the trip (name and phone)
child-sex = Sex
sex-female = female
sex-male = male
child-sex-why = Needed to form the travel groups and share out the camp's rooms.
child-invalid-sex = Choose the sex: female or male.
child-passport-valid = passport valid until { $date }
child-edit = Change the details
child-score-for = Score for { $programme }
child-category-tier = Preferential category: priority tier { $tier } (ranked above every score)
score-cap = cap for { $level } achievements
score-rural = rural coefficient ×{ $coefficient }
score-nomination = nominated by the school
achievement-title = Achievement (competition, olympiad, …)
achievement-place = Place
achievement-add = Add the achievement
document-status-pending = waiting to be checked
document-status-accepted = accepted
document-status-rejected = rejected
documents-none = None uploaded yet.
documents-required = Required
documents-which = Which document
documents-file = File (PDF, JPEG or PNG, up to 10 MB)
documents-upload = Upload
documents-missing = Please upload: { $document }.
application-open = Open the application
application-start = Start an application
application-none = No application.
application-no-programme = No programme is taking applications now.

application-title = Application — { $child }
application-heading = Application for { $child }
application-status-draft = draft
application-status-submitted = submitted
application-status-withdrawn = withdrawn
application-child-page = the child's page
application-consent-form = the consent form to sign (PDF)
application-not-submitted = Not submitted yet. Please correct this:
application-still-to-upload = Still to upload on
application-save = Save the draft
application-submit = Submit the application
application-received = Your application has been received. We sent you a confirmation by e-mail.
application-saved = Draft saved.
application-unchangeable = This application can no longer be changed.
application-closed = Applications for this programme are closed.
offer-line = Place offered: { $session } (your choice number { $rank })
offer-status-offered = offered
offer-status-accepted = accepted
offer-status-declined = declined
offer-status-expired = expired
offer-status-withdrawn = withdrawn
offer-answer-by = , answer by { $deadline }
offer-accept = Accept the place
offer-decline = Decline the place
offer-none = No place this time. Your child stays on the waiting list and moves up if places become free.
voucher-download = Download the travel voucher (PDF)
voucher-bring = print it and bring it to the departure point.
voucher-later = The travel voucher will be here once the programme office issues it; you will get an e-mail.
explanation-why = Why
choices-heading = Sessions, in the order you prefer
choices-truthful = Ranking your true preference is always best: a lower choice never costs you a higher one.
choices-chosen = Sessions chosen
choice-label = Choice { $rank }
choice-not-available = Not available for this child: { $session } ({ $why }).
choice-unknown = Choice { $rank } is not one of this programme's sessions.
choice-gap = Choice { $empty } is empty but choice { $rank } is filled: please fill the choices in order.
choice-twice = { $session } is chosen twice; choose each session once.
choice-ineligible = { $session } cannot be chosen: { $why }.
choice-none = Choose at least one session.
ineligible-age = { $n ->
    [one] ages { $min }–{ $max }; the child will be { $n }
   *[other] ages { $min }–{ $max }; the child will be { $n }
}
ineligible-no-passport = a passport valid until at least { $date } is needed; add its expiry date
ineligible-passport = the passport expires on { $expires }; it must be valid until at least { $date }
consents-heading = Consents
consents-given = Consents given
consents-needed = All consents are needed to submit; each is recorded with your name and the time.
consent-kind-participation = taking part in the trip
consent-kind-personal_data = processing of personal data
confirm-email-first = Please confirm your e-mail address first (open the link we sent you).
together-heading = Placed together
together-explain = Brothers and sisters can be placed together: all in the same session, or none of them if there is no room for all. They must rank the same sessions in the same order; at most { $n } children. Start an application for each child first.
together-with = Together with { $name } ({ $status })
together-block = Placed together: block { $block }; the lottery number is drawn for the block.
together-block-with = Placed together with { $names }: block { $block }; the lottery number is drawn for the block.
together-only-family = Only your family's other applications to this programme can be placed together with this one.
together-at-most = At most { $n } children can be placed together.
together-no-sessions = no sessions
together-same-choices = { $name }'s application was submitted with the choices { $theirs }; children placed together must rank the same sessions in the same order (this one ranks { $ours }).
withdraw-explain = Withdrawing gives up the application; the place goes to the next child on the waiting list.
withdraw-explain-place = Withdrawing gives up the application and the place; the place goes to the next child on the waiting list.
withdraw-submit = Withdraw the application

# What is wrong with a child's details.
child-invalid-given-empty = Please enter the child's given name.
child-invalid-given-long = The given name is too long or has characters that cannot be used.
child-invalid-family-empty = Please enter the child's family name.
child-invalid-family-long = The family name is too long or has characters that cannot be used.
child-invalid-birth-date = Birth date: "{ $value }" is not a date (write YYYY-MM-DD).
child-invalid-birth-future = The birth date is in the future.
child-invalid-age = Children aged 5 to 19 can apply; please check the birth date.
child-invalid-school = Please choose the child's school from the list.
child-invalid-category = Please choose a category from the list.
child-invalid-passport-expiry = Passport expiry: "{ $value }" is not a date (write YYYY-MM-DD).
child-invalid-passport-number = The passport number should be 5 to 20 letters and digits, as printed in the passport.
child-invalid-emergency-contact = The emergency contact is too long or has characters that cannot be used.
achievement-no-programme = Achievements are scored by an open programme, and none is open now.
achievement-choose-level = Please choose the achievement's level from the list.
achievement-choose-place = Please choose the place from the list.
achievement-describe = Please describe the achievement in up to 200 characters.
application-form-reused = This form was already used to submit another application. Please reload the page and submit again.

# Documents uploaded by the family and checked by the programme office.
upload-too-large = The file is larger than { $n } MB; please send a smaller scan.
upload-incomplete = The upload was not complete; please try again.
upload-no-programme = No programme is taking documents now.
upload-which = Please choose which document this is.
upload-past-deadline = The deadline for "{ $document }" was { $deadline }; the programme no longer takes it.
upload-choose-file = Please choose a file to upload.
upload-not-a-scan = This file is not a PDF, JPEG or PNG (whatever its name says). Please scan or photograph the document.
review-reason-needed = Please say why the document is rejected; the family will read it.
review-reason-long = Please keep the reason under 500 characters.

# Offers and the allocation.
offer-no-offer = There is no offer to answer.
offer-already-answered = This offer was already answered ({ $status ->
    [accepted] accepted
    [declined] declined
    [expired] expired
   *[withdrawn] withdrawn
}).
offer-deadline-passed = The deadline for this offer has passed.
offer-choose = Choose to accept or to decline.
publish-only-final = Only a final run can be published; dry runs are for comparing.
publish-already = This programme's result is already published.
run-after-publication = The result is already published; declines are backfilled automatically.
run-no-seed = This programme has no lottery seed; publish its commitment first.
dry-run-bad-places = "{ $value }" is not a number of places (a whole number from 0).
dry-run-bad-school-cap = "{ $value }" is not a school cap: write a whole number, or none.
dry-run-bad-points = "{ $value }" is not a number of points for { $level }, such as 3 or 2.5.
dry-run-bad-rural = "{ $value }" is not a coefficient between 0 and 10, such as 1.2.
export-nothing = Nothing to export: { $what }.

# Forms refused before they reach a page.
form-too-large = The form is too large; nothing was saved.
form-incomplete = The form did not arrive completely; please try again.
form-nul = The request contains a character that cannot be used (a NUL byte); nothing was saved.
form-foreign = This form was sent from another site and was refused.
form-expired = This form has expired or did not come from this site. Please go back, reload the page and try again.
language-choose = Choose Русский, English or 한국어.

review-choose = Choose to accept or to reject.
review-already = This document was already reviewed: { $status ->
    [accepted] accepted
   *[rejected] rejected
}. Nothing was changed.
document-upload-again = upload a new copy by { $deadline }
offer-depends-on = The place depends on documents not yet accepted (a document not uploaded by its deadline gives the place to the next child on the waiting list):
result-documents-now-accepted = The documents are now accepted: your child is on the waiting list and gets a place when one falls free.
consent-abroad-heading = The notarised consent for travel abroad
consent-abroad-guidance = A child travelling abroad without a parent needs a parent's consent to leave the country, certified by a notary, naming the country, the dates of the trip and the adult who accompanies the child (the group's chaperone). Have it made in good time and give the original to the chaperone at departure, with the child's passport; a copy stays with you.
summary-title = Application summary
summary-back = back to the application
summary-print = print this page from the browser's menu (or save it as PDF)
summary-choices = Sessions ranked
summary-consents = Consents
summary-made = Made { $when }
application-summary-link = Printable summary
application-change-heading = Change the order of sessions
application-change-explain = Until applications close you may change the sessions and their order; the lottery uses the order as it is when applications close.
application-change = Save the new order
application-changed = The new order of sessions is saved.
application-change-block = Children placed together rank the same sessions: their order cannot be changed for one child alone.
thread-heading = Messages about this application
thread-none = No messages yet. Write to the programme's coordinators here; the answer comes by e-mail and is shown here.
thread-family = The family
thread-coordinator = The coordinator
thread-write = Your message
thread-send = Send
thread-waiting-title = Families' questions waiting for an answer
thread-waiting-none = No question is waiting for an answer.
message-empty = Please write the message.
message-long = Please keep the message under { $n } characters.
message-characters = The message has characters that cannot be kept (control characters).
email-nominated-subject = The school nominated { $child } for “{ $programme }”
email-nomination-withdrawn-subject = The school withdrew { $child }'s nomination
email-nominated-body =
    { $school } nominates { $child } for the programme “{ $programme }”.
    { $meaning }
    The application: { $link }
email-nomination-withdrawn-body =
    { $school } withdrew the nomination of { $child } for the programme “{ $programme }”.
    { $meaning }
    If this is a mistake, please contact the school. The application: { $link }
nomination-means-required = Under the programme's rules only children nominated by their school take part in the allocation: this condition is now met.
nomination-means-required-lost = Under the programme's rules only children nominated by their school take part in the allocation: without a nomination the application does not.
nomination-means-points = Under the programme's rules a nomination adds { $points } to the application's score.
nomination-means-points-lost = The nomination added { $points } to the application's score; those points are gone.
nomination-means-nothing = This programme's rules neither give points for a nomination nor require one.
nomination-required-met = The school nominated the child: this condition of the allocation is met.
nomination-required-missing = The programme takes only children nominated by their school, and the child's school has not nominated the child yet. Without a nomination the application does not take part in the allocation: please contact the school.
nomination-points-possible = If the school nominates the child, { $points } will be added to the score.
entry-needed = To enter the camp's country the child needs “{ $document }”: upload it by { $deadline }. Without it the child cannot depart.
