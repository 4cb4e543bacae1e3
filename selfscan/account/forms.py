"""Forms for accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from selfscan.infra.passwords import MIN_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Email(_l("Enter a valid e-mail address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "username"},
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_LENGTH,
                max=200,
                message=_l(
                    "The password must be %(min)s to %(max)s characters long.",
                    min=MIN_LENGTH,
                    max=200,
                ),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class NewApiTokenForm(FlaskForm):
    name = StringField(
        _l("Name of the token"),
        validators=[
            DataRequired(_l("Give the token a name, such as the program that will use it.")),
            Length(max=80, message=_l("The name can be at most %(max)s characters long.", max=80)),
        ],
    )


class RevokeApiTokenForm(FlaskForm):
    """Only the CSRF token: which token to revoke is in the URL."""
