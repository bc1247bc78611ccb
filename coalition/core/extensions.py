"""The Flask extensions, made once and bound to the app by `create_app`; here so that a route
can use one (a CSRF exemption) without importing the app package above it."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
