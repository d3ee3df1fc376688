# Logging in, registering, passwords (templates/accounts, src/accounts).
login-title = Log in
login-email = E-mail address
login-password = Password
login-submit = Log in
login-forgot = Forgot your password?
login-register = Register as a parent or guardian
login-wrong = The e-mail address or the password is wrong.

register-title = Register as a parent or guardian
register-short-title = Register
register-correct = Please correct this:
register-name = Your full name
register-password = Password (at least { $min } characters)
register-password-again = The same password again
register-submit = Register
register-mismatch = The two passwords are not the same.
register-check-title = Check your e-mail
register-check-message = We sent a message to { $email }. Open the link in it to confirm your address, then log in; you need a confirmed address to apply.

forgot-title = Forgot your password?
forgot-short-title = Forgot your password
forgot-explain = We will send a link to choose a new one.
forgot-submit = Send the link

reset-title = Choose a new password
reset-password = New password (at least { $min } characters)
reset-submit = Save the new password

invalid-email-empty = Please enter your e-mail address.
invalid-email = "{ $input }" is not an e-mail address.
invalid-name-empty = Please enter your full name.
invalid-name-long = The name may have at most 200 characters.
invalid-name-characters = The name contains characters that cannot be used.
invalid-password-short = The password needs at least { $min } characters.
invalid-password-long = The password may have at most { $max } characters.
invalid-password-email = The password must not be your e-mail address.

reset-link-invalid = This link is not valid any more (links work once, for one hour). Ask for a new one.
reset-done-title = Password changed
reset-done-message = Your password is changed and every login with the old one has ended. You can log in now.
change-current-wrong = The current password is wrong.
change-mismatch = The two new passwords are not the same.

change-title = Change your password
change-current = Current password
change-password-again = The same new password again
change-submit = Change the password
change-done-message = Your password is changed. You were logged out everywhere else.
verify-link-invalid = This confirmation link is not valid any more. Log in and ask for a new one from your start page.
verified-title = E-mail address confirmed
verified-message = Thank you: your e-mail address is confirmed. You can log in now.
forgot-sent = If { $email } belongs to an account, we sent it a link to choose a new password.
phone-title = Your phone number
phone-explain = The chaperones take it on their printed list of the group: whom to call about your child when there is no connection. Nobody else sees it.
phone-label = Phone number (with the country code, e.g. +7 914 123-45-67)
phone-save = Save
phone-saved = The phone number is saved.
phone-characters = A phone number has digits, spaces, dashes and brackets, and may start with +.
phone-length = A phone number has 7 to 15 digits.
phone-missing = Please give a phone number the chaperones can call:
