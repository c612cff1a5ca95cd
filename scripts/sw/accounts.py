SW = {
    "Court clerk": "Karani wa mahakama",
    "Internal affairs officer": "Afisa wa masuala ya ndani",
    "Judiciary": "Mahakama",
    # single sign-on (accounts/sso.py, web/sso.py, web/login.html)
    "Or sign in through your agency": "Au ingia kupitia taasisi yako",
    "Sign in with %(name)s": "Ingia kwa %(name)s",
    "Sign-in through your agency's provider did not succeed.": (
        "Kuingia kupitia mtoa huduma wa taasisi yako hakukufanikiwa."
    ),
    # hotspot forecast parameters and background forecasts (policing)
    "%(name)s must be above zero": "%(name)s lazima iwe zaidi ya sifuri",
}
