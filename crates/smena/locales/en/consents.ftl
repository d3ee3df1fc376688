consent-withdrawals-heading = Consents withdrawn
consent-withdrawals-explain = Families who withdrew a consent after submitting. Without every consent an application is not allocated; after placement, decide with the family whether the child still travels (withdraw the application from its page if not).
consent-withdrawals-child = Child
consent-withdrawals-consent = Consent
consent-withdrawals-none = No consent has been withdrawn after submission.
consent-history-heading = Consents given and withdrawn
consent-history-given = given { $when } by { $who }
consent-history-withdrawn = withdrawn { $when } by { $who }
consent-withdraw = Withdraw this consent
consent-withdraw-explain = Withdrawing a consent cannot be undone here: without it the child is not placed, and a place already given goes to the coordinator's decision.
consent-withdraw-draft = A draft's consents are changed in its form.
email-consent-withdrawn-subject = A consent was withdrawn: application { $reference }
email-consent-withdrawn-body =
    the family of { $child } withdrew the consent to { $consent } for application { $reference }. Without it the application is not allocated; if the child already has a place, please decide with the family.

    Consents withdrawn: { $link }
