"""Rules customers and suppliers share: Intacct writes both as a party record (CUSTOMER/VENDOR) with one
``DISPLAYCONTACT`` and one ``MAILADDRESS``, so the identity, contact, currency and address rules are the
same table with another noun. ``COUNTRIES`` are the country names Intacct's address takes.
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.intacct.mapping.facts import CompanyFacts
from connectors.intacct.rules._base import (
    FieldSpec,
    RecordView,
    Rule,
    is_blank,
    length_between,
    lines,
    one_of,
    required,
)

STATUSES = ("Active", "Archived")
#: Country names accepted in an Intacct address (the choices Codat's options offer for Sage Intacct).
COUNTRIES: tuple[str, ...] = tuple(
    (
        "United States|Afghanistan|Aland Islands|Albania|Algeria|American Samoa|Andorra|Angola|Anguilla|"
        "Antarctica|Antigua and Barbuda|Argentina|Armenia|Aruba|Australia|Austria|Azerbaijan|Bahamas|"
        "Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bermuda|Bhutan|Bolivia|"
        "Bonaire, Sint Eustatius and Saba|Bosnia and Herzegovina|Botswana|Bouvet Island|Brazil|"
        "British Indian Ocean Territory|Brunei Darussalam|Bulgaria|Burkina Faso|Burundi|Cambodia|"
        "Cameroon|Canada|Cape Verde|Cayman Islands|Central African Republic|Chad|Chile|China|"
        "Christmas Island|Cocos (Keeling) Islands|Colombia|Comoros|Congo|Congo, Democratic Republic|"
        "Cook Islands|Costa Rica|C\ufffdte d'Ivoire|Croatia|Cuba|Cura\ufffdao|Cyprus|Czech Republic|Denmark|"
        "Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|"
        "Estonia|Eswatini|Ethiopia|Falkland Islands (Malvinas|Faroe Islands|Fiji|Finland|France|"
        "French Guiana|French Polynesia|French Southern Territories|Gabon|Gambia|Georgia|Germany|Ghana|"
        "Gibraltar|Greece|Greenland|Grenada|Guadeloupe|Guam|Guatemala|Guernsey|Guinea|Guinea-Bissau|"
        "Guyana|Haiti|Heard Is. & Mcdonald Islands|Honduras|Hong Kong|Hungary|Iceland|India|Indonesia|"
        "Iran, Islamic Republic of|Iraq|Ireland|Isle of Man|Israel|Italy|Jamaica|Japan|Jersey|Jordan|"
        "Kazakhstan|Kenya|Kiribati|Korea, Republic of|Korea, Demo. People's Rep|Kosovo|Kuwait|Kyrgyzstan|"
        "Lao|Latvia|Lebanon|Lesotho|Liberia|Libyan Arab Jamahiriya|Liechtenstein|Lithuania|Luxembourg|"
        "Macao|Macedonia|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Martinique|"
        "Mauritania|Mauritius|Mayotte|Mexico|Micronesia|Moldova, Republic of|Monaco|Mongolia|Montenegro|"
        "Montserrat|Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|Netherlands Antilles|"
        "New Caledonia|New Zealand|Nicaragua|Niger|Nigeria|Niue|Norfolk Island|Northern Mariana Islands|"
        "Norway|Oman|Pakistan|Palau|Palestinian Territory, Occupied|Panama|Papua New Guinea|Paraguay|"
        "Peru|Philippines|Pitcairn|Poland|Portugal|Puerto Rico|Qatar|Reunion|Romania|Russian Federation|"
        "Rwanda|Saint Barthelemy|Saint Helena|Saint Kitts and Nevis|Saint Lucia|Saint Martin|"
        "Saint Pierre and Miquelon|Saint Vincent and the Grenadines|Samoa|San Marino|"
        "Sao Tome and Principe|Saudi Arabia|Senegal|Serbia|Seychelles|Sierra Leone|Singapore|"
        "Sint Maarten|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|S. Georgia & S. Sandwich Is|"
        "Spain|Sri Lanka|Sudan|South Sudan|Suriname|Svalbard and Jan Mayen|Sweden|Switzerland|"
        "Syrian Arab Republic|Taiwan|Tajikistan|Tanzania, United Republic of|Thailand|Timor-Leste|Togo|"
        "Tokelau|Tonga|Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Turks and Caicos Islands|Tuvalu|"
        "Uganda|Ukraine|United Arab Emirates|United Kingdom|US Minor Outlying Islands|Uruguay|Uzbekistan|"
        "Vanuatu|Vatican City State|Venezuela|Vietnam|Virgin Islands, British|Virgin Islands, U.S|"
        "Wallis and Futuna|Western Sahara|Yemen|Zambia|Zimbabwe"
    ).split("|")
)
_COUNTRY_SET = frozenset(COUNTRIES)

#: The one address Intacct keeps, as option fields (the same for every party).
ADDRESS_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("addresses.line1", "The first line of the address"),
    FieldSpec("addresses.line2", "The second line of the address"),
    FieldSpec("addresses.city", "The third line of the address, or city"),
    FieldSpec("addresses.region", "The fourth line of the address, or region"),
    FieldSpec("addresses.postalCode", "The postal (or zip) code for the address"),
    FieldSpec("addresses.country", "The country for the address", choices=tuple((c, c) for c in COUNTRIES)),
)


def _too_many_addresses(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if len(lines(record, "addresses")) > 1:
        yield "addresses"


def _country_for_tax_number(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    if is_blank(record.get("taxNumber")):
        return
    addresses = lines(record, "addresses")
    if not addresses:
        yield "addresses"
    elif is_blank(addresses[0].get("country")):
        yield "addresses[0].country"


def _unknown_country(record: RecordView, _facts: CompanyFacts) -> Iterator[str]:
    for index, address in enumerate(lines(record, "addresses")):
        country = address.get("country")
        if isinstance(country, str) and country and country not in _COUNTRY_SET:
            yield f"addresses[{index}].country"


def _unknown_currency(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
    value = record.get("defaultCurrency")
    if isinstance(value, str) and value and value not in {*facts.currencies, facts.base_currency}:
        yield "defaultCurrency"


def identity_rules(obj: str, noun: str, name_field: str, contact: Rule) -> tuple[Rule, ...]:
    """Id (unless ``obj`` is auto-numbered), name, ``contact`` (the contact-name rule), status and the
    free-text fields, in the order the issues are reported.
    """

    def id_needed(record: RecordView, facts: CompanyFacts) -> Iterator[str]:
        if not facts.numbers(obj) and is_blank(record.get("id")):
            yield "id"

    return (
        Rule("id", f"Must be provided when the company does not number {noun} automatically.", id_needed),
        required(name_field, "Must be between 1 and 100 characters (the name cannot be cleared)."),
        length_between(name_field, 1, 100, "Must be between 1 and 100 characters."),
        contact,
        length_between("contactName", 1, 200, "Must be between 1 and 200 characters."),
        required("status"),
        one_of("status", STATUSES, "Must be Active or Archived."),
        length_between("phone", 0, 30, "Must be no greater than 30 characters."),
        length_between("emailAddress", 0, 200, "Must be no greater than 200 characters."),
        length_between("taxNumber", 0, 20, "Must be no greater than 20 characters."),
        length_between("registrationNumber", 0, 100, "Must be no greater than 100 characters."),
    )


#: Default currency and the one address (count, country for a tax number, lengths, country names).
ADDRESS_RULES: tuple[Rule, ...] = (
    Rule(
        "defaultCurrency",
        "Must be a currency enabled in the Sage Intacct entity, or empty to clear it.",
        _unknown_currency,
    ),
    Rule("addresses", "If supplied, must contain only 1 address.", _too_many_addresses),
    Rule(
        "addresses",
        "If TaxNumber is supplied, an Address with a Country is required.",
        _country_for_tax_number,
    ),
    length_between("addresses.line1", 0, 200, "Must be no greater than 200 characters."),
    length_between("addresses.line2", 0, 200, "Must be no greater than 200 characters."),
    length_between("addresses.city", 0, 80, "Must be no greater than 80 characters."),
    length_between("addresses.region", 0, 40, "Must be no greater than 40 characters."),
    length_between("addresses.postalCode", 0, 30, "Must be no greater than 30 characters."),
    Rule("addresses.country", "Must be one of the country names Sage Intacct accepts.", _unknown_country),
)
