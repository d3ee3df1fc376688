identity-heading = Changes of identity
identity-explain = A family changed a child's name, birth date or passport after applications closed. Until you decide, the child's place, voucher and travel manifest keep the details they had. Accepting changes them and sends the child's documents back to review; the family is told either way.
identity-now = Now
identity-asked-for = Asked for
identity-passport-number = Passport number
identity-accept = Accept the change
identity-reject = Reject the change
identity-none = No change of identity is waiting.
identity-back-to-review = Saved. Because the child's name, birth date or passport changed after the application was submitted, the coordinator checks the documents again; the child can be placed once they are accepted.
identity-asked = The other details are saved. Applications have closed, so the change of name, birth date or passport waits for the coordinator's decision; until then the application keeps the details it had. You will be told by e-mail.
identity-waiting = A change waits for the coordinator's decision: { $name }, born { $date }.
identity-already-decided = This change has already been decided.
child-changed-meanwhile = The child's details were changed meanwhile (in another window?). Nothing was saved: open the record again and make the change there.
email-identity-accepted-subject = The details of { $child } were changed
email-identity-accepted-body =
    the coordinator accepted the change of name, birth date or passport of { $child }. The documents will be checked again against the new details.

    The child's record: { $link }
email-identity-rejected-subject = The details of { $child } were not changed
email-identity-rejected-body =
    the coordinator did not accept the change of name, birth date or passport of { $child }; the record keeps the details it had. Please write to the coordinator if they are wrong.

    The child's record: { $link }
