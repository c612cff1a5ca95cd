"""The standard input frame every resolution run starts from, and how raw columns map to it."""

from __future__ import annotations

# Fields of the standard frame, in output order. Everything except record_id is optional.
STANDARD_FIELDS: tuple[str, ...] = (
    "record_id",
    "source",
    "given_name",
    "middle_name",
    "surname",
    "full_name",
    "date_of_birth",
    "national_id",
    "passport",
    "kra_pin",
    "brs_number",
    "phone",
    "email",
    "address",
    "postcode",
    "town",
    "county",
    "nationality",
)

# Raw column names recognised for each field (lower-cased, compared after stripping
# spaces/underscores/hyphens). Address is special: several raw columns join into one.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "source": ("source", "agency", "source_dataset", "dataset"),
    "given_name": ("given_name", "first_name", "forename", "firstname", "givenname"),
    "middle_name": ("middle_name", "middle_names", "other_names", "middlename"),
    "surname": ("surname", "last_name", "family_name", "lastname"),
    "full_name": ("full_name", "name", "fullname", "person_name"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "national_id": ("national_id", "soc_sec_id", "id_number", "national_id_number", "nid"),
    "passport": ("passport", "passport_number", "passport_no"),
    "kra_pin": ("kra_pin", "pin", "tax_id", "kra"),
    "brs_number": ("brs_number", "registration_number", "company_number", "brs"),
    "phone": ("phone", "phone_number", "msisdn", "mobile", "telephone"),
    "email": ("email", "email_address", "e_mail"),
    "postcode": ("postcode", "postal_code", "zip", "zipcode"),
    "town": ("town", "suburb", "city", "locality"),
    "county": ("county", "state", "region", "province"),
    "nationality": ("nationality", "country", "citizenship"),
}

# Raw columns that together make the address, joined in this order with spaces.
ADDRESS_PARTS: tuple[str, ...] = ("street_number", "address", "address_1", "address_2")


def squash(column: str) -> str:
    """Compare column names ignoring case, spaces, underscores and hyphens."""
    return "".join(ch for ch in column.lower() if ch.isalnum())
