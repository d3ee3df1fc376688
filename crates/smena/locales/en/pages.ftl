# What every page shares (templates/base.html).
nav-log-in = Log in
nav-register = Register
nav-log-out = Log out
nav-language = Language
