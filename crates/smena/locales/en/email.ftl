# E-mail to families and staff. Each message: a subject and a plain-text
# body (the HTML part is made from it).
email-greeting = Hello { $name },

email-account-exists-subject = Someone tried to register with your e-mail address
email-account-exists-body =
    Someone (perhaps you) tried to create a new Smena account with this e-mail address, which already has one.

    To log in: { $login }
    Forgot your password? { $forgot }

email-verification-subject = Please confirm your e-mail address for Smena
email-verification-body =
    please confirm that this is your e-mail address by opening this link within 48 hours:
    { $link }

    If you did not register, ignore this message.

email-reset-subject = Reset your Smena password
email-reset-body =
    to choose a new password, open this link within one hour:
    { $link }

    If you did not ask for this, ignore this message: your password stays as it is.

email-received-subject = Your application has been received
email-received-body =
    your application for { $child } to "{ $programme }" has been received. Its reference is { $reference }: the lottery number that breaks ties is drawn for this reference, so keep it to check the published result.

    You can see the application at { $link }

    The result will be published after the allocation; you will receive it by e-mail with an explanation.

email-rejected-subject = A document needs to be sent again
email-rejected-body =
    the document "{ $document }" for { $child } was not accepted. The reason:

    { $reason }

    Please upload a new copy: { $link }

email-result-subject = The allocation result
email-result-placed = { $child } has a place in { $session }. Please accept or decline it on the application's page by { $deadline }.
email-result-unplaced = { $child } could not be given a place this time; { $child } stays on the waiting list and moves up if places become free.
email-result-body =
    { $headline }

    Why (application { $reference }):
    { $why }

    { $link }

email-reminder-subject = Please answer the offered place
email-reminder-body =
    the place offered to { $child } in { $session } is waiting for your answer until { $deadline }. If you do not accept or decline by then, the place goes to the next child on the waiting list.

    { $link }

email-backfill-subject = A place has become free for your child
email-backfill-accepted = Because you had accepted a place, this better place is accepted for you.
email-backfill-offered = Please accept or decline it on the application's page by { $deadline }.
email-backfill-body =
    a place has become free and { $child } moves up to { $session } (your choice number { $rank }). { $answer }

    { $link }

email-documents-reminder-subject = Documents due soon
email-documents-reminder-body =
    { $child }'s application still needs: { $documents }. The deadline is { $deadline }; after it the documents are no longer taken. Please upload them on the child's page:

    { $link }

email-message-family-subject = A family's question about application { $reference }
email-message-family-body =
    The family of { $child } (application { $reference }) writes:

    { $message }

    Answer on the application's page: { $link }
email-message-answer-subject = The coordinator's answer about application { $reference }
email-message-answer-body =
    The programme's coordinator answers about { $child }'s application ({ $reference }):

    { $message }

    The whole conversation: { $link }
email-condition-missed-subject = The place for { $child } is withdrawn: documents missing
email-condition-missed-body =
    The place for { $child } in { $session } depended on documents due by { $deadline }: { $documents }. They were not uploaded, so the place went to the next child on the waiting list.
    If you think this is a mistake, write to the coordinator on the application's page: { $link }
