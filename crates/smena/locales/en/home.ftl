home-heading = Home
home-explain = Hand each child over to a parent or legal guardian and record to whom and when. The family is e-mailed at once. The programme completes when everyone is home.
home-handed-to = Handed over to
home-hand-over = Handed over
home-handed = handed over to { $guardian }, { $when }
home-name-needed = Write to whom the child was handed over (a name, at most 200 characters).
journey-not-home = { $n ->
    [one] { $n } child is not yet handed over to a guardian
   *[other] { $n } children are not yet handed over to a guardian
}
email-home-subject = { $child } is home
email-home-body =
    { $child } was handed over to { $guardian }, { $when }. Thank you for travelling with us!
    Tell us how the journey went (it takes a minute): { $link }
feedback-heading = How the journey went
feedback-question = How was the journey for { $child }?
feedback-comment = What went well, what could be better
feedback-send = Send
feedback-problem = Choose a rating from 1 to 5; the comment may have at most 2,000 characters.
feedback-rating-5 = excellent
feedback-rating-4 = good
feedback-rating-3 = fair
feedback-rating-2 = poor
feedback-rating-1 = very poor
feedback-summary-heading = Families' feedback
feedback-answers = answers: { $n }
feedback-average = average { $average } of 5
home-feedback = Families' feedback
uncollected-heading = { $n ->
    [one] { $n } child not collected after the return
   *[other] { $n } children not collected after the return
}
uncollected-explain = Their group's return leg arrived more than two hours ago and nobody has recorded a handover. Call the guardian; record the handover on the group's page.
uncollected-line = { $child } (guardian { $guardian }) — { $group }, session { $session }, arrived { $when }
email-uncollected-subject = Not collected: { $n } after the return — { $group }, session { $session }
email-uncollected-body =
    The return leg of { $group }, session { $session }, arrived { $when }; more than two hours later these children are not recorded as handed over:
    { $children }
    Call their guardians. The group's page: { $link }
