"""One module per area for the authorization matrix (see test_authorization_matrix.py).

Each module defines:
    RULES: dict[str, Rule]            one row per endpoint of the area (keys as in the matrix)
    POST_ONLY_VIEWS / GET_AND_POST_VIEWS: set[str]   web routes that answer POST (optional)
    build(context: AreaContext) -> dict[str, str]    makes DCI-owned objects (shared with ODPP
        where the area shares) and returns the path parameters that name them
    fingerprint() -> list                            the area's state a refused write could change
"""
